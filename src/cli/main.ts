// `mcp-pool`: the editor's warm MCP pool from any terminal. Built into dist/cli.js (esbuild.mjs)
// and run with the editor's own Node. Every path but `stdio` loads nothing but Node's built-ins
// and this folder, so a command starts about as fast as a bare `node`; `stdio` loads the MCP SDK
// from dist/cli-stdio.js on demand.
import { join } from 'node:path';
import { isObject } from '../common/json';
import { EXIT, type PoolStatus } from '../contract/protocol';
import { ApiFailure, appPath, callApi } from './api';
import { type Invocation, parseArgs, UsageError, usageLine } from './args';
import { buildArguments, CoercionError, needsSchema } from './coerce';
import { enableCompileCache } from './compileCache';
import {
  formatProgress,
  formatPromptResult,
  formatReadResult,
  formatResources,
  formatStatus,
  formatToolResult,
  formatTools,
  formatPrompts,
  jsonText,
  terminalSafe,
} from './format';
import { helpText } from './help';
import { provenAgent } from './poolProof';
import { findPool, type PoolTarget } from './poolLookup';
import type * as Fallback from './fallback';
import type * as Relay from './stdioRelay';

const INTERRUPTED = 130;

/** A failure that ends the command with one line on stderr and this exit code. */
class Exit extends Error {
  constructor(
    message: string,
    readonly code: number,
  ) {
    super(message);
  }
}

// Text may come from servers (results, listings, error messages): what a terminal would act on is
// shown as escapes (format.ts terminalSafe). --json is JSON, its escapes written out (jsonText).
const write = (stream: NodeJS.WriteStream, text: string) => {
  const safe = terminalSafe(text);
  stream.write(safe.endsWith('\n') ? safe : `${safe}\n`);
};
const out = (text: string) => {
  if (text) write(process.stdout, text);
};
const err = (text: string) => write(process.stderr, text);
const json = (value: unknown) => process.stdout.write(`${jsonText(value)}\n`);

/** The pool to use, or an Exit saying why there is none. */
function pool(inv: Invocation, ignoreEnv = false): PoolTarget {
  const choice = findPool(inv.pool, { ignoreEnv });
  if (!choice.ok) throw new Exit(choice.message, EXIT.pool);
  return choice.target;
}

/** A pool from the terminal's environment that is not there any more (nothing listens, or what listens is not it). */
function envPoolGone(e: unknown, target: PoolTarget): e is ApiFailure {
  return e instanceof ApiFailure && (e.code === 'refused' || e.code === 'unproven') && target.fromEnv;
}

/**
 * Runs `fn` on the pool. A pool from the terminal's environment that refuses the connection (the
 * window was reloaded: a new port) or does not prove it holds the token (another program took the
 * port) is replaced once by what the discovery folder says.
 */
async function onPool<T>(inv: Invocation, fn: (target: PoolTarget) => Promise<T>): Promise<T> {
  const target = pool(inv);
  try {
    return await fn(target);
  } catch (e) {
    if (!envPoolGone(e, target)) throw e;
    const other = findPool(inv.pool, { ignoreEnv: true });
    if (!other.ok || other.target.url === target.url) throw e;
    return fn(other.target);
  }
}

async function readStdinJson(): Promise<Record<string, unknown>> {
  let text = '';
  process.stdin.setEncoding('utf8');
  for await (const chunk of process.stdin) text += chunk as string;
  return parseJsonObject(text, 'stdin');
}

function parseJsonObject(text: string, where: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UsageError(`the arguments from ${where} are not valid JSON`, 'call');
  }
  if (!isObject(value)) throw new UsageError(`the arguments from ${where} must be a JSON object`, 'call');
  return value;
}

type ListedTool = { name: string; inputSchema?: unknown };

async function listTools(target: PoolTarget, app: string, signal: AbortSignal): Promise<ListedTool[]> {
  return ((await callApi(target, 'GET', appPath(app, 'tools'), undefined, { signal })) as { tools?: ListedTool[] }).tools ?? [];
}

const toolNames = async (target: PoolTarget, app: string, signal: AbortSignal) => (await listTools(target, app, signal)).map((t) => t.name);

const noSuchTool = (app: string, tool: string, names: readonly string[]) => `app "${app}" has no tool "${tool}" (tools: ${names.join(', ') || 'none'})`;

/** The app's tool named `tool`, from its listing; a usage error naming the tools there are when it has none. */
async function listedTool(target: PoolTarget, app: string, tool: string, signal: AbortSignal): Promise<ListedTool> {
  const tools = await listTools(target, app, signal);
  const found = tools.find((t) => t.name === tool);
  if (!found)
    throw new UsageError(
      noSuchTool(
        app,
        tool,
        tools.map((t) => t.name),
      ),
      'call',
    );
  return found;
}

async function callTool(inv: Invocation): Promise<number> {
  const [app, tool] = inv.words;
  let base: Record<string, unknown> = {};
  if (inv.argsJson !== undefined) base = parseJsonObject(inv.argsJson, '--json');
  if (inv.argsFromStdin) base = await readStdinJson();
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  process.once('SIGTERM', onSigint);
  const showProgress = inv.progress || process.stderr.isTTY === true;
  try {
    const result = await onPool(inv, async (target) => {
      let args = base;
      if (inv.pairs.length) {
        // Plain text needs no schema: it stays text under any (and the server checks the rest).
        let schema: unknown;
        if (needsSchema(inv.pairs)) schema = (await listedTool(target, app, tool, controller.signal)).inputSchema;
        try {
          args = buildArguments(inv.pairs, schema, base);
        } catch (e) {
          if (e instanceof CoercionError) throw new UsageError(`${tool}: ${e.message}`, 'call');
          throw e;
        }
      }
      const result = await callApi(
        target,
        'POST',
        appPath(app, 'call'),
        { tool, arguments: args },
        {
          signal: controller.signal,
          onLine: (line) => {
            if (showProgress && line.progress !== undefined) err(`… ${formatProgress(line.progress)}`);
          },
        },
      );
      // An error result: if the app's listing shows no such tool, that is what to say (a usage
      // error, as when the list was read for the schema), with the server's words. Read only
      // then (a call that worked costs no listing); a listing that fails changes nothing.
      if (isObject(result) && result.isError === true) {
        const names = await toolNames(target, app, controller.signal).catch(() => undefined);
        if (names && !names.includes(tool)) {
          const said = formatToolResult(result).trim().split('\n')[0].slice(0, 200);
          throw new UsageError(`${noSuchTool(app, tool, names)}${said ? `; the server said: ${said}` : ''}`, 'call');
        }
      }
      return result;
    });
    if (inv.json) json(result);
    const isError = isObject(result) && result.isError === true;
    if (!inv.json) (isError ? err : out)(formatToolResult(result));
    return isError ? EXIT.toolError : EXIT.ok;
  } catch (e) {
    if (e instanceof ApiFailure && e.code === 'cancelled') {
      err('mcp-pool: cancelled');
      return INTERRUPTED;
    }
    throw e;
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
  }
}

async function stdio(inv: Invocation): Promise<number> {
  const app = inv.words[0];
  const fallback = (why: string): Promise<number> => {
    if (!inv.fallback) throw new Exit(why, EXIT.pool);
    err(`mcp-pool: ${why}; running the fallback: ${inv.fallback.join(' ')}`);
    // Loaded here, not at start: node:child_process costs every other command a few ms.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { runFallback } = require('./fallback') as typeof Fallback;
    return runFallback(inv.fallback);
  };
  const choice = findPool(inv.pool);
  if (!choice.ok) return fallback(choice.message);
  let target = choice.target;
  let status: PoolStatus;
  try {
    status = (await callApi(target, 'GET', `/v1/pool`)) as PoolStatus;
  } catch (e) {
    if (!(e instanceof ApiFailure)) throw e;
    const other = envPoolGone(e, target) ? findPool(inv.pool, { ignoreEnv: true }) : undefined;
    if (!other?.ok) return fallback(e.message);
    target = other.target;
    try {
      status = (await callApi(target, 'GET', `/v1/pool`)) as PoolStatus;
    } catch (e2) {
      if (!(e2 instanceof ApiFailure)) throw e2;
      return fallback(e2.message);
    }
  }
  if (!status.apps.some((a) => a.name === app)) {
    const blocked = status.blocked.find((b) => b.name === app);
    const names = status.apps.map((a) => a.name).join(', ') || 'none';
    return fallback(
      blocked ? `app "${app}" is blocked in ${status.window.name}: ${blocked.reason}` : `${status.window.name} has no app "${app}" (apps: ${names})`,
    );
  }
  // The SDK lives in its own bundle, loaded only here: the other commands never parse it. Its
  // compiled code comes from Node's compile cache where Node has one (compileCache.ts).
  enableCompileCache();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const relay = require(join(__dirname, 'cli-stdio.js')) as typeof Relay;
  return relay.runRelay({ url: target.url, token: target.token, app, version: MCP_POOL_VERSION, agent: provenAgent(target) });
}

async function run(inv: Invocation): Promise<number> {
  const [app, second] = inv.words;
  const show = (body: unknown, text: (b: unknown) => string) => (inv.json ? json(body) : out(text(body)));
  switch (inv.command) {
    case 'help': {
      const text = helpText(inv.words[0]);
      if (text === undefined) throw new UsageError(`no help for "${inv.words[0]}": there is no such command`);
      out(text);
      return EXIT.ok;
    }
    case 'version':
      out(MCP_POOL_VERSION);
      return EXIT.ok;
    case 'status':
      show(await onPool(inv, (t) => callApi(t, 'GET', '/v1/pool')), (b) => formatStatus(b as PoolStatus));
      return EXIT.ok;
    case 'tools':
      show(await onPool(inv, (t) => callApi(t, 'GET', appPath(app, 'tools'))), formatTools);
      return EXIT.ok;
    case 'call':
      return callTool(inv);
    case 'resources':
      show(await onPool(inv, (t) => callApi(t, 'GET', appPath(app, 'resources'))), formatResources);
      return EXIT.ok;
    case 'read':
      show(await onPool(inv, (t) => callApi(t, 'POST', appPath(app, 'read'), { uri: second })), formatReadResult);
      return EXIT.ok;
    case 'prompts':
      show(await onPool(inv, (t) => callApi(t, 'GET', appPath(app, 'prompts'))), formatPrompts);
      return EXIT.ok;
    case 'prompt': {
      const args = Object.fromEntries(inv.pairs.map((p) => [p.key, p.value]));
      show(await onPool(inv, (t) => callApi(t, 'POST', appPath(app, 'prompt'), { name: second, arguments: args })), formatPromptResult);
      return EXIT.ok;
    }
    case 'stdio':
      return stdio(inv);
  }
}

/** What the whole process does; resolves to its exit code. Never throws. */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    return await run(parseArgs(argv));
  } catch (e) {
    if (e instanceof UsageError) {
      err(`mcp-pool: ${e.message}`);
      err(e.command && e.command !== 'help' ? `usage: ${usageLine(e.command)} (mcp-pool help ${e.command})` : 'see mcp-pool --help');
      return EXIT.usage;
    }
    if (e instanceof Exit) {
      err(`mcp-pool: ${e.message}`);
      return e.code;
    }
    if (e instanceof ApiFailure) {
      const hint =
        e.code === 'unauthorized' ? " (the token is not this window's: a terminal from an earlier editor session? open a new one, or unset MCP_POOL_URL)" : '';
      err(`mcp-pool: ${e.message}${hint}`);
      // the server rejected the arguments: the command line is what needs changing
      return e.code === 'invalid-arguments' ? EXIT.usage : EXIT.pool;
    }
    err(`mcp-pool: unexpected failure: ${e instanceof Error ? e.message : String(e)}`);
    if (process.env.MCP_POOL_DEBUG) err(e instanceof Error ? (e.stack ?? '') : '');
    return EXIT.pool;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
