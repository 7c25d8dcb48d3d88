// Import of the "mcpServers" files: Claude Desktop's claude_desktop_config.json and Cursor's mcp.json
// (stdio servers, url entries, mcp-remote wrappers turned into remote apps, unsupported types). Plain node.

import * as assert from 'node:assert/strict';

import { readImportCandidates } from '../../../src/import';
import { assertValid, BARE_ENV, CLEAR, src } from './importKit';

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
