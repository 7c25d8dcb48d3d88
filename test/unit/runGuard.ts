// Loaded by .mocharc.json (`require`) before any test file. The unit run fails, naming what it
// found, when the tests leave anything in the temp dir, or when a promise rejection goes
// unhandled or gets its handler late (what Node reports as PromiseRejectionHandledWarning).
//
// Temp dir: the run gets a private TMPDIR, set before any test file loads and inherited by every
// process the tests start (the pool passes TMPDIR on to its servers). Whatever is in it after the
// last test was left by this run, even while other runs share the machine's temp dir. It is
// removed when the process exits, so a failing run leaves nothing behind either.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const RUN_PREFIX = 'mcp-pool-test-run-';

// The private temp dirs of runs that were killed (no exit handler ran): their process is gone.
const systemTmp = tmpdir();
for (const name of readdirSync(systemTmp)) {
  const pid = Number(new RegExp(`^${RUN_PREFIX}(\\d+)-`).exec(name)?.[1]);
  if (pid && !isRunning(pid)) rmSync(join(systemTmp, name), { recursive: true, force: true });
}

const runTmp = mkdtempSync(join(systemTmp, `${RUN_PREFIX}${process.pid}-`));
process.env.TMPDIR = runTmp;
process.on('exit', () => {
  try {
    rmSync(runTmp, { recursive: true, force: true, maxRetries: 3 });
  } catch (e) {
    console.error(`runGuard: could not remove ${runTmp}: ${String(e)}`);
  }
});

/** Rejections that were unhandled at the end of a tick, by promise; `lateIn`: handled later, in that test. */
const rejections = new Map<Promise<unknown>, { reason: unknown; test: string; lateIn?: string }>();
let currentTest = '(before the first test)';
// Mocha listens too and re-emits the event to the other listeners: record each promise once.
process.on('unhandledRejection', (reason, promise) => {
  if (!rejections.has(promise)) rejections.set(promise, { reason, test: currentTest });
});
// With this listener, Node emits no PromiseRejectionHandledWarning: the guard reports it instead.
process.on('rejectionHandled', (promise) => {
  const r = rejections.get(promise);
  if (r) r.lateIn = currentTest;
});

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function describeReason(reason: unknown): string {
  const text = reason instanceof Error ? (reason.stack ?? String(reason)) : String(reason);
  return text.split('\n').slice(0, 6).join('\n      ');
}

/** What the run left behind, one paragraph per finding; empty when the run was clean. */
function findings(): string[] {
  const out: string[] = [];
  const left = readdirSync(runTmp).sort();
  if (left.length) out.push(`${left.length} entr${left.length === 1 ? 'y' : 'ies'} left in the temp dir:\n    ${left.join('\n    ')}`);
  for (const r of rejections.values()) {
    const what = r.lateIn === undefined ? 'a promise rejection was never handled' : `a promise rejection got its handler late (attached in "${r.lateIn}")`;
    out.push(`${what}; rejected in "${r.test}":\n      ${describeReason(r.reason)}`);
  }
  return out;
}

export const mochaHooks: Mocha.RootHookObject = {
  beforeAll(this: Mocha.Context) {
    // Added now, after every test file has registered its own root hooks, so it runs last.
    this.test?.parent?.afterAll('the run left nothing behind (temp dir, promise rejections)', () => {
      currentTest = '(after the last test)';
      const found = findings();
      if (found.length) throw new Error(`The test run left something behind:\n  - ${found.join('\n  - ')}`);
    });
  },
  beforeEach(this: Mocha.Context) {
    currentTest = this.currentTest?.fullTitle() ?? '(unknown test)';
  },
  afterEach(this: Mocha.Context) {
    currentTest = `after "${this.currentTest?.fullTitle() ?? '(unknown test)'}"`;
  },
};
