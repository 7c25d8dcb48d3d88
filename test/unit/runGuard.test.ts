// The run guard (runGuard.ts, loaded by .mocharc.json) against real mocha runs in a child process:
// a run that leaves a directory in the temp dir, handles a rejection late or never handles one
// fails and names each; a clean run passes; neither leaves its private temp dir behind.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../fixtures/paths';
import { tempDir } from './tempDirs';

const MOCHA = join(REPO_ROOT, 'node_modules', 'mocha', 'bin', 'mocha.js');
const GUARD = join(REPO_ROOT, 'out', 'test', 'unit', 'runGuard.js');

const PRELUDE = `
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
`;

/** Runs `spec` (JavaScript) with mocha and the guard, as `npm test` does; `pid` is the child's. */
function runMocha(spec: string): { status: number | null; stdout: string; stderr: string; pid: number } {
  const file = join(tempDir('guard-spec-'), 'spec.test.js');
  writeFileSync(file, PRELUDE + spec);
  const r = spawnSync(process.execPath, [MOCHA, '--no-config', '--require', GUARD, '--reporter', 'spec', file], { encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, pid: r.pid ?? -1 };
}

/** The private temp dirs of that child run still present (its TMPDIR was ours: it ran under this guard). */
function runDirsOf(pid: number): string[] {
  return readdirSync(tmpdir()).filter((f) => f.startsWith(`mcp-pool-test-run-${pid}-`));
}

describe('run guard (temp dir and promise rejections)', function () {
  this.timeout(60_000);

  it('fails a run that leaves a directory behind, handles a rejection late or never, naming each', () => {
    const r = runMocha(`
it('leaves a directory in the temp dir', () => { mkdtempSync(join(tmpdir(), 'mcp-pool-home-')); });
it('handles a rejection late', async () => {
  const p = Promise.reject(new Error('handled too late'));
  await new Promise((r) => setTimeout(r, 20));
  await p.catch(() => undefined);
});
it('never handles a rejection', () => { void Promise.reject(new Error('never handled')); });
`);
    const out = r.stdout;
    assert.equal(r.status, 1, `one failure (the guard's hook): ${out}\n${r.stderr}`);
    assert.match(out, /3 passing/);
    assert.match(out, /"after all" hook: the run left nothing behind/);
    assert.match(out, /1 entry left in the temp dir:\s+mcp-pool-home-\w{6}\n/);
    assert.match(
      out,
      /a promise rejection got its handler late \(attached in "handles a rejection late"\); rejected in "handles a rejection late":\s+Error: handled too late/,
    );
    assert.match(out, /a promise rejection was never handled; rejected in "[^"]*never handles a rejection[^"]*":\s+Error: never handled/);
    assert.doesNotMatch(r.stderr, /PromiseRejectionHandledWarning/, 'reported by the guard instead');
    assert.deepEqual(runDirsOf(r.pid), [], 'the failing run removed its temp dir (and what was left in it)');
  });

  it('passes a clean run, and clears the temp dirs of runs that were killed', () => {
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    const stale = join(tmpdir(), `mcp-pool-test-run-${dead}-AbCdEf`);
    mkdirSync(join(stale, 'left-by-a-killed-run'), { recursive: true });
    const r = runMocha(`
it('cleans up after itself', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-pool-test-x-'));
  rmSync(dir, { recursive: true });
  await Promise.reject(new Error('handled at once')).catch(() => undefined);
});
`);
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /1 passing/);
    assert.doesNotMatch(r.stdout, /left something behind/);
    assert.equal(existsSync(stale), false, 'the dead run’s temp dir was removed');
    assert.deepEqual(runDirsOf(r.pid), []);
  });
});
