// Import of VS Code's mcp.json ("servers"): stdio, http and sse entries, inferred types, mcp-remote
// wrappers, per-entry problems and files that are not valid JSON. Plain node.

import * as assert from 'node:assert/strict';

import { readImportCandidates } from '../../../src/import';
import { assertValid, CLEAR, EDITOR_VAR, ENV, INPUT, src } from './importKit';

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
        warnings: [`env.SAFE_TOKEN references \${input:t}: ${INPUT}`, `args[2] ${CLEAR}`, `args[3] ${CLEAR}`, `env.OPENAI_API_KEY ${CLEAR}`],
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
    assert.deepEqual(
      problems.map((p) => p.message),
      [
        'server "a": the definition must be an object',
        'server "b": "args" must be an array of strings',
        'server "c": "env.X" must be a string',
        'server "d": has neither "command" nor "url"',
        'server "e": "type" must be a string',
        'server "f": "command" must be a non-empty string',
        'server "g": not a valid MCP Pool app: headers.Bad Header: "Bad Header" is not a valid header name',
        'server "  ": the name is empty',
      ],
    );
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
