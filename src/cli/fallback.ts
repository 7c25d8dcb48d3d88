// `mcp-pool stdio <app> --fallback CMD ARGS…` with no pool to relay to: run the command instead,
// as the client's configuration would have without mcp-pool (e.g. `npx -y mcp-remote <url>`). No
// shell; this process's stdin, stdout and stderr are the command's; its exit code is ours.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { ENV_TOKEN, ENV_URL, EXIT } from '../contract/protocol';

/**
 * The command's environment: ours without the pool's token and URL (a third-party command gets no
 * access to the editor's gateway) and without ELECTRON_RUN_AS_NODE (the launcher's, for the editor's
 * runtime only: an Electron program run as the fallback must start as itself).
 */
export function fallbackEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out = { ...env };
  for (const name of [ENV_TOKEN, ENV_URL, 'ELECTRON_RUN_AS_NODE']) delete out[name];
  return out;
}

export function runFallback(argv: readonly string[]): Promise<number> {
  const [command, ...args] = argv;
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'inherit', windowsHide: true, env: fallbackEnv(process.env) });
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
