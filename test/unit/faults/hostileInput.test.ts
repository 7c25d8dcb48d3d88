// Secrets never leak, and bad settings cannot hurt: credentials in URLs, token-looking query
// values, secrets in the pool's own protocol-error lines, NUL and control characters, app names
// that are object keys or forge log lines, env key order, timeouts longer than a timer can wait.
// Real processes where a path out of the pool is involved: every event, snapshot and error is
// searched for every secret of the corpus.
import * as assert from 'node:assert/strict';
import { MAX_TIMER_MS } from '../../../src/pool/settings';
import { parseAppDefinitions, type Pool, type PoolError, Redactor } from '../../../src/pool';
import { waitUntil } from '../../fixtures/processTable';
import { collectEvents, makePool, stdioSpec, textOf } from '../helpers';
import { poolSuiteHooks } from './faultKit';

const HEADER_SECRET = 'ghs_headerSecretValue0123456789';
const ENV_SECRET = 's3cr3t-env-value-0123456789';
/** Pieces that must never appear in anything the pool gives out. */
const CORPUS = [HEADER_SECRET, ENV_SECRET, 'hunter2', 'qs-token-value', 'frag-token-value', 'sigvalue123', 'apikeyvalue9'];
const LEAKY_LINES = [
  `using ${ENV_SECRET} as the key`,
  'connecting to https://alice:hunter2@mcp.example.com/v1?token=qs-token-value&page=2',
  'redirect to https://app.example.com/cb#access_token=frag-token-value&state=x',
  'signed https://cdn.example.com/f?sig=sigvalue123&api_key=apikeyvalue9',
];

function leaks(text: string): string[] {
  return CORPUS.filter((s) => text.includes(s));
}

describe('faults: hostile input (secrets, settings, bounds)', function () {
  this.timeout(30_000);
  let pool: Pool | undefined;
  const figures: Record<string, unknown> = {};
  poolSuiteHooks('hostile-input', figures, () => pool);

  it('masks URL credentials and token-looking query and fragment values', () => {
    const r = new Redactor();
    const out = LEAKY_LINES.slice(1).map((l) => r.redact(l));
    assert.deepEqual(out, [
      'connecting to https://••••@mcp.example.com/v1?token=••••&page=2',
      'redirect to https://app.example.com/cb#access_token=••••&state=x',
      'signed https://cdn.example.com/f?sig=••••&api_key=••••',
    ]);
    assert.equal(r.redact('see https://example.com/docs?page=2&lang=en'), 'see https://example.com/docs?page=2&lang=en', 'ordinary parameters stay');
  });

  it("every path out of the pool is clean: stderr events, snapshots, errors, and the pool's own protocol-error lines", async () => {
    pool = makePool({ callTimeoutMs: 3000 });
    const events = collectEvents(pool);
    await pool.configure([stdioSpec('leaky', { API_KEY: ENV_SECRET })]);
    pool.snapshot('leaky'); // the target line
    await pool.callTool('leaky', 'say_stderr', { lines: LEAKY_LINES });
    // A response to a request nobody made, carrying secrets: the client reports it as a protocol error.
    await pool.callTool('leaky', 'stray_response', { text: `${ENV_SECRET} https://bob:hunter2@x.example/?token=qs-token-value` });
    await waitUntil(() => events.some((e) => e.type === 'stderr' && e.line.startsWith('[pool]')), 3000, 'the protocol error line');
    await waitUntil(() => events.filter((e) => e.type === 'stderr').length >= LEAKY_LINES.length, 3000, 'stderr lines');
    const errors: string[] = [];
    for (const bad of ['no_such_tool', 'fail']) {
      try {
        await pool.callTool('leaky', bad, { message: ENV_SECRET });
      } catch (e) {
        errors.push((e as PoolError).details);
      }
    }
    const out = [JSON.stringify(events), JSON.stringify(pool.snapshots()), errors.join('\n')].join('\n');
    assert.deepEqual(leaks(out), []);
    assert.ok(
      events.some((e) => e.type === 'stderr' && e.line.startsWith('[pool]') && e.line.includes('••••')),
      'the protocol error line is there, masked',
    );
    figures.secrets_tried = CORPUS.length;
    figures.paths_checked = 'events,snapshots,errors,[pool] lines';
  });

  it('rejects credentials in URLs, NUL and control characters, with the field named and what to do', () => {
    const { specs, problems } = parseAppDefinitions({
      creds: { url: 'https://alice:hunter2@mcp.example.com/mcp' },
      nulheader: { url: 'https://x.example/mcp', headers: { Authorization: `Bearer ${HEADER_SECRET}\u0000` } },
      ctlheader: { url: 'https://x.example/mcp', headers: { 'X-A': 'a\u0007b' } },
      nulenv: { command: 'node', env: { TOKEN: `${ENV_SECRET}\u0000` } },
      nularg: { command: 'node', args: ['ok', 'bad\u0000'] },
      ctlcommand: { command: 'no\u001bde' },
      good: { url: 'https://x.example/mcp', headers: { 'X-Tab': 'a\tb' } },
    });
    assert.deepEqual(
      specs.map((s) => s.name),
      ['good'],
    );
    const by = (app: string) => problems.find((p) => p.app === app)!;
    assert.equal(by('creds').field, 'url');
    assert.match(by('creds').message, /must not contain credentials.*"headers".*\$\{secret:NAME\}/);
    assert.equal(by('nulheader').field, 'headers.Authorization');
    assert.equal(by('ctlheader').field, 'headers.X-A');
    assert.equal(by('nulenv').field, 'env.TOKEN');
    assert.equal(by('nularg').field, 'args[1]');
    assert.equal(by('ctlcommand').field, 'command');
    assert.deepEqual(leaks(JSON.stringify(problems)), [], 'a problem never quotes the secret');
  });

  it('app names that are object keys (__proto__, constructor) or carry control characters are rejected by name', () => {
    const raw = JSON.parse(
      '{"__proto__": {"command": "node"}, "constructor": {"command": "node"}, "line\\nbreak": {"command": "node"}, "ok": {"command": "node"}}',
    ) as Record<string, unknown>;
    const { specs, problems } = parseAppDefinitions(raw);
    assert.deepEqual(
      specs.map((s) => s.name),
      ['ok'],
    );
    assert.equal(problems.length, 3, JSON.stringify(problems));
    assert.match(problems.find((p) => p.app === '__proto__')!.message, /reserved/);
    assert.match(problems.find((p) => p.app === 'constructor')!.message, /reserved/);
    const newline = problems.find((p) => p.app.includes('line'))!;
    assert.ok(!newline.app.includes('\n'), 'the problem does not print the line break itself');
    assert.match(newline.message, /without line breaks or control characters/);
  });

  it('reordering the keys of env or headers does not restart an app', async () => {
    pool = makePool();
    await pool.configure([stdioSpec('a', { A: '1', B: '2' })]);
    const first = await pool.callTool('a', 'echo', { text: 'x' });
    const result = await pool.configure([stdioSpec('a', { B: '2', A: '1' })]);
    assert.deepEqual(result, { added: [], changed: [], removed: [] });
    const again = await pool.callTool('a', 'echo', { text: 'y' });
    assert.equal(again.pid, first.pid);
    assert.equal(again.coldStart, false);
  });

  it('a timeout longer than a timer can wait is clamped, not fired at once', async () => {
    pool = makePool({ callTimeoutMs: 2 ** 32, startTimeoutMs: 2 ** 40 });
    assert.equal(pool.settings.callTimeoutMs, MAX_TIMER_MS);
    assert.equal(pool.settings.startTimeoutMs, MAX_TIMER_MS);
    await pool.configure([stdioSpec('slow')]);
    const out = await pool.callTool('slow', 'sleep', { ms: 300 });
    assert.equal(textOf(out.result.content), 'slept 300');
    pool.updateSettings({ callTimeoutMs: Number.MAX_SAFE_INTEGER });
    assert.equal(pool.settings.callTimeoutMs, MAX_TIMER_MS);
  });
});
