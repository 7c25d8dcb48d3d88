// How other processes reach the pool without the editor's help: the `mcp-pool` launcher (a real
// sh script run as a real process) and the client configurations that name it (read back by the
// extension's own importers, as a user's client would read them).
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { load as loadYaml } from 'js-yaml';
import { clientConfig, mcpRemoteFallback } from '../../../src/import/formats/clientConfig';
import { launcherPath, posixLauncher, windowsLauncher, writeLauncher } from '../../../src/contract/launcher';
import { EXIT } from '../../../src/contract/protocol';
import { parseMcpServers } from '../../../src/import/formats/mcpServers';
import { parseTasak } from '../../../src/import/formats/tasak';
import { parseVsCodeMcp } from '../../../src/import/formats/vscodeMcp';
import { tempDir } from '../tempDirs';

/** A stand-in for dist/cli.js that prints what it was given. */
const FAKE_CLI = 'console.log(JSON.stringify({ argv: process.argv.slice(2), electron: process.env.ELECTRON_RUN_AS_NODE ?? null }));\n';

(process.platform === 'win32' ? describe.skip : describe)('the mcp-pool launcher (a real sh script)', () => {
  it("runs the CLI with the editor's runtime as Node, passing every argument unchanged", () => {
    const dir = tempDir('launcher-');
    const cli = join(dir, "ext with 'quotes' $HOME", 'cli.js');
    mkdirSync(dirname(cli));
    writeFileSync(cli, FAKE_CLI);
    const bin = join(dir, 'bin');
    const file = writeLauncher(bin, { node: process.execPath, cli });
    assert.equal(file, launcherPath(bin, 'linux'));
    assert.equal(statSync(file).mode & 0o777, 0o755);
    const r = spawnSync(file, ['call', 'notes', 'add', 'text=a b', '$HOME', "it's"], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { argv: ['call', 'notes', 'add', 'text=a b', '$HOME', "it's"], electron: '1' });
  });

  it('is rewritten in place (an update points it at the new version)', () => {
    const dir = tempDir('launcher-');
    const bin = join(dir, 'bin');
    writeLauncher(bin, { node: process.execPath, cli: '/old/version/dist/cli.js' });
    writeLauncher(bin, { node: process.execPath, cli: '/new/version/dist/cli.js' });
    const text = readFileSync(launcherPath(bin, 'linux'), 'utf8');
    assert.match(text, /\/new\/version\/dist\/cli\.js/);
    assert.doesNotMatch(text, /old/);
  });

  it('with the CLI gone: runs the --fallback command, else says what to do and exits 3', () => {
    const dir = tempDir('launcher-');
    const file = writeLauncher(join(dir, 'bin'), { node: process.execPath, cli: join(dir, 'gone', 'cli.js') });
    const marker = join(dir, 'fallback-ran');
    const fell = spawnSync(
      file,
      [
        'stdio',
        'atlassian',
        '--fallback',
        process.execPath,
        '-e',
        `require('fs').writeFileSync(${JSON.stringify(marker)}, process.argv.slice(1).join(' '))`,
        'x y',
      ],
      { encoding: 'utf8' },
    );
    assert.equal(fell.status, 0, fell.stderr);
    assert.equal(readFileSync(marker, 'utf8'), 'x y');
    const none = spawnSync(file, ['status'], { encoding: 'utf8' });
    assert.equal(none.status, EXIT.pool);
    assert.match(none.stderr, /^mcp-pool: the MCP Remote Pool extension it runs \(.*gone\/cli\.js\) is gone: start the editor once to update this launcher\n$/);
  });
});

describe('the mcp-pool launcher scripts', () => {
  it('quote paths for sh and cmd.exe', () => {
    const t = { node: "/Apps/Code's/code", cli: '/x/dist/cli.js' };
    assert.match(posixLauncher(t), /^node='\/Apps\/Code'\\''s\/code'$/m);
    const cmd = windowsLauncher({ node: 'C:\\Program Files\\Code 100%\\Code.exe', cli: 'C:\\Users\\a\\.vscode\\extensions\\x\\dist\\cli.js' });
    assert.ok(cmd.includes('"C:\\Program Files\\Code 100%%\\Code.exe" "C:\\Users\\a\\.vscode\\extensions\\x\\dist\\cli.js" %*\r\n'), cmd);
    assert.match(cmd, /^set ELECTRON_RUN_AS_NODE=1\r$/m);
    // a version that is gone says so and exits 3, before the runtime is started on a missing file
    assert.ok(cmd.includes('if not exist "C:\\Users\\a\\.vscode\\extensions\\x\\dist\\cli.js" (\r\n'), cmd);
    assert.match(cmd, /is gone: start the editor once to update this launcher 1>&2\r\n {2}exit \/b 3\r\n\)/);
    assert.ok(cmd.indexOf('if not exist') < cmd.indexOf('%*'));
    assert.equal(launcherPath('C:\\bin', 'win32').endsWith('mcp-pool.cmd'), true);
  });
});

describe('client configurations: `<launcher> stdio <app>`, read back by the importers', () => {
  const command = '/home/u/.config/Code/User/globalStorage/mcp-remote-pool.mcp-remote-pool/bin/mcp-pool';

  it('VS Code mcp.json', () => {
    const c = clientConfig('vscode', { app: 'notes', command, home: '/home/u' });
    assert.equal(c.language, 'jsonc');
    const doc = JSON.parse(c.text.replace(/^\/\/.*\n/, ''));
    assert.deepEqual(doc, { servers: { notes: { type: 'stdio', command, args: ['stdio', 'notes'] } } });
    const [entry] = parseVsCodeMcp(doc).entries;
    assert.deepEqual({ ...entry.server }, { kind: 'stdio', command, args: ['stdio', 'notes'], env: {}, cwd: undefined });
  });

  it('mcpServers JSON, with the mcp-remote fallback of a remote app', () => {
    const fallback = mcpRemoteFallback('https://mcp.atlassian.com/v1/sse');
    const c = clientConfig('mcpServers', { app: 'atlassian', command, fallback, home: '/home/u' });
    const doc = JSON.parse(c.text);
    assert.deepEqual(doc.mcpServers.atlassian, {
      command,
      args: ['stdio', 'atlassian', '--fallback', 'npx', '-y', 'mcp-remote', 'https://mcp.atlassian.com/v1/sse'],
    });
    assert.equal(parseMcpServers(doc).entries[0].server?.kind, 'stdio');
  });

  it('TASAK: an mcp app, enabled, and the JSON connection file it points to by its absolute path', async () => {
    const home = process.platform === 'win32' ? 'C:\\Users\\u' : '/home/u';
    const c = clientConfig('tasak', { app: 'my notes', command, home });
    const doc = loadYaml(c.text) as Record<string, unknown>;
    // TASAK's daemon does not expand "~" in config paths: the file is named as it is on disk
    const file = join(home, '.tasak', 'mcp', 'my_notes.json'); // (as written on this platform)
    assert.deepEqual(doc, { 'my notes': { name: 'my notes (MCP Pool)', type: 'mcp', requires_auth: false, config: file } });
    assert.match(c.text, /add "my notes" to that list/);
    assert.match(c.where, /apps_config\.enabled_apps/);
    const json = /^# (\{.*\})$/m.exec(c.text)![1];
    assert.deepEqual(JSON.parse(json), { transport: 'stdio', command: [command, 'stdio', 'my notes'] });
    // as a user follows it: the entry, and the app listed in apps_config.enabled_apps
    const { entries } = await parseTasak(
      { apps_config: { enabled_apps: ['my notes'] }, ...doc },
      {
        sourcePath: join(home, '.tasak', 'tasak.yaml'),
        home,
        loadJson: async (p) => {
          assert.equal(p, file);
          return { value: JSON.parse(json) };
        },
      },
    );
    assert.deepEqual(entries[0].server, { kind: 'stdio', command, args: ['stdio', 'my notes'], env: {} });
    assert.deepEqual(entries[0].warnings, [], 'enabled, and its file found where the entry says');
  });
});
