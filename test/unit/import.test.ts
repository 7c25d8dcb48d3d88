// Import of existing MCP server definitions (VS Code, Claude Desktop, Cursor, TASAK). Plain node.

import * as assert from 'node:assert/strict';
import * as path from 'node:path';

import {
  applyImport,
  findImportSources,
  type ImportCandidate,
  type ImportFormat,
  type ImportScope,
  type ImportSource,
  parseMcpRemoteCommand,
  readImportCandidates,
} from '../../src/import';
import { parseAppDefinitions } from '../../src/pool/definitions';

// The bundle runs from out/test/unit; the fixtures stay in the source tree.
const F = path.resolve(__dirname, '../../../test/fixtures/import');
const HOME = path.join(F, 'tasak-home');

function src(rel: string, format: ImportFormat, scope: ImportScope = 'user'): ImportSource {
  return { path: path.join(F, rel), format, scope };
}

const INPUT = 'a VS Code input prompt, kept as written and not resolved; store the value with MCP Pool: Store Secret and use ${secret:name}';
const ENV = 'an environment variable, kept as written and not resolved; if it holds a secret, store the value with MCP Pool: Store Secret and use ${secret:name}';
const BARE_ENV = "an environment variable in the source tool's syntax, kept as written and not resolved; if it holds a secret, store the value with MCP Pool: Store Secret and use ${secret:name}";
const EDITOR_VAR = 'an editor variable, kept as written and not resolved; replace it with a concrete value if MCP Pool does not expand it';
const CLEAR = 'looks like a secret written in clear text; store it with MCP Pool: Store Secret and use ${secret:name} instead';

/** Every candidate definition must load in the pool exactly as proposed. */
function assertValid(candidates: readonly ImportCandidate[]): void {
  for (const c of candidates) {
    const { specs, problems } = parseAppDefinitions({ [c.name]: c.definition });
    assert.deepEqual(problems, [], `${c.name} from ${c.source.path}`);
    assert.equal(specs.length, 1);
    assert.equal(specs[0].kind, c.kind);
  }
}

describe('import: findImportSources', () => {
  it('lists user files then workspace files on Linux', () => {
    const sources = findImportSources({ home: '/home/u', platform: 'linux', workspaceFolders: ['/w/a', '/w/b'] });
    assert.deepEqual(sources, [
      { path: '/home/u/.config/Code/User/mcp.json', format: 'vscode', scope: 'user' },
      { path: '/home/u/.config/Claude/claude_desktop_config.json', format: 'claude', scope: 'user' },
      { path: '/home/u/.cursor/mcp.json', format: 'cursor', scope: 'user' },
      { path: '/home/u/.tasak/tasak.yaml', format: 'tasak', scope: 'user' },
      { path: '/w/a/.vscode/mcp.json', format: 'vscode', scope: 'workspace' },
      { path: '/w/a/.cursor/mcp.json', format: 'cursor', scope: 'workspace' },
      { path: '/w/a/tasak.yaml', format: 'tasak', scope: 'workspace' },
      { path: '/w/a/.tasak/tasak.yaml', format: 'tasak', scope: 'workspace' },
      { path: '/w/b/.vscode/mcp.json', format: 'vscode', scope: 'workspace' },
      { path: '/w/b/.cursor/mcp.json', format: 'cursor', scope: 'workspace' },
      { path: '/w/b/tasak.yaml', format: 'tasak', scope: 'workspace' },
      { path: '/w/b/.tasak/tasak.yaml', format: 'tasak', scope: 'workspace' },
    ]);
  });

  it('uses Application Support on macOS and the given VS Code profile directory', () => {
    const sources = findImportSources({
      home: '/Users/u',
      platform: 'darwin',
      workspaceFolders: [],
      vscodeUserDir: '/Users/u/Library/Application Support/Code - Insiders/User/profiles/abc',
    });
    assert.deepEqual(sources.map((s) => s.path), [
      '/Users/u/Library/Application Support/Code - Insiders/User/profiles/abc/mcp.json',
      '/Users/u/Library/Application Support/Claude/claude_desktop_config.json',
      '/Users/u/.cursor/mcp.json',
      '/Users/u/.tasak/tasak.yaml',
    ]);
  });

  it('uses %APPDATA% on Windows, defaulting to AppData\\Roaming', () => {
    const given = findImportSources({ home: 'C:\\Users\\u', platform: 'win32', appData: 'D:\\Roaming', workspaceFolders: ['C:\\src\\p'] });
    assert.deepEqual(given.map((s) => s.path), [
      'D:\\Roaming\\Code\\User\\mcp.json',
      'D:\\Roaming\\Claude\\claude_desktop_config.json',
      'C:\\Users\\u\\.cursor\\mcp.json',
      'C:\\Users\\u\\.tasak\\tasak.yaml',
      'C:\\src\\p\\.vscode\\mcp.json',
      'C:\\src\\p\\.cursor\\mcp.json',
      'C:\\src\\p\\tasak.yaml',
      'C:\\src\\p\\.tasak\\tasak.yaml',
    ]);
    const defaulted = findImportSources({ home: 'C:\\Users\\u', platform: 'win32', workspaceFolders: [] });
    assert.equal(defaulted[1].path, 'C:\\Users\\u\\AppData\\Roaming\\Claude\\claude_desktop_config.json');
  });

  it('lists a file once when a workspace folder is the home directory', () => {
    const sources = findImportSources({ home: 'C:\\Users\\u', platform: 'win32', workspaceFolders: ['c:\\users\\U\\'] });
    assert.deepEqual(sources.map((s) => `${s.scope} ${s.path}`), [
      'user C:\\Users\\u\\AppData\\Roaming\\Code\\User\\mcp.json',
      'user C:\\Users\\u\\AppData\\Roaming\\Claude\\claude_desktop_config.json',
      'user C:\\Users\\u\\.cursor\\mcp.json',
      'user C:\\Users\\u\\.tasak\\tasak.yaml',
      'workspace c:\\users\\U\\.vscode\\mcp.json',
      'workspace c:\\users\\U\\tasak.yaml',
    ]);
  });
});

describe('import: parseMcpRemoteCommand', () => {
  const plain = (launcher: string, url = 'https://x.example/mcp') => ({ launcher, url, args: [], headers: {}, allowHttp: false, warnings: [] });

  it('recognises the usual launchers', () => {
    assert.deepEqual(parseMcpRemoteCommand('npx', ['-y', 'mcp-remote', 'https://x.example/mcp']), plain('npx'));
    assert.deepEqual(parseMcpRemoteCommand('npx', ['--yes', 'mcp-remote@latest', 'https://x.example/mcp']), plain('npx'));
    assert.deepEqual(parseMcpRemoteCommand('bunx', ['mcp-remote', 'https://x.example/mcp']), plain('bunx'));
    assert.deepEqual(parseMcpRemoteCommand('pnpx', ['mcp-remote', 'https://x.example/mcp']), plain('pnpx'));
    assert.deepEqual(parseMcpRemoteCommand('pnpm', ['dlx', 'mcp-remote', 'https://x.example/mcp']), plain('pnpm dlx'));
    assert.deepEqual(parseMcpRemoteCommand('yarn', ['dlx', 'mcp-remote', 'https://x.example/mcp']), plain('yarn dlx'));
    assert.deepEqual(parseMcpRemoteCommand('/usr/local/bin/mcp-remote', ['https://x.example/mcp']), plain('mcp-remote'));
    assert.deepEqual(parseMcpRemoteCommand('C:\\Program Files\\nodejs\\npx.cmd', ['-y', 'mcp-remote', 'https://x.example/mcp']), plain('npx'));
    assert.deepEqual(parseMcpRemoteCommand('cmd', ['/c', 'npx', '-y', 'mcp-remote', 'https://x.example/mcp']), plain('npx'));
    assert.deepEqual(parseMcpRemoteCommand('node', ['/opt/node_modules/mcp-remote/dist/proxy.js', 'https://x.example/mcp']), plain('node'));
    assert.deepEqual(parseMcpRemoteCommand('node.exe', ['--no-warnings', 'C:\\m\\node_modules\\mcp-remote\\dist\\proxy.js', 'https://x.example/mcp']), plain('node'));
    assert.deepEqual(parseMcpRemoteCommand('npx', ['-y', '-p', 'mcp-remote@latest', 'mcp-remote', 'https://x.example/mcp']), plain('npx'));
  });

  it('leaves other commands alone', () => {
    assert.equal(parseMcpRemoteCommand('npx', ['-y', '@modelcontextprotocol/server-filesystem', '/tmp']), undefined);
    assert.equal(parseMcpRemoteCommand('npx', ['-y', 'mcp-remote-client', 'https://x.example/mcp']), undefined);
    assert.equal(parseMcpRemoteCommand('node', ['server.js']), undefined);
    assert.equal(parseMcpRemoteCommand('node', ['/opt/node_modules/mcp-remote/dist/client.js', 'https://x.example/mcp']), undefined);
    assert.equal(parseMcpRemoteCommand('pnpm', ['exec', 'mcp-remote', 'https://x.example/mcp']), undefined);
    assert.equal(parseMcpRemoteCommand('uvx', ['mcp-remote', 'https://x.example/mcp']), undefined);
    assert.equal(parseMcpRemoteCommand('npx', ['-p', 'typescript', 'mcp-remote', 'https://x.example/mcp']), undefined);
  });

  it('turns headers, --allow-http and the callback port into settings and keeps other flags in order', () => {
    const r = parseMcpRemoteCommand('npx', [
      '-y', 'mcp-remote@0.1.18', 'http://10.0.0.5/mcp', '3334',
      '--header', 'Authorization: Bearer ${env:TOKEN}',
      '--transport', 'http-only',
      '--header', 'X-Org:acme',
      '--allow-http',
      '--header', 'X-Org: other',
      '--debug',
      '--header',
    ]);
    assert.deepEqual(r, {
      launcher: 'npx',
      url: 'http://10.0.0.5/mcp',
      args: ['--transport', 'http-only', '--debug'],
      headers: { Authorization: 'Bearer ${env:TOKEN}', 'X-Org': 'other' },
      allowHttp: true,
      warnings: [
        'mcp-remote@0.1.18 was pinned; MCP Pool runs its own bundled mcp-remote instead',
        'header "X-Org" is given twice; the last value is used',
        'a trailing --header without a value was ignored',
        'the OAuth callback port 3334 given after the URL was dropped; MCP Pool does not pass a fixed port',
      ],
    });
  });

  it('reports a missing URL as undefined (still recognised as mcp-remote)', () => {
    assert.deepEqual(parseMcpRemoteCommand('npx', ['-y', 'mcp-remote']), { launcher: 'npx', url: undefined, args: [], headers: {}, allowHttp: false, warnings: [] });
    assert.deepEqual(parseMcpRemoteCommand('npx', ['-y', 'mcp-remote', '--debug']), { launcher: 'npx', url: undefined, args: ['--debug'], headers: {}, allowHttp: false, warnings: [] });
  });
});

describe('import: VS Code mcp.json', () => {
  it('converts stdio, http, sse, inferred types and mcp-remote wrappers (comments and trailing commas allowed)', async () => {
    const source = src('vscode/mcp.json', 'vscode');
    const { candidates, problems } = await readImportCandidates([source], []);
    assert.deepEqual(candidates, [
      {
        name: 'github',
        originalName: 'github',
        kind: 'remote',
        source,
        definition: {
          url: 'https://api.githubcopilot.com/mcp/',
          args: ['--transport', 'http-only'],
          headers: { Authorization: 'Bearer ${input:github_token}' },
        },
        warnings: [`headers.Authorization references \${input:github_token}: ${INPUT}`],
      },
      {
        name: 'atlassian',
        originalName: 'atlassian',
        kind: 'remote',
        source,
        definition: { url: 'https://mcp.atlassian.com/v1/sse', args: ['--transport', 'sse-only'] },
        warnings: [],
      },
      {
        name: 'fs',
        originalName: 'fs',
        kind: 'stdio',
        source,
        definition: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-filesystem', '${workspaceFolder}'] },
        warnings: [`args[2] references \${workspaceFolder}: ${EDITOR_VAR}`],
      },
      {
        name: 'inferred-remote',
        originalName: 'inferred-remote',
        kind: 'remote',
        source,
        definition: { url: 'https://example.com/mcp', args: ['--transport', 'http-only'] },
        warnings: [],
      },
      {
        name: 'inferred-stdio',
        originalName: 'inferred-stdio',
        kind: 'stdio',
        source,
        definition: { command: 'python', args: ['server.py'], env: { PORT: '8080' }, cwd: '${workspaceFolder}/tools' },
        warnings: [
          '"envFile" is not imported; copy the variables the server needs into env',
          'env.DEBUG is null; it is left out',
          `cwd references \${workspaceFolder}: ${EDITOR_VAR}`,
        ],
      },
      {
        name: 'linear',
        originalName: 'linear',
        kind: 'remote',
        source,
        definition: {
          url: 'https://mcp.linear.app/sse',
          args: ['--transport', 'sse-only'],
          headers: { Authorization: 'Bearer ${env:LINEAR_TOKEN}' },
        },
        warnings: [
          'mcp-remote@0.1.29 was pinned; MCP Pool runs its own bundled mcp-remote instead',
          'the OAuth callback port 9696 given after the URL was dropped; MCP Pool does not pass a fixed port',
          `headers.Authorization references \${env:LINEAR_TOKEN}: ${ENV}`,
        ],
      },
      {
        name: 'literal-secret',
        originalName: 'literal-secret',
        kind: 'stdio',
        source,
        definition: {
          command: 'node',
          args: ['server.js', '--api-key', 'sk-live-123', '--token=abc'],
          env: { OPENAI_API_KEY: 'sk-abc', LOG_LEVEL: 'debug', SAFE_TOKEN: '${input:t}' },
        },
        warnings: [
          `env.SAFE_TOKEN references \${input:t}: ${INPUT}`,
          `args[2] ${CLEAR}`,
          `args[3] ${CLEAR}`,
          `env.OPENAI_API_KEY ${CLEAR}`,
        ],
      },
      {
        name: 'gallery',
        originalName: 'gallery',
        kind: 'remote',
        source,
        definition: { url: 'https://gallery.example.com/mcp', args: ['--transport', 'http-only'] },
        warnings: ['field "dev" is not imported'],
      },
    ]);
    assert.deepEqual(problems, [
      { source: source.path, message: 'server "ws": unsupported type "websocket" (expected "stdio", "http" or "sse")' },
      { source: source.path, message: 'server "no-url": "url" must be a non-empty string' },
      {
        source: source.path,
        message:
          'server "plain-http": not a valid MCP Pool app: url: plain http to the non-local host "intranet.example.com" sends credentials unencrypted; use https, or set "allowHttp": true to accept the risk',
      },
    ]);
    assertValid(candidates);
  });

  it('reports wrong types per entry and keeps the rest of the file', async () => {
    const source = src('vscode/wrong-types.json', 'vscode', 'workspace');
    const { candidates, problems } = await readImportCandidates([source], []);
    assert.deepEqual(candidates, []);
    assert.deepEqual(problems.map((p) => p.message), [
      'server "a": the definition must be an object',
      'server "b": "args" must be an array of strings',
      'server "c": "env.X" must be a string',
      'server "d": has neither "command" nor "url"',
      'server "e": "type" must be a string',
      'server "f": "command" must be a non-empty string',
      'server "g": not a valid MCP Pool app: headers.Bad Header: "Bad Header" is not a valid header name',
      'server "  ": the name is empty',
    ]);
    assert.ok(problems.every((p) => p.source === source.path));
  });

  it('reports files that are not valid JSON or have the wrong shape', async () => {
    const bad = src('vscode/bad.json', 'vscode');
    const array = src('vscode/servers-array.json', 'vscode');
    const claudeShape = src('vscode/claude-shape.json', 'vscode');
    const { candidates, problems } = await readImportCandidates([bad, array, claudeShape], []);
    assert.deepEqual(candidates, []);
    assert.deepEqual(problems, [
      { source: bad.path, message: 'invalid JSON at line 4, column 1: close brace expected' },
      { source: array.path, message: '"servers" must be an object mapping server names to definitions' },
      { source: claudeShape.path, message: 'has "mcpServers", but VS Code reads "servers"; nothing imported from it' },
    ]);
  });
});

describe('import: Claude Desktop claude_desktop_config.json', () => {
  it('imports stdio servers and turns mcp-remote wrappers (npx, cmd /c, node proxy.js) into remote apps', async () => {
    const source = src('claude/claude_desktop_config.json', 'claude');
    const { candidates, problems } = await readImportCandidates([source], []);
    assert.deepEqual(candidates, [
      {
        name: 'filesystem',
        originalName: 'filesystem',
        kind: 'stdio',
        source,
        definition: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-filesystem', '/Users/me/Desktop'] },
        warnings: [],
      },
      {
        name: 'github',
        originalName: 'github',
        kind: 'remote',
        source,
        definition: {
          url: 'https://api.githubcopilot.com/mcp/',
          headers: { Authorization: '${AUTH_HEADER}' },
          env: { AUTH_HEADER: 'Bearer ghp_literal' },
        },
        warnings: [`headers.Authorization references \${AUTH_HEADER}: ${BARE_ENV}`, `env.AUTH_HEADER ${CLEAR}`],
      },
      {
        name: 'lan',
        originalName: 'lan',
        kind: 'remote',
        source,
        definition: { url: 'http://192.168.1.10:8080/mcp', args: ['--transport', 'http-only'], allowHttp: true },
        warnings: ['allowHttp is set, as --allow-http was: traffic to 192.168.1.10 is not encrypted'],
      },
      {
        name: 'proxy-js',
        originalName: 'proxy-js',
        kind: 'remote',
        source,
        definition: { url: 'https://mcp.example.com/mcp', args: ['--debug'], headers: { 'X-Api-Key': '${API_KEY}' } },
        warnings: ['a --header value not in "Name: value" form was ignored', `headers.X-Api-Key references \${API_KEY}: ${BARE_ENV}`],
      },
    ]);
    assert.deepEqual(problems, [
      { source: source.path, message: 'server "no-url": runs mcp-remote (npx) without a server URL' },
      { source: source.path, message: 'server "both": has both "command" and "url"' },
      { source: source.path, message: 'server "neither": has neither "command" nor "url"' },
    ]);
    assertValid(candidates);
  });
});

describe('import: Cursor mcp.json', () => {
  it('imports url entries, typed entries and wrappers; reports unsupported types', async () => {
    const source = src('cursor/mcp.json', 'cursor', 'workspace');
    const { candidates, problems } = await readImportCandidates([source], []);
    assert.deepEqual(candidates, [
      {
        name: 'context7',
        originalName: 'context7',
        kind: 'remote',
        source,
        definition: { url: 'https://mcp.context7.com/mcp', headers: { CONTEXT7_API_KEY: 'ctx7-literal' } },
        warnings: [`headers.CONTEXT7_API_KEY ${CLEAR}`],
      },
      {
        name: 'sse-server',
        originalName: 'sse-server',
        kind: 'remote',
        source,
        definition: { url: 'https://example.com/sse', args: ['--transport', 'sse-only'] },
        warnings: [],
      },
      { name: 'bun', originalName: 'bun', kind: 'remote', source, definition: { url: 'https://example.com/mcp' }, warnings: [] },
      {
        name: 'pnpm',
        originalName: 'pnpm',
        kind: 'remote',
        source,
        definition: { url: 'https://example.com/mcp' },
        warnings: [`same definition as "bun" from ${source.path}`],
      },
      {
        name: 'fs',
        originalName: 'fs',
        kind: 'stdio',
        source,
        definition: { command: 'node', args: ['fs-server.js'] },
        warnings: ['it is disabled in this file', '"envFile" is not imported; copy the variables the server needs into env'],
      },
    ]);
    assert.deepEqual(problems, [
      { source: source.path, message: 'server "weird": unsupported type "websocket" (expected "stdio", "http", "streamable-http" or "sse")' },
      { source: source.path, message: 'server "string-type-stdio": "command" must be a non-empty string' },
    ]);
    assertValid(candidates);
  });

  it('reports malformed JSON with its position', async () => {
    const source = src('cursor/malformed.json', 'cursor');
    assert.deepEqual(await readImportCandidates([source], []), {
      candidates: [],
      problems: [{ source: source.path, message: 'invalid JSON at line 1, column 23: colon expected' }],
    });
  });
});

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
    assert.deepEqual(candidates.map((c) => [c.name, c.definition, c.warnings]), [
      ['a', { command: 'C:\\tools\\server.exe', args: ['--stdio'] }, []],
      ['b', { command: 'node', args: ['b.js'] }, ['the relative config path "b.json" was read from C:\\p (TASAK resolves it against the directory it runs in)']],
    ]);
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

describe('import: reading and naming', () => {
  const all = [
    src('vscode/mcp.json', 'vscode'),
    src('claude/claude_desktop_config.json', 'claude'),
    src('cursor/mcp.json', 'cursor'),
    src('tasak/tasak.yaml', 'tasak'),
    src('vscode/does-not-exist.json', 'vscode', 'workspace'),
    src('no-such-dir/tasak.yaml', 'tasak', 'workspace'),
  ];

  it('suffixes names that clash with existing apps (ignoring case) or earlier candidates', async () => {
    const { candidates } = await readImportCandidates(all, ['GitHub', ' context7 '], undefined, { home: HOME });
    const naming = candidates.map((c) => [c.name, c.originalName, c.clash]);
    assert.deepEqual(naming, [
      ['github-2', 'github', 'GitHub'],
      ['atlassian', 'atlassian', undefined],
      ['fs', 'fs', undefined],
      ['inferred-remote', 'inferred-remote', undefined],
      ['inferred-stdio', 'inferred-stdio', undefined],
      ['linear', 'linear', undefined],
      ['literal-secret', 'literal-secret', undefined],
      ['gallery', 'gallery', undefined],
      ['filesystem', 'filesystem', undefined],
      ['github-3', 'github', 'GitHub'],
      ['lan', 'lan', undefined],
      ['proxy-js', 'proxy-js', undefined],
      ['context7-2', 'context7', ' context7 '],
      ['sse-server', 'sse-server', undefined],
      ['bun', 'bun', undefined],
      ['pnpm', 'pnpm', undefined],
      ['fs-2', 'fs', 'fs'],
      ['atlassian-2', 'atlassian', 'atlassian'],
      ['local_tools', 'local_tools', undefined],
      ['remote_cfg', 'remote_cfg', undefined],
      ['inline', 'inline', undefined],
    ]);
    assert.ok(candidates.filter((c) => c.clash === undefined).every((c) => !('clash' in c)));
    assertValid(candidates);
    // Together with the existing apps, everything still loads without a duplicate.
    const merged = applyImport({ GitHub: { url: 'https://a.example/mcp' }, ' context7 ': { url: 'https://b.example/mcp' } }, candidates);
    const parsed = parseAppDefinitions(merged);
    assert.deepEqual(parsed.problems, []);
    assert.equal(parsed.specs.length, candidates.length + 2);
  });

  it('never puts a secret value in a warning or problem', async () => {
    const { candidates, problems } = await readImportCandidates(all, [], undefined, { home: HOME });
    const text = JSON.stringify([candidates.map((c) => c.warnings), problems]);
    for (const secret of ['sk-live-123', 'sk-abc', 'ghp_literal', 'ctx7-literal', 'hunter2']) {
      assert.ok(!text.includes(secret), secret);
    }
  });

  it('skips missing files silently and reports unreadable ones', async () => {
    const reads: string[] = [];
    const fake = async (file: string): Promise<string> => {
      reads.push(file);
      const err = Object.assign(new Error(`${file}: nope`), { code: file.endsWith('locked.json') ? 'EACCES' : file.endsWith('dir.json') ? 'EISDIR' : 'ENOENT' });
      throw err;
    };
    const sources: ImportSource[] = [
      { path: '/x/missing.json', format: 'vscode', scope: 'user' },
      { path: '/x/locked.json', format: 'cursor', scope: 'user' },
      { path: '/x/dir.json', format: 'claude', scope: 'user' },
    ];
    assert.deepEqual(await readImportCandidates(sources, [], fake), {
      candidates: [],
      problems: [
        { source: '/x/locked.json', message: 'cannot be read: permission denied' },
        { source: '/x/dir.json', message: 'cannot be read: it is a directory' },
      ],
    });
    assert.deepEqual(reads, ['/x/missing.json', '/x/locked.json', '/x/dir.json']);
  });

  it('reads Buffers, strips a BOM and treats empty files as empty', async () => {
    const files: Record<string, string | Buffer> = {
      '/x/mcp.json': Buffer.from('\uFEFF{ "servers": { "a": { "command": "node" } } }'),
      '/x/empty.json': '  \n',
      '/x/empty.yaml': '',
    };
    const fake = async (file: string) => files[file];
    const scan = await readImportCandidates(
      [
        { path: '/x/mcp.json', format: 'vscode', scope: 'user' },
        { path: '/x/empty.json', format: 'cursor', scope: 'user' },
        { path: '/x/empty.yaml', format: 'tasak', scope: 'user' },
      ],
      [],
      fake,
    );
    assert.deepEqual(scan.problems, []);
    assert.deepEqual(scan.candidates.map((c) => [c.name, c.definition]), [['a', { command: 'node' }]]);
  });
});

describe('import: placeholders and secrets', () => {
  it('leaves ${secret:…} alone, flags URLs and headers that carry credentials, and refuses a URL with a password in it', async () => {
    const mcpJson = JSON.stringify({
      servers: {
        ours: { type: 'http', url: 'https://a.example/mcp', headers: { Authorization: 'Bearer ${secret:gh}' } },
        query: { type: 'http', url: 'https://b.example/mcp?api_key=k123&design=blue' },
        userinfo: { type: 'http', url: 'https://me:pw123@c.example/mcp' },
        basic: { type: 'sse', url: 'https://d.example/sse', headers: { 'X-Custom': 'Basic dXNlcjpwYXNz', Accept: 'text/event-stream' } },
        home: { command: '${userHome}/bin/server', env: { API_TOKEN: '' } },
      },
    });
    const fake = async () => mcpJson;
    const { candidates, problems } = await readImportCandidates([{ path: '/x/mcp.json', format: 'vscode', scope: 'user' }], [], fake);
    // user:password@ in a URL would be shown and logged: the app is not imported, and the problem says what to do
    assert.deepEqual(problems.map((p) => p.message), [
      'server "userinfo": not a valid MCP Pool app: url: must not contain credentials (user:password@): put them in a header, e.g. "headers": { "Authorization": "Basic ${secret:NAME}" } with the value stored by MCP Pool: Store Secret…',
    ]);
    assert.deepEqual(candidates.map((c) => [c.name, c.warnings]), [
      ['ours', []],
      ['query', ['url query parameter "api_key" looks like a secret written in clear text; settings are stored as plain text']],
      ['basic', [`headers.X-Custom ${CLEAR}`]],
      ['home', [`command references \${userHome}: ${EDITOR_VAR}`]],
    ]);
    assertValid(candidates);
    const text = JSON.stringify([candidates.map((c) => c.warnings), problems]);
    for (const secret of ['k123', 'pw123', 'dXNlcjpwYXNz']) assert.ok(!text.includes(secret), secret);
  });
});

describe('import: applyImport', () => {
  const source: ImportSource = { path: '/x/mcp.json', format: 'vscode', scope: 'user' };
  const candidate = (name: string, definition: ImportCandidate['definition']): ImportCandidate => ({
    name,
    originalName: name,
    kind: 'url' in definition ? 'remote' : 'stdio',
    source,
    definition,
    warnings: [],
  });

  it('appends the chosen candidates after the current apps without touching its inputs', () => {
    const current = { existing: { command: 'node', args: ['a.js'] } };
    const snapshot = structuredClone(current);
    const chosen = [candidate('one', { url: 'https://one.example/mcp', headers: { A: 'b' } }), candidate('two', { command: 'python' })];
    const next = applyImport(current, chosen);
    assert.deepEqual(next, {
      existing: { command: 'node', args: ['a.js'] },
      one: { url: 'https://one.example/mcp', headers: { A: 'b' } },
      two: { command: 'python' },
    });
    assert.deepEqual(Object.keys(next), ['existing', 'one', 'two']);
    assert.deepEqual(current, snapshot);
    assert.notEqual(next.one, chosen[0].definition);
    (next.one as { headers: Record<string, string> }).headers.A = 'changed';
    assert.equal((chosen[0].definition as { headers: Record<string, string> }).headers.A, 'b');
    assert.deepEqual(applyImport(current, []), current);
  });

  it('refuses to overwrite an app, ignoring case and spaces as the validator does', () => {
    assert.throws(() => applyImport({ ' GitHub': {} }, [candidate('github', { command: 'x' })]), /an app named "github" already exists/);
    assert.throws(() => applyImport({}, [candidate('a', { command: 'x' }), candidate('A', { command: 'y' })]), /an app named "A" already exists/);
  });
});
