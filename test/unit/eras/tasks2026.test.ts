// Task-required tools on a 2026-07-28 server, through the tasks extension (io.modelcontextprotocol/tasks),
// on the real pool: the modern-only tasks fixture (test/fixtures/modern/tasks-server.ts, SDK v2
// server) over stdio and as a direct HTTP app. The server refuses a plain call of its task tools
// (-32021, nothing run); the pool calls them again through @modelcontextprotocol/ext-tasks and
// keeps the promises of 2025 tasks: statuses reported and counted as signs of life, a cancel or a
// timeout cancels the task on the server (asserted in the server's own log), a failed task's error
// said, polls never closer than 50 ms, the result checked against the output schema.
import * as assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppSpec, ClientHooks, Pool, PoolError, PoolSettings, TaskStatusUpdate } from '../../../src/pool';
import { TASKS_2026_FIXTURE } from '../../fixtures/paths';
import { waitUntil } from '../../fixtures/processTable';
import { makePool, RUN_MARK, textOf } from '../helpers';
import { tempDir } from '../tempDirs';

interface LogLine {
  event: string;
  taskId: string;
  tool: string;
  status: string;
  at: number;
}

async function httpServer(args: string[]): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [TASKS_2026_FIXTURE, RUN_MARK, '--http', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('the tasks fixture printed no URL within 10 s')), 10_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) {
        clearTimeout(timer);
        resolve((JSON.parse(line) as { url: string }).url);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the tasks fixture exited (${code}) before printing its URL`));
    });
  });
  return { child, url };
}

for (const transport of ['stdio', 'direct HTTP'] as const) {
  describe(`tasks extension (2026-07-28) over ${transport}: task-required tools on the pool`, function () {
    this.timeout(30_000);
    let pool: Pool | undefined;
    let child: ChildProcess | undefined;
    let dir: string;
    const logFile = () => join(dir, 'tasks.jsonl');
    const log = (): LogLine[] => {
      try {
        return readFileSync(logFile(), 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as LogLine);
      } catch {
        return [];
      }
    };

    async function start(settings: Partial<PoolSettings> = {}, extra: string[] = [], clientHooks?: ClientHooks): Promise<void> {
      dir = tempDir('tasks2026-');
      const args = [`--task-log=${logFile()}`, ...extra];
      let spec: AppSpec;
      if (transport === 'stdio') spec = { kind: 'stdio', name: 't', command: process.execPath, args: [TASKS_2026_FIXTURE, RUN_MARK, ...args], env: {} };
      else {
        const server = await httpServer(args);
        child = server.child;
        spec = { kind: 'remote', name: 't', url: server.url, args: [], headers: {}, env: {}, transport: 'direct' };
      }
      pool = makePool(settings, clientHooks ? { clientHooks } : {});
      await pool.configure([spec]);
    }

    afterEach(async () => {
      await pool?.shutdown();
      pool?.dispose();
      pool = undefined;
      child?.kill('SIGKILL');
      child = undefined;
    });

    it('a task-required tool completes with its result; every new status is reported; the second call goes straight to a task', async () => {
      await start();
      const statuses: TaskStatusUpdate[] = [];
      const progress: { progress: number; total?: number; message?: string }[] = [];
      const { result } = await pool!.callTool(
        't',
        'report_task',
        { steps: 3, delayMs: 120 },
        { onStatus: (s) => statuses.push(s), onProgress: (p) => progress.push(p) },
      );
      assert.equal(textOf(result.content), 'reported 3 steps');
      assert.deepEqual(result.structuredContent, { steps: 3 });
      assert.equal(pool!.snapshot('t')!.protocolVersion, '2026-07-28');
      const taskId = statuses[0]?.taskId;
      assert.ok(taskId, `a task was created: ${JSON.stringify(statuses)}`);
      assert.ok(
        statuses.every((s) => s.taskId === taskId),
        JSON.stringify(statuses),
      );
      assert.equal(statuses[0].status, 'working');
      assert.equal(statuses.at(-1)!.status, 'completed');
      assert.ok(
        statuses.some((s) => s.statusMessage === 'step 2/3'),
        JSON.stringify(statuses),
      );
      // stdio: the task's progress comes after the creating answer, by the call's own token (over HTTP
      // that answer's stream is closed by then: statuses are what the call hears)
      if (transport === 'stdio')
        assert.deepEqual(
          progress,
          [1, 2, 3].map((i) => ({ progress: i, total: 3, message: `step ${i}/3` })),
        );
      // at the server: refused once (plain call, nothing run), then created as a task
      assert.deepEqual(
        log()
          .filter((l) => l.event === 'refused' || l.event === 'created')
          .map((l) => `${l.event}:${l.tool}`),
        ['refused:report_task', 'created:report_task'],
      );
      const again = await pool!.callTool('t', 'report_task', { steps: 1, delayMs: 10 });
      assert.deepEqual(again.result.structuredContent, { steps: 1 });
      assert.deepEqual(
        log()
          .filter((l) => l.event === 'refused' || l.event === 'created')
          .map((l) => l.event),
        ['refused', 'created', 'created'],
        'remembered: no second refusal',
      );
      const plain = await pool!.callTool('t', 'plain_echo', { text: 'hi' });
      assert.equal(textOf(plain.result.content), 'hi', 'a plain tool of the same server stays a plain call');
    });

    it('cancelling the call cancels the task on the server, at once', async () => {
      await start();
      const ctl = new AbortController();
      let abortedAt = 0;
      const call = pool!.callTool(
        't',
        'report_task',
        { steps: 200, delayMs: 50 },
        {
          signal: ctl.signal,
          onStatus: (s) => {
            if (s.statusMessage !== 'step 2/200' || abortedAt) return;
            abortedAt = Date.now();
            ctl.abort();
          },
        },
      );
      await assert.rejects(call, (e: PoolError) => e.code === 'cancelled');
      assert.ok(abortedAt > 0, 'statuses arrived');
      assert.ok(Date.now() - abortedAt < 200, `failed ${Date.now() - abortedAt} ms after the cancel`);
      const cancelled = await waitUntil(() => log().find((l) => l.event === 'cancel'), 5000, 'tasks/cancel reached the server');
      assert.equal(cancelled.status, 'cancelled');
      assert.equal(cancelled.tool, 'report_task');
      assert.equal(log().filter((l) => l.event === 'completed').length, 0);
    });

    it('a call that times out cancels its task too; a new status counts as a sign of life', async () => {
      await start({ callTimeoutMs: 500 });
      // a new status every 150 ms keeps a 500 ms call going for ≈ 900 ms
      const fine = await pool!.callTool('t', 'report_task', { steps: 6, delayMs: 150 });
      assert.deepEqual(fine.result.structuredContent, { steps: 6 });
      const t0 = Date.now();
      await assert.rejects(pool!.callTool('t', 'hang_task', {}), (e: PoolError) => e.code === 'timeout');
      const took = Date.now() - t0;
      assert.ok(took < 2000, `timed out after ${took} ms`);
      const cancelled = await waitUntil(() => log().find((l) => l.event === 'cancel'), 5000, 'tasks/cancel of the timed-out task reached the server');
      assert.equal(cancelled.tool, 'hang_task');
      assert.equal(cancelled.status, 'cancelled');
    });

    it('the server dies mid-task: the call fails at once, not at its timeout', async () => {
      await start({ callTimeoutMs: 60_000 });
      let killedAt = 0;
      const call = pool!.callTool(
        't',
        'hang_task',
        {},
        {
          onStatus: () => {
            if (killedAt) return;
            killedAt = Date.now();
            if (child) child.kill('SIGKILL');
            else process.kill(pool!.snapshot('t')!.pid!, 'SIGKILL');
          },
        },
      );
      await assert.rejects(call, (e: PoolError) => e.code === 'crashed' && /died during call to "hang_task"/.test(e.message));
      assert.ok(killedAt > 0, 'a status arrived');
      const took = Date.now() - killedAt;
      assert.ok(took < 6000, `failed ${took} ms after the server died`);
    });

    it("a task's question (input_required) is answered by the host's hook and sent back with tasks/update", async () => {
      const asked: string[] = [];
      await start({ callTimeoutMs: 1000 }, [], {
        elicit: async (app, params) => {
          asked.push(`${app}:${params.message}`);
          // longer than the call's timeout: the clock stands still while the host answers
          await new Promise((resolve) => setTimeout(resolve, 1500));
          return { action: 'accept', content: { name: 'Ann' } };
        },
        elicitationModes: ['form'],
      });
      const statuses: TaskStatusUpdate[] = [];
      const { result } = await pool!.callTool('t', 'ask_task', {}, { onStatus: (s) => statuses.push(s) });
      assert.deepEqual(result.structuredContent, { action: 'accept', name: 'Ann' });
      assert.deepEqual(asked, ['t:Who asks?']);
      assert.ok(
        statuses.some((s) => s.status === 'input_required' && s.statusMessage === 'waiting for a name'),
        JSON.stringify(statuses),
      );
      assert.equal(log().filter((l) => l.event === 'update').length, 1, 'one tasks/update');
      assert.equal(log().filter((l) => l.event === 'created').length, 1, 'the tool ran once');
    });

    it("a failed task's error is said", async () => {
      await start();
      await assert.rejects(pool!.callTool('t', 'fail_task', { message: 'the disk is full' }), (e: PoolError) => {
        assert.match(e.message, /the disk is full/);
        assert.match(e.message, /failed/);
        return true;
      });
    });

    it("the result is checked against the tool's output schema", async () => {
      await start();
      await assert.rejects(pool!.callTool('t', 'bad_output_task', {}), (e: PoolError) => {
        assert.equal(e.code, 'protocol', e.message);
        assert.match(e.message, /output schema/);
        return true;
      });
    });

    it('a server suggesting 1 ms between polls is polled every 50 ms at most', async () => {
      await start({}, ['--poll-ms=1']);
      await pool!.callTool('t', 'report_task', { steps: 4, delayMs: 100 });
      const gets = log().filter((l) => l.event === 'get');
      const gaps = gets.slice(1).map((g, i) => g.at - gets[i].at);
      assert.ok(gets.length >= 2 && gets.length <= 12, `${gets.length} polls over ≈ 400 ms`);
      assert.ok(Math.min(...gaps) >= 45, `gaps between polls: ${gaps.join(', ')} ms`);
    });
  });
}
