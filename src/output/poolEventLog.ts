// Turns pool events into log lines: lifecycle in the pool log, a server's stderr in its app's
// channel. stderr is logged at debug level: mcp-remote alone prints ~15 lines per start and more
// per call, which would bury the results; a start failure or crash repeats the last stderr lines
// at error level, and "Set Log Level… → Debug" on the channel shows every line.
import type { IDisposable } from '../common/lifecycle';
import type { Pool, PoolEvent, StopReason } from '../pool';
import type { Outputs } from './outputs';

const STOP_REASONS: Record<StopReason, string> = {
  idle: 'evicted: idle',
  lru: 'evicted: pool full, least recently used',
  user: 'user',
  restart: 'restart',
  config: 'its settings changed',
  shutdown: 'shutdown',
  removed: 'removed from the settings',
  hung: 'hung',
  unused: 'started for an invocation that was then cancelled',
};

export function logPoolEvents(pool: Pool, outputs: Outputs): IDisposable {
  return pool.onEvent((e) => logEvent(outputs, e));
}

function logEvent(outputs: Outputs, e: PoolEvent): void {
  const log = outputs.pool;
  switch (e.type) {
    case 'started':
      log.info(`${e.app}: started (pid ${e.pid}) in ${e.durationMs} ms`);
      break;
    case 'stopped':
      log.info(`${e.app}: stopped (${STOP_REASONS[e.reason]})`);
      break;
    case 'crashed':
      log.error(`${e.app}: crashed (${e.exit.signal ?? `exit code ${e.exit.code}`})${e.stderrTail.length ? `; last stderr: ${e.stderrTail.slice(-3).join(' | ')}` : ''}`);
      break;
    case 'startFailed':
      log.error(`${e.app}: start failed: ${e.error}`);
      break;
    case 'stderr':
      outputs.app(e.app).debug(`[stderr] ${e.line}`);
      break;
    case 'authRequired':
      log.warn(`${e.app}: authorization required: ${e.url}`);
      outputs.app(e.app).warn(`authorization required: open ${e.url}`);
      break;
    case 'toolsChanged':
      log.info(`${e.app}: tool list changed`);
      break;
    case 'state':
      break;
  }
}
