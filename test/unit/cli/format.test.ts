// What mcp-pool prints: tool results, reads, prompts, listings and the pool's status.
import * as assert from 'node:assert/strict';
import {
  base64Bytes,
  formatProgress,
  formatPromptResult,
  formatPrompts,
  formatReadResult,
  formatResources,
  formatStatus,
  formatToolResult,
  formatTools,
  jsonText,
  terminalSafe,
} from '../../../src/cli/format';
import { formatDuration } from '../../../src/common/format';
import type { PoolStatus } from '../../../src/contract/protocol';

describe('mcp-pool output', () => {
  it('prints a tool result: text as it is, images and links summarised, structured content only without text', () => {
    const png = Buffer.alloc(70).toString('base64');
    const text = formatToolResult({
      content: [
        { type: 'text', text: 'hello\nworld' },
        { type: 'image', data: png, mimeType: 'image/png' },
        { type: 'resource_link', uri: 'fixture://text/hello', name: 'hello', mimeType: 'text/plain' },
        { type: 'resource', resource: { uri: 'x://a', text: 'embedded' } },
        { type: 'resource', resource: { uri: 'x://b', mimeType: 'application/pdf', blob: png } },
      ],
      structuredContent: { hidden: true },
    });
    assert.equal(
      text,
      ['hello\nworld', '[image image/png, 70 B]', '[link fixture://text/hello (hello, text/plain)]', 'embedded', '[blob x://b application/pdf, 70 B]'].join(
        '\n',
      ),
    );
    assert.equal(formatToolResult({ content: [], structuredContent: { a: 1 } }), '{\n  "a": 1\n}');
    assert.equal(base64Bytes(Buffer.from('ab').toString('base64')), 2);
  });

  it('prints reads and prompts', () => {
    assert.equal(
      formatReadResult({
        contents: [
          { uri: 'u', text: 'Hello' },
          { uri: 'p', mimeType: 'image/png', blob: Buffer.alloc(3).toString('base64') },
        ],
      }),
      'Hello\n[blob p image/png, 3 B]',
    );
    assert.equal(
      formatPromptResult({
        description: 'Greets',
        messages: [
          { role: 'user', content: { type: 'text', text: 'Hi Ann' } },
          { role: 'assistant', content: { type: 'audio', data: '', mimeType: 'audio/wav' } },
        ],
      }),
      '# Greets\n\nuser: Hi Ann\nassistant: [audio audio/wav, 0 B]',
    );
  });

  it('lists tools, resources and prompts sorted and aligned, optional arguments with ?', () => {
    const tools = formatTools({
      tools: [
        { name: 'echo', description: 'Echoes text back.\nMore.', inputSchema: { type: 'object', properties: { text: {} }, required: ['text'] } },
        { name: 'add', description: 'Adds.', inputSchema: { type: 'object', properties: { a: {}, b: {} }, required: ['a'] } },
      ],
    });
    assert.equal(tools, 'add(a, b?)  Adds.\necho(text)  Echoes text back.');
    assert.equal(formatTools({ tools: [] }), '(no tools)');
    assert.equal(
      formatResources({
        resources: [{ uri: 'fixture://text/hello', name: 'hello', mimeType: 'text/plain' }],
        resourceTemplates: [{ uriTemplate: 'fixture://files/{name}', name: 'files' }],
      }),
      'fixture://text/hello    hello · text/plain\nfixture://files/{name}  template · files',
    );
    assert.equal(
      formatPrompts({ prompts: [{ name: 'greet', description: 'Greets.', arguments: [{ name: 'name', required: true }, { name: 'tone' }] }] }),
      'greet(name, tone?)  Greets.',
    );
  });

  it('prints the status: one row per app (a direct app runs in the editor), blocked apps with why', () => {
    const now = 10_000_000;
    const status: PoolStatus = {
      window: { name: 'work — Visual Studio Code', startedAt: now - 3_600_000 },
      apps: [
        {
          name: 'notes',
          kind: 'stdio',
          target: 'node s.js',
          status: 'idle',
          pid: 42,
          createdAt: now - 125_000,
          lastUsedAt: now - 5_000,
          calls: 7,
          errors: 1,
          protocolVersion: '2026-07-28',
          protocolEra: 'modern',
          clients: [{ name: 'claude-code' }, { name: 'claude-code' }, { name: 'mcp-pool' }],
        },
        { name: 'jira', kind: 'remote', target: 'https://x', status: 'crashed', calls: 0, errors: 0, lastError: 'exit 1', clients: [] },
        {
          name: 'gh',
          kind: 'remote',
          transport: 'direct',
          target: 'https://y',
          status: 'idle',
          createdAt: now - 60_000,
          lastUsedAt: now - 1_000,
          calls: 2,
          errors: 0,
          clients: [],
        },
      ],
      blocked: [{ name: 'ws', reason: 'workspace not trusted' }],
    };
    assert.equal(
      formatStatus(status, now),
      [
        'work — Visual Studio Code (window started 1 h ago)',
        'APP    STATE    PID        UPTIME  LAST USED  CALLS         PROTOCOL    CLIENTS',
        'notes  idle     42         2 min   5 s ago    7 (1 errors)  2026-07-28  claude-code ×2, mcp-pool',
        'jira   crashed  -          -       -          0             -           -',
        'gh     idle     in editor  1 min   1 s ago    2             -           -',
        'jira: exit 1',
        'ws: blocked — workspace not trusted',
      ].join('\n'),
    );
  });

  it('prints durations and progress coarsely', () => {
    assert.deepEqual(
      [formatDuration(999), formatDuration(61_000), formatDuration(3_720_000), formatDuration(90_000_000)],
      ['0 s', '1 min', '1 h 2 min', '1 d 1 h'],
    );
    assert.equal(formatProgress({ progress: 1, total: 3, message: 'step 1/3' }), 'step 1/3 (1/3)');
    assert.equal(formatProgress({ progress: 2 }), 'progress 2');
  });
});

describe('mcp-pool text safe for a terminal', () => {
  it('shows C0 (but \\n, \\t), ESC sequences, DEL, C1 and bidi controls as escapes; CRLF becomes \\n', () => {
    assert.equal(terminalSafe('a\x1b[31mred\x1b[0m'), 'a\\x1b[31mred\\x1b[0m');
    assert.equal(terminalSafe('\x1b]52;c;ZXZpbA==\x07'), '\\x1b]52;c;ZXZpbA==\\x07', 'OSC 52 clipboard write');
    assert.equal(terminalSafe('\x1b]0;title\x1b\\'), '\\x1b]0;title\\x1b\\');
    assert.equal(terminalSafe('\x00\x08\x0b\x0c\x0d\x7f'), '\\x00\\x08\\x0b\\x0c\\x0d\\x7f');
    assert.equal(terminalSafe('\u0085\u009b\u009d'), '\\x85\\x9b\\x9d', 'C1: NEL, CSI, OSC');
    assert.equal(
      terminalSafe('\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c'),
      '\\u202a\\u202b\\u202c\\u202d\\u202e\\u2066\\u2067\\u2068\\u2069\\u200e\\u200f\\u061c',
    );
    assert.equal(terminalSafe('tab\there\r\nnext\nline — ünïcödé 日本 🙂'), 'tab\there\nnext\nline — ünïcödé 日本 🙂');
  });

  it('--json: the same value, with DEL, C1 and bidi controls written as \\u escapes too', () => {
    const value = { text: 'a\x1b[2J\u009b\u202e\x7f\n', n: 1 };
    const text = jsonText(value);
    assert.deepEqual(JSON.parse(text), value);
    // eslint-disable-next-line no-control-regex
    assert.doesNotMatch(text, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
    assert.equal(jsonText(undefined), 'null');
  });
});
