// A crashed editor leaves its discovery entry (gateway URL + a dead token) behind; the next window's
// activation removes it (removeStaleEntries, called by GatewayService on its first apply): an entry
// whose process is dead, or whose pid now belongs to another process (start time), goes; a live
// window's entry and one written by a newer version stay. Real processes, a real folder.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { publish, removeStaleEntries, scanEntries } from '../../src/contract/discovery';
import type { DiscoveryEntry } from '../../src/contract/protocol';
import { tempDir } from './tempDirs';

function entry(pid: number, name: string, extra: Partial<DiscoveryEntry> = {}): DiscoveryEntry {
  return { version: 1, pid, url: 'http://127.0.0.1:1', token: `t-${name}`, folders: [], window: { name, startedAt: Date.now() }, ...extra };
}

describe('discovery: entries of windows that are gone are removed', () => {
  it('removes a dead process’s entry and a reused pid’s, keeps a live window’s and a newer version’s', () => {
    const dir = tempDir('pool-discovery-');
    const dead = spawnSync(process.execPath, ['-e', '']).pid; // exited: its pid is free
    publish(entry(dead, 'crashed editor'), dir);
    publish(entry(process.pid, 'live window'), dir);
    const reusedStart = process.platform === 'linux';
    if (reusedStart) publish(entry(process.pid, 'pid reused', { startTime: '1' }), dir);
    const newer = join(dir, `${process.pid}-newer.json`);
    writeFileSync(newer, JSON.stringify({ version: 2, pid: dead }), { mode: 0o600 });

    const removed = removeStaleEntries(dir);
    assert.equal(removed.length, reusedStart ? 2 : 1, JSON.stringify(removed));
    assert.ok(removed.some((r) => r.reason === `its process ${dead} is gone (deleted)`));
    if (reusedStart) assert.ok(removed.some((r) => /now belongs to another process/.test(r.reason)));
    for (const r of removed) assert.equal(existsSync(r.file), false, r.file);
    assert.ok(existsSync(newer), 'a newer version’s entry is not this version’s to delete');
    assert.deepEqual(
      scanEntries(dir).entries.map((e) => e.window.name),
      ['live window'],
    );
    assert.equal(readdirSync(dir).length, 2);
    assert.deepEqual(removeStaleEntries(dir), [], 'nothing more to remove');
  });
});
