// The words the views use for times, sizes and app states (pure functions, no editor); times and
// sizes as every room says them (common/format.ts), the same in the sidebar and in `mcp-pool`.
import * as assert from 'node:assert/strict';
import { formatStatus, formatToolResult } from '../../src/cli/format';
import { formatAgo, formatBytes, formatDuration } from '../../src/common/format';
import { Gateway } from '../../src/gateway/gateway';
import type { AppSnapshot, Pool } from '../../src/pool';
import { renderResult } from '../../src/results/renderResult';
import {
  describeApp,
  formatClock,
  formatExit,
  formatRemaining,
  isDestructive,
  pendingAuthUrl,
  plural,
  stateWord,
  toolHints,
  truncate,
} from '../../src/views/format';
import { snapshot } from './appSnapshot';

const NOW = 1_700_000_000_000;
const s = (ms: number) => ms * 1000;
const min = (m: number) => m * 60_000;
const h = (n: number) => n * 3_600_000;

describe('format', () => {
  describe('formatAgo', () => {
    it('says 0 s under a second and for future times', () => {
      assert.equal(formatAgo(NOW, NOW), '0 s ago');
      assert.equal(formatAgo(NOW - 999, NOW), '0 s ago');
      assert.equal(formatAgo(NOW + 5000, NOW), '0 s ago');
    });
    it('says how long as formatDuration does, rounded down', () => {
      assert.equal(formatAgo(NOW - s(1), NOW), '1 s ago');
      assert.equal(formatAgo(NOW - s(12.9), NOW), '12 s ago');
      assert.equal(formatAgo(NOW - s(59), NOW), '59 s ago');
      assert.equal(formatAgo(NOW - s(60), NOW), '1 min ago');
      assert.equal(formatAgo(NOW - min(3) - s(50), NOW), '3 min ago');
      assert.equal(formatAgo(NOW - h(2) - min(59), NOW), '2 h 59 min ago');
      assert.equal(formatAgo(NOW - h(24 * 4 + 5), NOW), '4 d 5 h ago');
    });
  });

  describe('formatDuration', () => {
    it('shows seconds, minutes, then two units', () => {
      assert.equal(formatDuration(0), '0 s');
      assert.equal(formatDuration(-500), '0 s');
      assert.equal(formatDuration(s(45.7)), '45 s');
      assert.equal(formatDuration(min(3) + s(59)), '3 min');
      assert.equal(formatDuration(h(2)), '2 h');
      assert.equal(formatDuration(h(2) + min(5) + s(30)), '2 h 5 min');
      assert.equal(formatDuration(h(24 * 3 + 4) + min(10)), '3 d 4 h');
      assert.equal(formatDuration(h(48)), '2 d');
    });
    it('says measured work precisely: ms, decimal seconds, the seconds of a minute', () => {
      assert.equal(formatDuration(412.4, { precise: true }), '412 ms');
      assert.equal(formatDuration(2345, { precise: true }), '2.35 s');
      assert.equal(formatDuration(s(12.34), { precise: true }), '12.3 s');
      assert.equal(formatDuration(min(1) + s(1.5), { precise: true }), '1 min 1 s');
      assert.equal(formatDuration(min(3), { precise: true }), '3 min');
      assert.equal(formatDuration(h(2) + min(5) + s(30), { precise: true }), '2 h 5 min');
    });
    it('rounds time left up, so a wait never reads 0 s while it lasts', () => {
      assert.equal(formatRemaining(NOW + 7200, NOW), '8 s');
      assert.equal(formatRemaining(NOW + 1, NOW), '1 s');
      assert.equal(formatRemaining(NOW - 10, NOW), '0 s');
    });
  });

  describe('formatBytes', () => {
    it('uses binary units with one decimal below 100', () => {
      assert.equal(formatBytes(0), '0 B');
      assert.equal(formatBytes(512), '512 B');
      assert.equal(formatBytes(1024), '1.0 KB');
      assert.equal(formatBytes(10_035), '9.8 KB');
      assert.equal(formatBytes(47_395_635), '45.2 MB');
      assert.equal(formatBytes(123 * 1024 * 1024 + 300_000), '123 MB');
      assert.equal(formatBytes(1.5 * 1024 ** 3), '1.5 GB');
    });
    it('does not pretend to know nonsense', () => {
      assert.equal(formatBytes(-1), '?');
      assert.equal(formatBytes(Number.NaN), '?');
    });
  });

  it('formats exits, clocks, plurals and truncation', () => {
    assert.equal(formatExit({ code: null, signal: 'SIGKILL' }), 'SIGKILL');
    assert.equal(formatExit({ code: 1, signal: null }), 'exit 1');
    assert.equal(formatExit({ code: null, signal: null }), 'exited');
    const t = new Date(2024, 0, 2, 3, 4, 5).getTime();
    assert.equal(formatClock(t), '03:04:05');
    assert.equal(plural(1, 'call'), '1 call');
    assert.equal(plural(2, 'call'), '2 calls');
    assert.equal(plural(0, 'tool'), '0 tools');
    assert.equal(truncate('short', 10), 'short');
    assert.equal(truncate('one\n two   three', 100), 'one two three');
    assert.equal(truncate('abcdefghijk', 6), 'abcde…');
  });

  describe('describeApp (the row description)', () => {
    it('idle: when it was last used, or how long it is up if never used since start', () => {
      assert.equal(describeApp(snapshot({ status: 'idle', createdAt: NOW - min(5), lastUsedAt: NOW - s(12) }), NOW), 'idle · used just now');
      assert.equal(describeApp(snapshot({ status: 'idle', createdAt: NOW - min(5), lastUsedAt: NOW - s(75) }), NOW), 'idle · used 1 min ago');
      assert.equal(describeApp(snapshot({ status: 'idle', createdAt: NOW - min(3), lastUsedAt: NOW - min(3) }), NOW), 'idle · up 3 min');
      assert.equal(describeApp(snapshot({ status: 'idle' }), NOW), 'idle');
    });
    it('busy: calls in flight and uptime', () => {
      assert.equal(describeApp(snapshot({ status: 'busy', inFlight: 2, createdAt: NOW - min(3) }), NOW), 'busy (2 calls) · up 3 min');
      assert.equal(describeApp(snapshot({ status: 'busy', inFlight: 1, createdAt: NOW - s(4) }), NOW), 'busy (1 call) · up < 1 min');
    });
    it('a row changes its text at most once a minute while nothing happens (a changing row closes its hover)', () => {
      // Sampled every second for 3 minutes after a call, a start, a crash: the texts a per-second tick would render.
      for (const [what, snap, crashedAt] of [
        ['used', snapshot({ status: 'idle', createdAt: NOW - min(10), lastUsedAt: NOW }), undefined],
        ['up', snapshot({ status: 'idle', createdAt: NOW, lastUsedAt: NOW }), undefined],
        ['busy', snapshot({ status: 'busy', inFlight: 1, createdAt: NOW }), undefined],
        ['crashed', snapshot({ status: 'crashed', exit: { code: 1, signal: null } }), NOW],
      ] as const) {
        const texts = Array.from({ length: 181 }, (_, i) => describeApp(snap, NOW + s(i), crashedAt));
        const changes = texts.filter((t, i) => i > 0 && t !== texts[i - 1]).length;
        assert.ok(changes <= 3, `${what}: ${changes} changes in 3 minutes (${[...new Set(texts)].join(' | ')})`);
      }
    });
    it('crashed: how it ended and when the view saw it', () => {
      const crashed = snapshot({ status: 'crashed', exit: { code: null, signal: 'SIGKILL' } });
      assert.equal(describeApp(crashed, NOW, NOW - min(1)), 'crashed · SIGKILL · 1 min ago');
      assert.equal(describeApp(crashed, NOW), 'crashed · SIGKILL');
      assert.equal(describeApp(snapshot({ status: 'crashed' }), NOW), 'crashed');
    });
    it('failed: a start that never completed reads as such, with its exit, never as crashed', () => {
      const failed = snapshot({ status: 'failed', exit: { code: 1, signal: null } });
      assert.equal(describeApp(failed, NOW, NOW - min(1)), 'failed to start · exit 1 · 1 min ago');
      assert.equal(describeApp(snapshot({ status: 'failed' }), NOW), 'failed to start');
    });
    it('transitional and stopped states', () => {
      assert.equal(describeApp(snapshot({ status: 'starting' }), NOW), 'starting…');
      assert.equal(describeApp(snapshot({ status: 'stopping' }), NOW), 'stopping…');
      assert.equal(describeApp(snapshot({ status: 'stopped' }), NOW), 'stopped');
    });
    it('crash-loop backoff takes precedence while it lasts', () => {
      const backing = snapshot({ status: 'crashed', exit: { code: 1, signal: null }, backoffUntil: NOW + 7_500, consecutiveFailures: 3 });
      assert.equal(describeApp(backing, NOW), 'backing off 8 s · exit 1');
      assert.equal(describeApp(snapshot({ status: 'stopped', backoffUntil: NOW + 8_000 }), NOW), 'backing off 8 s');
      assert.equal(describeApp(backing, NOW + 8_000), 'crashed · exit 1', 'over once backoffUntil has passed');
      assert.equal(stateWord(backing, NOW), 'backing off');
    });
    it('a pending authorization wins over everything', () => {
      const auth = snapshot({ status: 'starting', authUrl: 'https://auth.example.com/authorize?x=1', backoffUntil: NOW + 5000 });
      assert.equal(describeApp(auth, NOW), 'needs authorization');
      assert.equal(stateWord(auth, NOW), 'needs authorization');
      assert.equal(stateWord(snapshot({ status: 'idle' }), NOW), 'idle');
    });
    it('a stale authorization URL (process gone) is not offered', () => {
      const url = 'https://auth.example.com/authorize';
      assert.equal(pendingAuthUrl(snapshot({ status: 'starting', authUrl: url })), url);
      assert.equal(pendingAuthUrl(snapshot({ status: 'busy', authUrl: url })), url);
      for (const status of ['stopping', 'stopped', 'crashed'] as const) assert.equal(pendingAuthUrl(snapshot({ status, authUrl: url })), undefined, status);
      assert.equal(describeApp(snapshot({ status: 'stopped', authUrl: url }), NOW), 'stopped');
    });
  });

  describe('the sidebar and `mcp-pool status` say the same of the same app', () => {
    /** The app's row of `mcp-pool status` (through the gateway's status, as the CLI gets it), by column. */
    const cliRow = (app: AppSnapshot): Record<string, string> => {
      const pool = { onEvent: () => ({ dispose() {} }), snapshots: () => [app] } as unknown as Pool;
      const gateway = new Gateway({ pool, window: { name: 'w', startedAt: NOW } });
      try {
        const [head, row] = formatStatus(gateway.status(), NOW)
          .split('\n')
          .slice(1, 3)
          .map((line) => line.split(/ {2,}/));
        return Object.fromEntries(head.map((column, i) => [column, row[i]]));
      } finally {
        gateway.dispose();
      }
    };
    const app = (patch: Partial<AppSnapshot>) => snapshot({ name: 'notes', kind: 'stdio', transport: 'stdio', status: 'idle', pid: 42, ...patch });

    it('how long it is up and when it was last used (after the first minute, which a row rounds)', () => {
      const used = app({ createdAt: NOW - h(26) - min(5), lastUsedAt: NOW - h(2) - min(7) - s(30) });
      assert.equal(cliRow(used)['LAST USED'], '2 h 7 min ago');
      assert.equal(describeApp(used, NOW), `idle · used ${cliRow(used)['LAST USED']}`);
      for (const upFor of [min(3) + s(59), h(2) + min(5) + s(30), h(26) + min(5)]) {
        const fresh = app({ createdAt: NOW - upFor, lastUsedAt: NOW - upFor });
        assert.equal(describeApp(fresh, NOW), `idle · up ${cliRow(fresh).UPTIME}`);
      }
      assert.equal(cliRow(app({ createdAt: NOW - h(26) - min(5) })).UPTIME, '1 d 2 h');
    });

    it('the size of an image in a result: in the terminal and in the output channel', () => {
      const image = { type: 'image', mimeType: 'image/png', data: Buffer.alloc(10_035).toString('base64') };
      const channel = renderResult(
        { result: { content: [image], isError: false }, durationMs: 1, coldStart: false },
        { tool: 't', saveImage: () => '/tmp/x.png' },
      ).lines[1];
      assert.equal(formatToolResult({ content: [image] }), '[image image/png, 9.8 KB]');
      assert.equal(channel, 'image (image/png, 9.8 KB): /tmp/x.png');
    });
  });

  describe('tool annotations', () => {
    it('says only what the server said: read-only, destructive, open world', () => {
      assert.deepEqual(toolHints({}), [], 'no annotations: no hints (the spec default "destructive" says nothing)');
      assert.deepEqual(
        toolHints({ annotations: { readOnlyHint: true, destructiveHint: true } }),
        ['read-only'],
        'read-only wins: destructive is meaningless then',
      );
      assert.deepEqual(toolHints({ annotations: { destructiveHint: true, openWorldHint: true } }), ['destructive', 'open world']);
      assert.deepEqual(toolHints({ annotations: { destructiveHint: false, idempotentHint: true } }), []);
      assert.equal(isDestructive({ annotations: { destructiveHint: true } }), true);
      assert.equal(isDestructive({ annotations: { readOnlyHint: true, destructiveHint: true } }), false);
      assert.equal(isDestructive({}), false);
    });
  });
});
