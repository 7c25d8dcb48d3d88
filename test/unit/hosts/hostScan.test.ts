// Reading the hosts' files for who runs what: entries through the pool are counted per app, and
// entries that start their own mcp-remote (or a pooled app's own command) are offered for routing —
// with the pool's app when it has one for that URL, once per file, never an entry already pooled.
// Routing an offer keeps its command as the fallback, and afterwards it is a use, not an offer.
import * as assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fallbackOf, hostFiles, planRoutes, poolUses, readHostText, routeOffers, scanHostFiles, writeEdits } from '../../../src/hosts';
import { tempDir } from '../tempDirs';

const LAUNCHER = '/opt/pool/bin/mcp-pool';

function put(file: string, text: string): void {
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, text);
}

describe('hosts: finding pool uses and entries that start their own server', () => {
  it('offers npx mcp-remote entries (matched to the pool by URL), a pooled stdio command, and counts pooled entries; routing turns an offer into a use', async () => {
    const home = tempDir('host-scan-');
    const folder = join(home, 'repo');
    const files = hostFiles({ home, platform: 'linux', env: {}, workspaceFolders: [folder] });
    put(
      join(home, '.claude.json'),
      JSON.stringify({ mcpServers: { jira: { type: 'stdio', command: 'npx', args: ['-y', 'mcp-remote@latest', 'https://mcp.atlassian.com/v1/mcp/'] } } }),
    );
    put(
      join(home, '.codex', 'config.toml'),
      '[mcp_servers.gh]\ncommand = "npx"\nargs = ["mcp-remote", "https://api.githubcopilot.com/mcp"]\n[mcp_servers.notes]\ncommand = "/opt/pool/bin/mcp-pool"\nargs = ["stdio", "notes"]\n',
    );
    put(
      join(folder, '.mcp.json'),
      JSON.stringify({ mcpServers: { local: { command: 'node', args: ['server.js'] }, other: { command: 'python', args: ['x.py'] } } }),
    );
    put(join(home, '.tasak', 'tasak.yaml'), 'atlassian:\n  type: mcp-remote\n  meta:\n    server_url: https://mcp.atlassian.com/v1/mcp\n');
    put(join(home, '.cursor', 'mcp.json'), '{ broken');
    const apps = [
      { name: 'atlassian', url: 'https://MCP.atlassian.com/v1/mcp' },
      { name: 'local', command: 'node', args: ['server.js'] },
      { name: 'notes', command: 'node', args: ['notes.js'] },
    ];
    const scans = await scanHostFiles(files, readHostText, home);
    assert.match(scans.find((s) => s.file.host === 'cursor' && s.file.scope === 'user')?.problem ?? '', /invalid JSON at line 1/);
    const offers = routeOffers(scans, apps);
    assert.deepEqual(
      offers.map((o) => [o.file.host, o.entry, o.app, o.url]),
      [
        ['claude-code', 'jira', 'atlassian', 'https://mcp.atlassian.com/v1/mcp/'],
        ['codex', 'gh', undefined, 'https://api.githubcopilot.com/mcp'],
        ['tasak', 'atlassian', 'atlassian', 'https://mcp.atlassian.com/v1/mcp'],
        ['copilot', 'local', 'local', undefined],
      ],
    );
    assert.deepEqual([...poolUses(scans).keys()], ['notes']);

    // route the Claude Code entry: it keeps its name, its command becomes the fallback
    const jira = offers[0];
    await writeEdits(
      await planRoutes(jira.file, [{ entry: jira.entry, app: 'atlassian', fallback: [jira.command, ...jira.args] }], {
        launcher: LAUNCHER,
        read: readHostText,
      }),
      undefined,
      { backupDir: join(home, '.mcp-pool', 'backups') },
    );
    const again = await scanHostFiles(files, readHostText, home);
    assert.equal(
      routeOffers(again, apps).some((o) => o.entry === 'jira'),
      false,
    );
    const use = poolUses(again).get('atlassian');
    assert.deepEqual(
      use?.map((u) => [u.file.host, u.entry]),
      [['claude-code', 'jira']],
    );
    const entry = again.find((s) => s.file.host === 'claude-code' && s.file.scope === 'user')?.entries.find((e) => e.name === 'jira');
    assert.ok(entry);
    assert.deepEqual(fallbackOf(entry), ['npx', '-y', 'mcp-remote@latest', 'https://mcp.atlassian.com/v1/mcp/']);
  });

  it("Claude Code's per-project servers are found and routed where they are; an entry reached as someone else (env, headers) is not the pool's app; TASAK's headers stay in the fallback", async () => {
    const home = tempDir('host-scan-');
    const files = hostFiles({ home, platform: 'linux', env: {}, workspaceFolders: [home] });
    assert.equal(files.filter((f) => f.path === join(home, '.codex', 'config.toml')).length, 1, 'the home folder open: its files listed once');
    const claude = files.find((f) => f.host === 'claude-code' && f.scope === 'user');
    assert.ok(claude);
    put(
      claude.path,
      JSON.stringify({
        projects: {
          '/work/app': {
            mcpServers: {
              jira: { type: 'stdio', command: 'npx', args: ['-y', 'mcp-remote', 'https://mcp.atlassian.com/v1/mcp'] },
              jiraB: { type: 'stdio', command: 'npx', args: ['-y', 'mcp-remote', 'https://mcp.atlassian.com/v1/mcp'], env: { ACCOUNT: 'b' } },
              jiraH: { type: 'stdio', command: 'npx', args: ['mcp-remote', 'https://mcp.atlassian.com/v1/mcp', '--header', 'Authorization: Bearer ${T}'] },
            },
          },
        },
      }),
    );
    put(
      join(home, '.tasak', 'tasak.yaml'),
      'wiki:\n  type: mcp-remote\n  meta:\n    server_url: https://wiki.example/mcp\n    headers: { X-Key: "${WIKI_KEY}" }\n',
    );
    const apps = [{ name: 'atlassian', url: 'https://mcp.atlassian.com/v1/mcp' }];
    const offers = routeOffers(await scanHostFiles(files, readHostText, home), apps);
    assert.deepEqual(
      offers.map((o) => [o.entry, o.app, o.at?.join('/')]),
      [
        ['jira', 'atlassian', 'projects//work/app/mcpServers'],
        ['jiraB', undefined, 'projects//work/app/mcpServers'],
        ['jiraH', undefined, 'projects//work/app/mcpServers'],
        ['wiki', undefined, undefined],
      ],
    );
    assert.deepEqual(offers[1].env, { ACCOUNT: 'b' });
    assert.deepEqual(offers[3].args, ['-y', 'mcp-remote', 'https://wiki.example/mcp', '--header', 'X-Key: ${WIKI_KEY}']);
    const [jira] = offers;
    await writeEdits(
      await planRoutes(claude, [{ entry: jira.entry, app: 'atlassian', at: jira.at, fallback: [jira.command, ...jira.args] }], {
        launcher: LAUNCHER,
        read: readHostText,
      }),
      undefined,
      { backupDir: join(home, '.mcp-pool', 'backups') },
    );
    const after = JSON.parse((await readHostText(claude.path)) ?? '') as { projects: Record<string, { mcpServers: Record<string, unknown> }> };
    assert.deepEqual(after.projects['/work/app'].mcpServers.jira, {
      type: 'stdio',
      command: LAUNCHER,
      args: ['stdio', 'atlassian', '--fallback', 'npx', '-y', 'mcp-remote', 'https://mcp.atlassian.com/v1/mcp'],
    });
    assert.equal(Object.keys(after).length, 1, 'no top-level mcpServers made');
    assert.deepEqual([...poolUses(await scanHostFiles(files, readHostText, home)).keys()], ['atlassian']);
  });
});
