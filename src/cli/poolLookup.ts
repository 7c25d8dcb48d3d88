// Which pool a command talks to: `--pool <pid|folder>`, else the editor's terminal environment
// (MCP_POOL_URL + MCP_POOL_TOKEN), else the discovery folder, picked by the current folder.
// choosePool is pure; findPool reads the environment and the discovery folder. Only loopback URLs
// are used (a token never leaves the machine), and a pool is still only trusted once it proves it
// holds the token (poolProof.ts).
import { resolve, sep } from 'node:path';
import { discoveryDir, type FoundEntry, pickForFolder, scanEntries, type SkippedEntry } from '../contract/discovery';
import { ENV_TOKEN, ENV_URL, isLoopbackUrl } from '../contract/protocol';

export interface PoolTarget {
  readonly url: string;
  readonly token: string;
  /** Where it came from, for messages: `MCP_POOL_URL`, or the window's name and pid. */
  readonly source: string;
  readonly fromEnv: boolean;
}

export type PoolChoice =
  | { readonly ok: true; readonly target: PoolTarget }
  | { readonly ok: false; readonly reason: 'none' | 'ambiguous' | 'no-match' | 'not-loopback'; readonly message: string };

export const NO_POOL_HINT = 'open VS Code with the MCP Remote Pool extension (or enable it), or give `mcp-pool stdio` a --fallback command';

function contains(folder: string, path: string): boolean {
  return path === folder || path.startsWith(folder.endsWith(sep) ? folder : folder + sep);
}

function describeEntry(e: FoundEntry): string {
  return `  --pool ${e.pid}  ${e.window.name}${e.folders.length ? ` (${e.folders.join(', ')})` : ''}`;
}

function fromEntry(e: FoundEntry): PoolTarget {
  return { url: e.url, token: e.token, source: `${e.window.name} (pid ${e.pid})`, fromEnv: false };
}

export interface PoolQuery {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly entries: () => readonly FoundEntry[];
  readonly cwd: string;
  /** `--pool`: a pid, or a folder of the window. */
  readonly pool?: string;
  /** Skip the environment (its pool did not answer). */
  readonly ignoreEnv?: boolean;
  /** Discovery entries not used, and why: named when no pool is found. */
  readonly skipped?: () => readonly SkippedEntry[];
}

/** A URL for messages: its origin only (never credentials, paths or queries). */
function shownUrl(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'something that is not a URL';
  }
}

export function choosePool(q: PoolQuery): PoolChoice {
  if (q.pool === undefined && !q.ignoreEnv) {
    const url = q.env[ENV_URL];
    const token = q.env[ENV_TOKEN];
    if (url && token) {
      if (!isLoopbackUrl(url))
        return {
          ok: false,
          reason: 'not-loopback',
          message: `${ENV_URL} is ${shownUrl(url)}: it must be http://127.0.0.1:PORT, where the pool's gateway listens; the pool's token is never sent elsewhere. Unset ${ENV_URL} to find the pool from the discovery folder`,
        };
      return { ok: true, target: { url: url.replace(/\/+$/, ''), token, source: ENV_URL, fromEnv: true } };
    }
  }
  const entries = q.entries();
  if (!entries.length) {
    const skipped = q.skipped?.() ?? [];
    const why = skipped.length
      ? ` (${skipped.length} discovery ${skipped.length === 1 ? 'entry was' : 'entries were'} not used: ${skipped.map((s) => `${s.file}: ${s.reason}`).join('; ')})`
      : '';
    return { ok: false, reason: 'none', message: `no MCP pool is running: ${NO_POOL_HINT}${why}` };
  }
  if (q.pool !== undefined) {
    if (/^\d+$/.test(q.pool)) {
      const byPid = entries.find((e) => e.pid === Number(q.pool));
      if (byPid) return { ok: true, target: fromEntry(byPid) };
    } else {
      const folder = resolve(q.cwd, q.pool);
      const holding = entries.filter((e) => e.folders.some((f) => contains(resolve(f), folder)));
      const hit = pickForFolder(holding, folder).entry;
      if (hit) return { ok: true, target: fromEntry(hit) };
    }
    return { ok: false, reason: 'no-match', message: `no editor window matches --pool ${q.pool}; the running ones:\n${entries.map(describeEntry).join('\n')}` };
  }
  const pick = pickForFolder(entries, q.cwd);
  if (pick.entry) return { ok: true, target: fromEntry(pick.entry) };
  return {
    ok: false,
    reason: 'ambiguous',
    message: `${entries.length} editor windows run a pool and none has ${q.cwd} open; choose one with --pool:\n${entries.map(describeEntry).join('\n')}`,
  };
}

/** The pool for this process. With MCP_POOL_DEBUG set, every discovery entry not used is named on stderr with why. */
export function findPool(pool: string | undefined, opts: { ignoreEnv?: boolean } = {}): PoolChoice {
  let scan: ReturnType<typeof scanEntries> | undefined;
  const scanned = () => {
    if (!scan) {
      scan = scanEntries(discoveryDir());
      if (process.env.MCP_POOL_DEBUG) for (const s of scan.skipped) process.stderr.write(`mcp-pool: skipped the discovery entry ${s.file}: ${s.reason}\n`);
    }
    return scan;
  };
  return choosePool({ env: process.env, entries: () => scanned().entries, skipped: () => scanned().skipped, cwd: process.cwd(), pool, ...opts });
}
