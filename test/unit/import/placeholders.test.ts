// Import: placeholders and secrets: ${secret:…} is left alone, credentials in URLs and headers are
// flagged without repeating their value, editor variables are pointed out. Plain node.

import * as assert from 'node:assert/strict';

import { readImportCandidates } from '../../../src/import';
import { assertValid, CLEAR, EDITOR_VAR } from './importKit';

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
    assert.deepEqual(
      problems.map((p) => p.message),
      [
        'server "userinfo": not a valid MCP Pool app: url: must not contain credentials (user:password@): put them in a header, e.g. "headers": { "Authorization": "Basic ${secret:NAME}" } with the value stored by MCP Pool: Store Secret…',
      ],
    );
    assert.deepEqual(
      candidates.map((c) => [c.name, c.warnings]),
      [
        ['ours', []],
        [
          'query',
          [
            'url query parameter "api_key" looks like a secret written in clear text; settings are stored as plain text',
            // (no "mcp-remote's command line" warning: under remoteTransport "auto" this app runs direct, with no process)
          ],
        ],
        ['basic', [`headers.X-Custom ${CLEAR}`]],
        ['home', [`command references \${userHome}: ${EDITOR_VAR}`]],
      ],
    );
    assertValid(candidates);
    const text = JSON.stringify([candidates.map((c) => c.warnings), problems]);
    for (const secret of ['k123', 'pw123', 'dXNlcjpwYXNz']) assert.ok(!text.includes(secret), secret);
  });
});
