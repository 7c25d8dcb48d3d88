// Composition root: builds every service once, hands each its dependencies, and gives each an
// owner in context.subscriptions. deactivate() returns the promise that stops every process.
import * as vscode from 'vscode';
import { registerAppCommands } from './commands/appCommands';
import { registerInvokeCommands } from './commands/invokeCommands';
import { registerSetupCommands } from './commands/setupCommands';
import { Outputs } from './output/outputs';
import { Redactor, type Pool } from './pool';
import { PoolSession } from './session/poolSession';
import { PoolStatusBar } from './views/statusBar';
import { PoolTreeProvider } from './views/poolTreeProvider';

/** What the extension exports: used by its editor tests and by other extensions. */
export interface McpPoolApi {
  readonly pool: Pool;
  readonly session: PoolSession;
  readonly outputs: Outputs;
  readonly tree: PoolTreeProvider;
  readonly statusBar: PoolStatusBar;
  /** How long activate() took, in ms. */
  readonly activationMs: number;
}

let session: PoolSession | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<McpPoolApi> {
  const t0 = performance.now();
  const redactor = new Redactor();
  const outputs = new Outputs(redactor);
  context.subscriptions.push(outputs);
  session = new PoolSession(context, outputs, redactor);
  context.subscriptions.push(session);
  const tree = new PoolTreeProvider(session);
  const statusBar = new PoolStatusBar(session);
  context.subscriptions.push(tree, statusBar);
  context.subscriptions.push(
    ...registerAppCommands(session, tree),
    ...registerInvokeCommands(session, context),
    ...registerSetupCommands(session, context),
  );
  await session.reload();
  void vscode.commands.executeCommand('setContext', 'mcpPool.ready', true);
  const activationMs = performance.now() - t0;
  outputs.pool.info(`activated in ${activationMs.toFixed(1)} ms`);
  return { pool: session.pool, session, outputs, tree, statusBar, activationMs };
}

export async function deactivate(): Promise<void> {
  await session?.pool.shutdown();
  session = undefined;
}
