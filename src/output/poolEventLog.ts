// Turns pool events into log lines: lifecycle in the pool log, a server's stderr in its app's
// channel. A remote app's stderr is mcp-remote's own chatter (~15 lines per start, more per
// call) and would bury the results, so it is logged at debug level ("Set Log Level… → Debug"
// shows it); a stdio server's stderr is the server's own log, at info. Whatever the level, a
// start failure or crash writes the last stderr lines to the app's channel at error level.
// A server's own log messages (`notifications/message`) go to its channel at the mapped level.
import type { IDisposable } from '../common/lifecycle';
import type { LogLevel, Pool, PoolEvent, StopReason } from '../pool';
import type { Channel, Outputs } from './outputs';

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
  unreachable: 'the remote server could not be reached through it; the next call starts a fresh one',
  flooding: 'it sent more than the pool accepts',
};

export function logPoolEvents(pool: Pool, outputs: Outputs): IDisposable {
  return pool.onEvent((e) => logEvent(outputs, e, pool.spec(e.app)?.kind === 'remote'));
}

const TAIL_LINES = 10;

/** `app: started (pid 1234) in 80 ms`; a direct app has no process: `started (direct, no process)`. */
export function startedLine(e: Extract<PoolEvent, { type: 'started' }>): string {
  return `${e.app}: started (${e.pid === undefined ? 'direct, no process' : `pid ${e.pid}`}) in ${e.durationMs} ms`;
}

function logEvent(outputs: Outputs, e: PoolEvent, remote: boolean): void {
  const log = outputs.pool;
  switch (e.type) {
    case 'started':
      log.info(startedLine(e));
      break;
    case 'stopped':
      if (e.detail) {
        // a server stopped for what it did: the pool log and its own channel say what and why
        log.error(`${e.app}: ${e.detail}`);
        outputs.app(e.app).error(e.detail);
      } else {
        log.info(`${e.app}: stopped (${STOP_REASONS[e.reason]})`);
      }
      break;
    case 'crashed': {
      const how = e.exit.signal ?? `exit code ${e.exit.code}`;
      log.error(`${e.app}: crashed (${how})${e.stderrTail.length ? `; last stderr: ${e.stderrTail.slice(-3).join(' | ')}` : ''}`);
      outputs.app(e.app).error(withTail(`crashed (${how})`, e.stderrTail));
      break;
    }
    case 'startFailed':
      log.error(`${e.app}: start failed: ${e.error}`);
      outputs.app(e.app).error(withTail(`start failed: ${e.error}`, e.stderrTail));
      break;
    case 'stderr':
      outputs.app(e.app)[remote ? 'debug' : 'info'](`[stderr] ${e.line}`);
      break;
    case 'authRequired':
      log.warn(`${e.app}: authorization required: ${e.url}`);
      outputs.app(e.app).warn(`authorization required: open ${e.url}`);
      break;
    case 'toolsChanged':
      log.info(`${e.app}: tool list changed`);
      break;
    case 'resourcesChanged':
      log.debug(`${e.app}: resource list changed`);
      break;
    case 'promptsChanged':
      log.debug(`${e.app}: prompt list changed`);
      break;
    case 'resourceUpdated':
      log.debug(`${e.app}: resource updated: ${e.uri}`);
      break;
    case 'log':
      outputs.app(e.app)[channelLevel(e.level)](serverLogLine(e.logger, e.data, e.level));
      break;
    case 'watchdog':
      log.warn(e.message);
      break;
    case 'state':
      break;
  }
}

function withTail(what: string, tail: readonly string[]): string {
  const last = tail.slice(-TAIL_LINES);
  return last.length ? `${what}\nLast stderr lines:\n  ${last.join('\n  ')}` : what;
}

/** The channel method for a server's log level (the channel has no notice/critical/alert/emergency). */
export function channelLevel(level: LogLevel): keyof Pick<Channel, 'debug' | 'info' | 'warn' | 'error'> {
  switch (level) {
    case 'debug':
      return 'debug';
    case 'info':
    case 'notice':
      return 'info';
    case 'warning':
      return 'warn';
    default:
      return 'error';
  }
}

/** `[log] logger: data`, with levels the channel cannot show named (e.g. `[log critical]`). */
export function serverLogLine(logger: string | undefined, data: unknown, level: LogLevel): string {
  const text = typeof data === 'string' ? data : JSON.stringify(data);
  const tag = ['notice', 'critical', 'alert', 'emergency'].includes(level) ? `[log ${level}]` : '[log]';
  return `${tag} ${logger ? `${logger}: ` : ''}${text}`;
}
