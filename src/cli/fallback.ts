// `mcp-pool stdio <app> --fallback CMD ARGS…` with no pool to relay to: run the command instead,
// as the client's configuration would have without mcp-pool (e.g. `npx -y mcp-remote <url>`). No
// shell; this process's stdin, stdout and stderr are the command's; its exit code is ours.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { EXIT } from '../gateway/protocol';

export function runFallback(argv: readonly string[]): Promise<number> {
  const [command, ...args] = argv;
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'inherit', windowsHide: true });
    // The client stops us with a signal: pass it on, then end as the command ends.
    const forward = (signal: NodeJS.Signals) => () => {
      child.kill(signal);
    };
    const handlers = (['SIGINT', 'SIGTERM', 'SIGHUP'] as const).map((s) => [s, forward(s)] as const);
    for (const [s, h] of handlers) process.on(s, h);
    const done = (code: number) => {
      for (const [s, h] of handlers) process.off(s, h);
      resolve(code);
    };
    child.on('error', (e: NodeJS.ErrnoException) => {
      process.stderr.write(`mcp-pool: the fallback command ${command} could not start: ${e.code === 'ENOENT' ? 'not found' : (e.code ?? e.message)}\n`);
      done(EXIT.pool);
    });
    child.on('exit', (code, signal) => done(code ?? 128 + ((signal && constants.signals[signal]) || 1)));
  });
}
