// Import: recognising an mcp-remote launch (npx, bunx, pnpm dlx, cmd /c, node proxy.js, ...) in a
// stdio definition, and turning its URL, headers and flags into a remote app (parseMcpRemoteCommand). Plain node.

import * as assert from 'node:assert/strict';

import { parseMcpRemoteCommand } from '../../../src/import';

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
    assert.deepEqual(
      parseMcpRemoteCommand('node.exe', ['--no-warnings', 'C:\\m\\node_modules\\mcp-remote\\dist\\proxy.js', 'https://x.example/mcp']),
      plain('node'),
    );
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
      '-y',
      'mcp-remote@0.1.18',
      'http://10.0.0.5/mcp',
      '3334',
      '--header',
      'Authorization: Bearer ${env:TOKEN}',
      '--transport',
      'http-only',
      '--header',
      'X-Org:acme',
      '--allow-http',
      '--header',
      'X-Org: other',
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
    assert.deepEqual(parseMcpRemoteCommand('npx', ['-y', 'mcp-remote']), {
      launcher: 'npx',
      url: undefined,
      args: [],
      headers: {},
      allowHttp: false,
      warnings: [],
    });
    assert.deepEqual(parseMcpRemoteCommand('npx', ['-y', 'mcp-remote', '--debug']), {
      launcher: 'npx',
      url: undefined,
      args: ['--debug'],
      headers: {},
      allowHttp: false,
      warnings: [],
    });
  });
});
