// Shared by the `npm start` tests (test/demo/start*.test.ts): where the launcher (test/demo/start.mjs) and
// code-server are, and what the environment asks for (TEST_START_VIA_NPM, TEST_START_EXPECT_INSTALL); running
// start.mjs to the end (runStart) or until its JSON "ready" line (launch); and finding every process of a
// demo run, to prove that none is left behind (processesOfLauncher, expectAllGone).
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { REPO_ROOT } from '../fixtures/paths';
import { descendantsOf, isAlive, listProcesses, waitUntil, type ProcessInfo } from '../fixtures/processTable';

const START = path.join(REPO_ROOT, 'test/demo/start.mjs');
const VERSIONS = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'test/editor/versions.json'), 'utf8')) as Record<
  string,
  { codeServer: string; vscode: string }
>;
export const FLOOR = VERSIONS.floor;
/** What npm start runs by default (--vscode newest). */
export const NEWEST = VERSIONS.newest;
const CACHE = path.resolve(process.env.EDITOR_TEST_CACHE || path.join(REPO_ROOT, '.vscode-test'));
/** What tells start.mjs that its default code-server (the newest) is installed: setup.sh's setup.json, or CODE_SERVER_BIN. */
export const CODE_SERVER = path.resolve(process.env.CODE_SERVER_BIN || path.join(CACHE, `code-server-${NEWEST.codeServer}`, 'setup.json'));
/** The same for --vscode floor. */
export const FLOOR_CODE_SERVER = path.resolve(process.env.CODE_SERVER_BIN || path.join(CACHE, `code-server-${FLOOR.codeServer}`, 'setup.json'));
export const VIA_NPM = !!process.env.TEST_START_VIA_NPM;
export const EXPECT_INSTALL = !!process.env.TEST_START_EXPECT_INSTALL;
/** npm start installs code-server itself; with plain `node start.mjs` the tests need it installed already. */
export const haveCodeServer = () => VIA_NPM || fs.existsSync(CODE_SERVER);
export const NO_CODE_SERVER = `code-server is not installed (${CODE_SERVER}): run \`npm start\` once, or \`npm run test:editor:setup\`, or set TEST_START_VIA_NPM=1`;

/** What `start.mjs --json` prints once ready (browser editor). */
export interface Ready {
  editor: 'browser';
  vscode: string;
  /** How the extension was loaded: the packaged .vsix installed into the profile, or the checkout as the extension under development. */
  extension: 'vsix' | 'development';
  url: string;
  host: string;
  port: number;
  workspace: string;
  settingsFile: string;
  mcpUrl: string;
  profile: string;
  pid: number;
  codeServerPgid: number;
  httpServerPgid: number;
  readyMs: number;
}

export interface Launched<R = Ready> {
  child: ChildProcess;
  ready: R;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Every writer of the launcher's stderr is gone (with npm start: start.mjs too, not only npm). */
  stderrClosed: Promise<void>;
}

function exitOf(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve({ code: child.exitCode, signal: child.signalCode });
    else child.once('exit', (code, signal) => resolve({ code, signal }));
  });
}

/** Runs start.mjs to the end (for the cases where it refuses to start). */
export async function runStart(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [START, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const { code } = await exitOf(child);
  return { code, stdout, stderr };
}

/**
 * Starts the launcher in its own process group and waits for its JSON "ready" line: `node start.mjs --json`,
 * or with TEST_START_VIA_NPM `npm start -- --json` (which builds first, and installs code-server when missing;
 * npm's own lines on stdout are skipped). stderr is passed through, so an install's progress shows live.
 */
export async function launch<R = Ready>(args: string[] = [], env: NodeJS.ProcessEnv = process.env, viaNpm = VIA_NPM): Promise<Launched<R>> {
  const t0 = Date.now();
  const child = viaNpm
    ? spawn('npm', ['start', '--', '--json', ...args], { cwd: REPO_ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env })
    : spawn(process.execPath, [START, '--json', ...args], { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env });
  let stderr = '';
  const stderrClosed = new Promise<void>((r) => child.stderr.on('close', r));
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    if (viaNpm) for (const line of String(d).split('\n')) if (/^\[(setup|start) /.test(line)) console.log(`      ${line}`);
  });
  const exited = exitOf(child);
  const waitMs = viaNpm ? (EXPECT_INSTALL ? 20 : 3) * 60_000 : 60_000;
  const ready = await new Promise<R>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ready line from the launcher in ${waitMs / 1000} s; stderr:\n${stderr}`)), waitMs);
    const lines = readline.createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      if (viaNpm && !line.startsWith('{')) return; // "> mcp-remote-pool@… start" and the like
      clearTimeout(timer);
      lines.removeAllListeners('line');
      try {
        resolve(JSON.parse(line) as R);
      } catch {
        reject(new Error(`unexpected stdout line from start.mjs: ${line}`));
      }
    });
    void exited.then(({ code, signal }) => reject(new Error(`the launcher exited (${code ?? signal}) before it was ready; stderr:\n${stderr}`)));
  });
  console.log(
    `      [info] ready ${(ready as { readyMs: number }).readyMs} ms after start.mjs started (${Date.now() - t0} ms since ${viaNpm ? '`npm start`' : '`node start.mjs`'})`,
  );
  return { child, ready, stderr: () => stderr, exited, stderrClosed };
}

/** Live processes whose environment marks them as part of this demo run (see start.mjs). */
function processesOfRun(profile: string): ProcessInfo[] {
  const marks = [`MCP_POOL_DEMO_RUN=${profile}`, `HOME=${path.join(profile, 'home')}`].map((m) => Buffer.from(`\0${m}\0`));
  return listProcesses().filter((p) => {
    if (p.pid === process.pid || p.state === 'Z') return false;
    try {
      const environ = Buffer.concat([Buffer.from([0]), fs.readFileSync(`/proc/${p.pid}/environ`)]);
      return marks.some((m) => environ.includes(m));
    } catch {
      return false;
    }
  });
}

/** Every live process of the launcher: its descendants and anything carrying the run's marks. */
export function processesOfLauncher(l: Launched<{ profile: string }>): ProcessInfo[] {
  const byPid = new Map(listProcesses().map((p) => [p.pid, p]));
  const pids = new Set([l.child.pid!, ...descendantsOf(l.child.pid!), ...processesOfRun(l.ready.profile).map((p) => p.pid)]);
  return [...pids].map((pid) => byPid.get(pid)).filter((p): p is ProcessInfo => !!p && p.state !== 'Z');
}

export const describeProcs = (ps: readonly ProcessInfo[]) => ps.map((p) => `${p.pid} ${p.cmdline.slice(0, 160)}`).join('\n  ');

/** Waits until none of `before` is alive and nothing carries the run's marks. */
export async function expectAllGone(before: readonly ProcessInfo[], profile: string, ms = 10_000): Promise<void> {
  const left = () => [...before.filter((p) => isAlive(p.pid)), ...processesOfRun(profile)];
  await waitUntil(() => left().length === 0, ms, `every process of the demo to end; still alive:\n  ${describeProcs(left())}`).catch((e: Error) => {
    for (const p of left())
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    throw new Error(`${e.message}\n  ${describeProcs(left())}`);
  });
}
