// "Use the Pool in…" against real files in a temporary HOME: each host's format merged in place
// (comments, other keys, other servers kept byte for byte), a backup in the backup folder with its
// permissions, nothing written when the file changed after the diff was shown, links written
// through, and every result read back by the format's parser (and our importer, which reads the
// same files the hosts read).
import * as assert from 'node:assert/strict';
import { chmodSync, lstatSync, mkdirSync, readdirSync, readFileSync, realpathSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { basename, join } from 'node:path';
import { parse as parseJsonc } from 'jsonc-parser/lib/esm/main.js';
import { load as loadYaml } from 'js-yaml';
import { fallbackOf, hostFiles, type HostFile, HostEditError, planRoutes, pooledApp, readHostText, StaleEditError, writeEdits } from '../../../src/hosts';
import { toml } from '../../../src/hosts/toml';
import { readImportCandidates } from '../../../src/import';
import { tempDir } from '../tempDirs';

const LAUNCHER = '/home/u/.local/share/mcp-pool/bin/mcp-pool';

function home(): { home: string; files: HostFile[]; file: (host: HostFile['host'], scope?: 'user' | 'workspace') => HostFile } {
  const h = tempDir('hosts-');
  const folder = join(h, 'project');
  mkdirSync(folder);
  const files = hostFiles({ home: h, platform: 'linux', env: {}, workspaceFolders: [folder] });
  return {
    home: h,
    files,
    file: (host, scope = 'user') => {
      const f = files.find((x) => x.host === host && x.scope === scope);
      assert.ok(f, `${host} ${scope}`);
      return f;
    },
  };
}

function put(file: string, text: string, mode = 0o600): void {
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, text, { mode });
  chmodSync(file, mode);
}

/** The backup folder in the temporary HOME the file belongs to. */
function backupDir(file: HostFile): string {
  const at = file.path.indexOf('mcp-pool-test-hosts-');
  return join(file.path.slice(0, file.path.indexOf('/', at)), '.mcp-pool', 'backups');
}

/** Where writeEdits keeps the backups of `real`. */
function backupsOf(file: HostFile, original: string): string {
  const real = realpathSync(original);
  return join(backupDir(file), `${createHash('sha256').update(real).digest('hex').slice(0, 12)}-${basename(real)}`);
}

async function route(file: HostFile, requests: Parameters<typeof planRoutes>[1]) {
  const edits = await planRoutes(file, requests, { launcher: LAUNCHER, read: readHostText });
  return { edits, written: await writeEdits(edits, new Date('2026-12-08T01:02:03Z'), { backupDir: backupDir(file) }) };
}

describe('hosts: Use the Pool in… writes each host format in place', () => {
  it('Claude Code ~/.claude.json: adds a typed stdio entry, keeps every other key and the file mode, backs it up', async () => {
    const h = home();
    const f = h.file('claude-code');
    const before = `{\n  "numStartups": 12,\n  "projects": {\n    "/x": {\n      "allowedTools": []\n    }\n  },\n  "mcpServers": {\n    "local": {\n      "type": "stdio",\n      "command": "node",\n      "args": ["s.js"]\n    }\n  }\n}\n`;
    put(f.path, before, 0o600);
    const { edits, written } = await route(f, [
      { entry: 'atlassian', app: 'atlassian', fallback: ['npx', '-y', 'mcp-remote', 'https://mcp.atlassian.com/v1/mcp'] },
    ]);
    assert.equal(edits.length, 1);
    const after = JSON.parse(readFileSync(f.path, 'utf8')) as Record<string, unknown>;
    assert.deepEqual(after.mcpServers, {
      local: { type: 'stdio', command: 'node', args: ['s.js'] },
      atlassian: {
        type: 'stdio',
        command: LAUNCHER,
        args: ['stdio', 'atlassian', '--fallback', 'npx', '-y', 'mcp-remote', 'https://mcp.atlassian.com/v1/mcp'],
      },
    });
    assert.equal(after.numStartups, 12);
    assert.deepEqual(after.projects, { '/x': { allowedTools: [] } });
    assert.equal(statSync(f.path).mode & 0o777, 0o600);
    assert.equal(written[0].backup, join(backupsOf(f, f.path), '20261208T010203Z'));
    assert.equal(readFileSync(written[0].backup, 'utf8'), before);
    assert.equal(statSync(written[0].backup).mode & 0o777, 0o600);
    // the same request again changes nothing
    assert.deepEqual(
      await planRoutes(f, [{ entry: 'atlassian', app: 'atlassian', fallback: ['npx', '-y', 'mcp-remote', 'https://mcp.atlassian.com/v1/mcp'] }], {
        launcher: LAUNCHER,
        read: readHostText,
      }),
      [],
    );
  });

  it('Copilot mcp-config.json with comments: comments kept, tools ["*"] added, a new file created 0600 with no backup', async () => {
    const h = home();
    const f = h.file('copilot');
    const { written } = await route(f, [{ entry: 'notes', app: 'notes' }]);
    assert.equal(written[0].backup, undefined);
    assert.equal(statSync(f.path).mode & 0o777, 0o600);
    assert.deepEqual(JSON.parse(readFileSync(f.path, 'utf8')), {
      mcpServers: { notes: { type: 'stdio', command: LAUNCHER, args: ['stdio', 'notes'], tools: ['*'] } },
    });

    put(
      f.path,
      `{\n\t// my servers\n\t"mcpServers": {\n\t\t"notes": { "type": "local", "command": "x", "tools": ["read"], "env": { "A": "1" } }, // pooled\n\t}\n}\n`,
      0o644,
    );
    await route(f, [{ entry: 'notes', app: 'notes' }]);
    const text = readFileSync(f.path, 'utf8');
    assert.match(text, /\/\/ my servers/);
    assert.match(text, /\t\t"notes": \{/, 'tabs kept');
    assert.deepEqual(parseJsonc(text), {
      mcpServers: { notes: { type: 'stdio', command: LAUNCHER, args: ['stdio', 'notes'], tools: ['read'], env: { A: '1' } } },
    });
    assert.equal(statSync(f.path).mode & 0o777, 0o644, 'the mode the user gave it');
  });

  it('Codex config.toml: the server table replaced where it stood, sub-tables kept, every other line byte for byte', async () => {
    const h = home();
    const f = h.file('codex');
    const before = [
      '# Codex settings',
      'model = "o5"',
      '',
      '[mcp_servers.atlassian]',
      'command = "npx"',
      'args = ["-y", "mcp-remote", "https://mcp.atlassian.com/v1/mcp"]',
      'startup_timeout_sec = 30',
      '',
      '[mcp_servers.atlassian.env]',
      'NODE_OPTIONS = "--max-old-space-size=512"',
      '',
      '# the docs server',
      '[mcp_servers.docs]',
      'url = "https://docs.example/mcp"',
      '',
      '[profiles.fast]',
      'model = "o5-mini" # quick',
      '',
    ].join('\n');
    put(f.path, before);
    await route(f, [{ entry: 'atlassian', app: 'atlassian', fallback: ['npx', '-y', 'mcp-remote', 'https://mcp.atlassian.com/v1/mcp'] }]);
    const text = readFileSync(f.path, 'utf8');
    const parsed = toml.parse(text) as { mcp_servers: Record<string, unknown>; model: string; profiles: unknown };
    assert.deepEqual(
      { ...(parsed.mcp_servers.atlassian as object), env: { ...(parsed.mcp_servers.atlassian as { env: object }).env } },
      {
        command: LAUNCHER,
        args: ['stdio', 'atlassian', '--fallback', 'npx', '-y', 'mcp-remote', 'https://mcp.atlassian.com/v1/mcp'],
        startup_timeout_sec: 30,
        env: { NODE_OPTIONS: '--max-old-space-size=512' },
      },
    );
    assert.deepEqual({ ...(parsed.mcp_servers.docs as object) }, { url: 'https://docs.example/mcp' });
    for (const line of ['# Codex settings', 'model = "o5"', '# the docs server', '[mcp_servers.docs]', '[profiles.fast]', 'model = "o5-mini" # quick'])
      assert.ok(text.split('\n').includes(line), `kept: ${line}`);
    assert.ok(text.indexOf('[mcp_servers.atlassian]') < text.indexOf('# the docs server'), 'where it stood');

    // a new server is appended; the file's other text is a prefix of the new text
    await route(f, [{ entry: 'notes', app: 'notes' }]);
    const again = readFileSync(f.path, 'utf8');
    assert.ok(again.startsWith(text.trimEnd()));
    assert.deepEqual(
      { ...((toml.parse(again) as { mcp_servers: Record<string, unknown> }).mcp_servers.notes as object) },
      { command: LAUNCHER, args: ['stdio', 'notes'] },
    );
  });

  it('Codex: a server written inline is not touched; a broken file is named with its line, never quoted', async () => {
    const h = home();
    const f = h.file('codex');
    put(f.path, 'mcp_servers = { notes = { command = "x" } }\n');
    await assert.rejects(planRoutes(f, [{ entry: 'notes', app: 'notes' }], { launcher: LAUNCHER, read: readHostText }), (e: unknown) => {
      assert.ok(e instanceof HostEditError);
      assert.match(e.message, /could not be set without changing anything else.*nothing was changed/);
      return true;
    });
    put(f.path, 'token = "sk-secret-123"\n[broken\n');
    await assert.rejects(planRoutes(f, [{ entry: 'notes', app: 'notes' }], { launcher: LAUNCHER, read: readHostText }), (e: unknown) => {
      assert.ok(e instanceof HostEditError);
      assert.match(e.message, /not valid TOML \(invalid TOML at line 2/);
      assert.doesNotMatch(e.message, /sk-secret/);
      return true;
    });
  });

  it('TASAK: the app set to the pool with an absolute connection file, enabled, comments kept; the importer reads it back', async () => {
    const h = home();
    const f = h.file('tasak');
    put(
      f.path,
      [
        '# my TASAK',
        'apps_config:',
        '  enabled_apps: [local]  # shown',
        '',
        '# Jira and Confluence',
        'atlassian:',
        '  name: Atlassian',
        '  type: mcp-remote',
        '  meta:',
        '    server_url: https://mcp.atlassian.com/v1/sse',
        'local:',
        '  type: cmd',
        '  meta: { command: "ls" }',
        '',
      ].join('\n'),
    );
    const { edits } = await route(f, [{ entry: 'atlassian', app: 'atlassian', fallback: ['npx', '-y', 'mcp-remote', 'https://mcp.atlassian.com/v1/sse'] }]);
    assert.deepEqual(
      edits.map((e) => e.path),
      [join(h.home, '.tasak', 'mcp', 'atlassian.json'), f.path],
      'the connection file first: tasak.yaml never names a file that is not there yet',
    );
    const text = readFileSync(f.path, 'utf8');
    for (const kept of ['# my TASAK', '# Jira and Confluence', '# shown']) assert.ok(text.includes(kept), kept);
    const doc = loadYaml(text) as Record<string, Record<string, unknown>>;
    assert.deepEqual(doc.apps_config.enabled_apps, ['local', 'atlassian']);
    assert.deepEqual(doc.atlassian, { name: 'Atlassian', type: 'mcp', requires_auth: false, config: join(h.home, '.tasak', 'mcp', 'atlassian.json') });
    assert.deepEqual(doc.local, { type: 'cmd', meta: { command: 'ls' } });
    assert.deepEqual(JSON.parse(readFileSync(join(h.home, '.tasak', 'mcp', 'atlassian.json'), 'utf8')), {
      transport: 'stdio',
      command: [LAUNCHER, 'stdio', 'atlassian', '--fallback', 'npx', '-y', 'mcp-remote', 'https://mcp.atlassian.com/v1/sse'],
    });
    // what the importer (which follows TASAK's own reading of config:) makes of the file
    const scan = await readImportCandidates([{ path: f.path, format: 'tasak', scope: 'user' }], [], undefined, { home: h.home });
    const atlassian = scan.candidates.find((c) => c.originalName === 'atlassian');
    assert.deepEqual(atlassian?.definition, {
      description: 'Atlassian',
      command: LAUNCHER,
      args: ['stdio', 'atlassian', '--fallback', 'npx', '-y', 'mcp-remote', 'https://mcp.atlassian.com/v1/sse'],
    });
  });

  it('a file changed after the diff was shown: nothing is written, no backup is left', async () => {
    const h = home();
    const f = h.file('cursor');
    put(f.path, '{ "mcpServers": {} }\n');
    const edits = await planRoutes(f, [{ entry: 'notes', app: 'notes' }], { launcher: LAUNCHER, read: readHostText });
    put(f.path, '{ "mcpServers": { "mine": { "command": "x" } } }\n');
    await assert.rejects(
      writeEdits(edits, undefined, { backupDir: backupDir(f) }),
      (e: unknown) => e instanceof StaleEditError && /changed since the changes were shown; nothing was written/.test(e.message),
    );
    assert.equal(readFileSync(f.path, 'utf8'), '{ "mcpServers": { "mine": { "command": "x" } } }\n');
    assert.deepEqual(readdirSync(join(h.home, '.cursor')), ['mcp.json']);
  });

  it('a config that is a link (a dotfiles repository) is written through the link, which stays a link', async () => {
    const h = home();
    const f = h.file('claude-desktop');
    const real = join(h.home, 'dotfiles', 'claude.json');
    put(real, '{"mcpServers":{}}\n');
    mkdirSync(join(f.path, '..'), { recursive: true });
    symlinkSync(real, f.path);
    const { written } = await route(f, [{ entry: 'notes', app: 'notes' }]);
    assert.ok(lstatSync(f.path).isSymbolicLink());
    assert.deepEqual(JSON.parse(readFileSync(real, 'utf8')), { mcpServers: { notes: { command: LAUNCHER, args: ['stdio', 'notes'] } } });
    assert.equal(written[0].backup, join(backupsOf(f, real), '20261208T010203Z'));
  });

  it('Windows: hosts built on Node get the launcher through cmd /d /c (Node will not spawn a .cmd), read back as pooled; words cmd would misread are refused', async () => {
    const h = home();
    const f = h.file('claude-desktop');
    const launcher = 'C:\\Users\\Jo Doe\\AppData\\Roaming\\Code\\User\\globalStorage\\x\\bin\\mcp-pool.cmd';
    const plan = (fallback?: string[]) => planRoutes(f, [{ entry: 'jira', app: 'jira', fallback }], { launcher, read: readHostText, platform: 'win32' });
    const [edit] = await plan(['npx', '-y', 'mcp-remote', 'https://mcp.atlassian.com/v1/mcp']);
    const entry = (JSON.parse(edit.after) as { mcpServers: Record<string, { command: string; args: string[] }> }).mcpServers.jira;
    assert.deepEqual(entry, {
      command: 'cmd',
      args: ['/d', '/c', launcher, 'stdio', 'jira', '--fallback', 'npx', '-y', 'mcp-remote', 'https://mcp.atlassian.com/v1/mcp'],
    });
    assert.equal(pooledApp({ name: 'jira', ...entry }), 'jira');
    assert.deepEqual(fallbackOf({ name: 'jira', ...entry }), ['npx', '-y', 'mcp-remote', 'https://mcp.atlassian.com/v1/mcp']);
    await assert.rejects(
      plan(['npx', 'mcp-remote', 'https://x/mcp?a=1&b=2']),
      /runs through cmd\.exe, which would misread one of its words.*Copy Client Configuration/,
    );
    await assert.rejects(plan(['node', 'C:\\My Servers\\s.js']), /misread/, 'a second word with a space');
    // Codex starts a .cmd itself: no cmd there
    const codex = await planRoutes(h.file('codex'), [{ entry: 'jira', app: 'jira' }], { launcher, read: readHostText, platform: 'win32' });
    assert.match(codex[0].after, /command = "C:\\\\Users/);
  });

  it('a JSON file of comments only is a file with no servers yet: the entry is added, the comment kept', async () => {
    const h = home();
    const f = h.file('cursor');
    put(f.path, '// servers for Cursor\n');
    const [edit] = await planRoutes(f, [{ entry: 'notes', app: 'notes' }], { launcher: LAUNCHER, read: readHostText });
    assert.match(edit.after, /\/\/ servers for Cursor/);
    assert.deepEqual(parseJsonc(edit.after), { mcpServers: { notes: { command: LAUNCHER, args: ['stdio', 'notes'] } } });
  });

  it('a JSON file that is not an object, or broken, is refused with where and why', async () => {
    const h = home();
    const f = h.file('cursor');
    put(f.path, '[1, 2]\n');
    await assert.rejects(planRoutes(f, [{ entry: 'a', app: 'a' }], { launcher: LAUNCHER, read: readHostText }), /must hold a JSON object; nothing was changed/);
    put(f.path, '{ "mcpServers": { "a": { "env": { "TOKEN": "sk-abc" } } \n');
    await assert.rejects(planRoutes(f, [{ entry: 'a', app: 'a' }], { launcher: LAUNCHER, read: readHostText }), (e: unknown) => {
      assert.match(String(e), /not valid JSON \(invalid JSON at line 2/);
      assert.doesNotMatch(String(e), /sk-abc/);
      return true;
    });
  });
});
