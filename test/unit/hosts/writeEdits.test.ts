// writeEdits against real files in a temporary folder: backups kept in our own 0700 folder (never
// beside a file in the user's repository), byte for byte with the file's mode, a `source` file
// naming the original, only the newest few per file; a failure part-way puts back what was written
// and says which files were left as they were; a link whose target does not exist yet is written
// through, and stays a link.
import * as assert from 'node:assert/strict';
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, realpathSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FileEdit } from '../../../src/hosts/plan';
import { writeEdits, WriteEditsError } from '../../../src/hosts/writeEdits';
import { tempDir } from '../tempDirs';

function put(file: string, text: string | Buffer, mode = 0o600): void {
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, text, { mode });
  chmodSync(file, mode);
}

function edit(path: string, after: string, scope: FileEdit['scope'] = 'workspace'): FileEdit {
  return { path, before: existsSync(path) ? readFileSync(path, 'utf8') : undefined, after, scope };
}

const at = (s: number) => new Date(Date.UTC(2026, 11, 8, 1, 2, s));

describe('hosts: writeEdits keeps backups out of the repository, bounded, and undoes a partial write', () => {
  it("a workspace file's backup goes to the backup folder (0700), byte for byte with its mode, with a source file; none is left in the repository", async () => {
    const dir = tempDir('write-');
    const repo = join(dir, 'repo');
    const file = join(repo, '.mcp.json');
    const before = '{\r\n  "mcpServers": { "a": { "env": { "T": "ünï" } } }\r\n}\r\n';
    put(file, before, 0o640);
    const backups = join(dir, 'home', '.mcp-pool', 'backups');
    const [w] = await writeEdits([edit(file, '{}\n')], at(3), { backupDir: backups });
    assert.deepEqual(readdirSync(repo), ['.mcp.json'], 'nothing beside the file');
    assert.equal(readFileSync(file, 'utf8'), '{}\n');
    assert.equal(statSync(file).mode & 0o777, 0o640);
    const backup = w.backup ?? assert.fail('a backup');
    assert.ok(backup.startsWith(backups + '/'), backup);
    assert.equal(readFileSync(backup).toString('utf8'), before);
    assert.equal(statSync(backup).mode & 0o777, 0o640);
    assert.equal(statSync(backups).mode & 0o777, 0o700);
    const [folder] = readdirSync(backups);
    assert.match(folder, /^[0-9a-f]{12}-\.mcp\.json$/);
    assert.deepEqual(readdirSync(join(backups, folder)).sort(), ['20261208T010203Z', 'source']);
    assert.equal(readFileSync(join(backups, folder, 'source'), 'utf8'), `${realpathSync(file)}\n`);
  });

  it('only the newest `keep` backups of a file stay', async () => {
    const dir = tempDir('write-');
    const file = join(dir, 'repo', 'config.toml');
    const backups = join(dir, 'backups');
    put(file, 'n = 0\n');
    for (let i = 1; i <= 5; i++) await writeEdits([edit(file, `n = ${i}\n`)], at(i), { backupDir: backups, keep: 3 });
    const [folder] = readdirSync(backups);
    const kept = readdirSync(join(backups, folder)).sort();
    assert.deepEqual(kept, ['20261208T010203Z', '20261208T010204Z', '20261208T010205Z', 'source']);
    assert.equal(readFileSync(join(backups, folder, '20261208T010205Z'), 'utf8'), 'n = 4\n', 'the newest holds the text before the last write');
  });

  it('a failure part-way puts back the files already written (removes a new one) and names the files left as they were', async () => {
    const dir = tempDir('write-');
    const first = join(dir, 'a', 'mcp.json');
    const created = join(dir, 'b', 'new.json');
    const blocker = join(dir, 'blocker');
    const third = join(dir, 'c', 'mcp.json');
    put(first, '{"a":1}\n', 0o600);
    put(blocker, 'a file where a folder should be\n');
    put(third, '{"c":1}\n');
    const edits = [edit(first, '{"a":2}\n', 'user'), edit(created, '{}\n'), edit(join(blocker, 'x', 'mcp.json'), '{}\n'), edit(third, '{"c":2}\n')];
    await assert.rejects(writeEdits(edits, at(1), { backupDir: join(dir, 'backups') }), (e: unknown) => {
      assert.ok(e instanceof WriteEditsError, String(e));
      assert.equal(e.file, join(blocker, 'x', 'mcp.json'));
      assert.deepEqual(
        e.unchanged,
        edits.map((x) => x.path),
      );
      assert.deepEqual(e.notRestored, []);
      assert.match(
        e.message,
        /blocker\/x\/mcp\.json could not be written \(.*\); left as they were: .*a\/mcp\.json, .*b\/new\.json, .*blocker\/x\/mcp\.json, .*c\/mcp\.json$/,
      );
      return true;
    });
    assert.equal(readFileSync(first, 'utf8'), '{"a":1}\n');
    assert.equal(statSync(first).mode & 0o777, 0o600);
    assert.ok(!existsSync(created), 'the new file is removed');
    assert.deepEqual(readdirSync(join(dir, 'b')), [], 'no temporary file left');
    assert.deepEqual(readdirSync(join(dir, 'a')), ['mcp.json']);
    assert.equal(readFileSync(third, 'utf8'), '{"c":1}\n');
  });

  it('a folder that cannot be written to part-way: the same (not as root, which ignores modes)', async function () {
    if (process.getuid?.() === 0) this.skip();
    const dir = tempDir('write-');
    const first = join(dir, 'a', 'mcp.json');
    const locked = join(dir, 'locked');
    put(first, '{"a":1}\n');
    mkdirSync(locked);
    chmodSync(locked, 0o500);
    try {
      await assert.rejects(
        writeEdits([edit(first, '{"a":2}\n'), edit(join(locked, 'mcp.json'), '{}\n')], at(1), { backupDir: join(dir, 'backups') }),
        (e: unknown) => e instanceof WriteEditsError && e.unchanged.length === 2,
      );
      assert.equal(readFileSync(first, 'utf8'), '{"a":1}\n');
    } finally {
      chmodSync(locked, 0o700);
    }
  });

  it('a link whose target does not exist yet is written through (the target created), and stays a link', async () => {
    const dir = tempDir('write-');
    const link = join(dir, 'home', '.cursor', 'mcp.json');
    const real = join(dir, 'dotfiles', 'cursor', 'mcp.json');
    mkdirSync(join(link, '..'), { recursive: true });
    symlinkSync('../../dotfiles/cursor/mcp.json', link);
    const [w] = await writeEdits([edit(link, '{"mcpServers":{}}\n', 'user')], at(1), { backupDir: join(dir, 'backups') });
    assert.equal(w.backup, undefined);
    assert.ok(lstatSync(link).isSymbolicLink());
    assert.equal(readFileSync(real, 'utf8'), '{"mcpServers":{}}\n');
    assert.equal(statSync(real).mode & 0o777, 0o600);
    assert.ok(!existsSync(join(dir, 'backups')), 'no backup folder for a new file');
  });

  it('a backup folder that is a link is refused before anything is written', async () => {
    const dir = tempDir('write-');
    const file = join(dir, 'repo', '.mcp.json');
    put(file, '{}\n');
    mkdirSync(join(dir, 'elsewhere'));
    symlinkSync(join(dir, 'elsewhere'), join(dir, 'backups'));
    await assert.rejects(writeEdits([edit(file, '{"x":1}\n')], at(1), { backupDir: join(dir, 'backups') }), /backup folder .* is a symbolic link/);
    assert.equal(readFileSync(file, 'utf8'), '{}\n');
    assert.deepEqual(readdirSync(join(dir, 'elsewhere')), []);
  });
});
