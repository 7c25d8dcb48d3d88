// Import of TASAK's tasak.yaml: mcp-remote apps, mcp apps (config file or inline command), relative and
// ~ config paths (POSIX and Windows), and what is reported instead of imported. Plain node.

import * as assert from 'node:assert/strict';
import * as path from 'node:path';

import { type ImportSource, readImportCandidates } from '../../../src/import';
import { assertValid, BARE_ENV, CLEAR, F, HOME, src } from './importKit';

describe('import: TASAK tasak.yaml', () => {
  it('imports mcp-remote apps and mcp apps (config file or inline command), reports the rest', async () => {
    const source = src('tasak/tasak.yaml', 'tasak');
    const { candidates, problems } = await readImportCandidates([source], [], undefined, { home: HOME });
    assert.deepEqual(candidates, [
      {
        name: 'atlassian',
        originalName: 'atlassian',
        kind: 'remote',
        source,
        definition: {
          url: 'https://mcp.atlassian.com/v1/sse',
          args: ['--transport', 'sse-only'],
          headers: { 'X-Tenant': 'acme' },
          description: 'Atlassian Suite',
        },
        warnings: [],
      },
      {
        name: 'local_tools',
        originalName: 'local_tools',
        kind: 'stdio',
        source,
        definition: { command: 'python', args: ['server.py'], env: { PYTHONPATH: '.' } },
        warnings: [`the relative config path "./mcp/local.json" was read from ${path.join(F, 'tasak')} (TASAK resolves it against the directory it runs in)`],
      },
      {
        name: 'remote_cfg',
        originalName: 'remote_cfg',
        kind: 'remote',
        source,
        definition: {
          url: 'https://gok.example.com/sse',
          args: ['--transport', 'sse-only'],
          headers: { Authorization: 'Bearer ${GOK_TOKEN}' },
        },
        warnings: [
          'field "timeout" of remote.json is not imported',
          'TASAK adds a bearer token from its own login (requires_auth); that login is not imported, mcp-remote signs in by itself if the server supports OAuth',
          'it is not listed in apps_config.enabled_apps, so TASAK does not offer it',
          `headers.Authorization references \${GOK_TOKEN}: ${BARE_ENV}`,
        ],
      },
      {
        name: 'inline',
        originalName: 'inline',
        kind: 'stdio',
        source,
        definition: { command: 'uvx', args: ['my-mcp-server', '--verbose'], env: { DB_PASSWORD: 'hunter2' } },
        warnings: [`env.DB_PASSWORD ${CLEAR}`],
      },
    ]);
    assert.deepEqual(problems, [
      { source: source.path, message: 'app "git": type "cmd" runs shell commands, not an MCP server; not imported' },
      { source: source.path, message: `app "missing_cfg": the config file ${path.join(F, 'tasak', 'nope.json')} does not exist` },
      { source: source.path, message: 'app "env_cfg": the config path "$HOME/x.json" uses environment variables, which the importer does not expand' },
      { source: source.path, message: 'app "no_url": "meta.server_url" must be a non-empty string' },
      { source: source.path, message: 'app "untyped": is listed in enabled_apps but has no "type"' },
    ]);
    assertValid(candidates);
  });

  it('resolves relative config paths of .tasak/tasak.yaml against the project folder', async () => {
    const source = src('tasak-project/.tasak/tasak.yaml', 'tasak', 'workspace');
    const { candidates, problems } = await readImportCandidates([source], [], undefined, { home: HOME });
    assert.deepEqual(problems, []);
    assert.deepEqual(candidates, [
      {
        name: 'tools',
        originalName: 'tools',
        kind: 'remote',
        source,
        definition: { url: 'https://tools.example.com/sse', args: ['--transport', 'sse-only'] },
        warnings: [`the relative config path "tools.json" was read from ${path.join(F, 'tasak-project')} (TASAK resolves it against the directory it runs in)`],
      },
    ]);
  });

  it('expands ~ and resolves relative config paths with Windows paths', async () => {
    const files: Record<string, string> = {
      'C:\\p\\.tasak\\tasak.yaml': 'a:\n  type: mcp\n  config: "~\\\\cfg\\\\a.json"\nb:\n  type: mcp\n  config: b.json\n',
      'C:\\Users\\u\\cfg\\a.json': '{ "transport": "stdio", "command": "C:\\\\tools\\\\server.exe", "args": ["--stdio"] }',
      'C:\\p\\b.json': '{ "transport": "stdio", "command": ["node", "b.js"] }',
    };
    const fake = async (file: string) => {
      if (file in files) return files[file];
      throw Object.assign(new Error('missing'), { code: 'ENOENT' });
    };
    const source: ImportSource = { path: 'C:\\p\\.tasak\\tasak.yaml', format: 'tasak', scope: 'workspace' };
    const { candidates, problems } = await readImportCandidates([source], [], fake, { home: 'C:\\Users\\u' });
    assert.deepEqual(problems, []);
    assert.deepEqual(
      candidates.map((c) => [c.name, c.definition, c.warnings]),
      [
        ['a', { command: 'C:\\tools\\server.exe', args: ['--stdio'] }, []],
        [
          'b',
          { command: 'node', args: ['b.js'] },
          ['the relative config path "b.json" was read from C:\\p (TASAK resolves it against the directory it runs in)'],
        ],
      ],
    );
  });

  it('reports bad YAML and a document that is not a mapping', async () => {
    const bad = src('tasak/bad.yaml', 'tasak');
    const list = src('tasak/list.yaml', 'tasak');
    assert.deepEqual(await readImportCandidates([bad, list], []), {
      candidates: [],
      problems: [
        { source: bad.path, message: 'invalid YAML at line 3, column 8: bad indentation of a mapping entry' },
        { source: list.path, message: 'the file must contain a YAML mapping' },
      ],
    });
  });
});
