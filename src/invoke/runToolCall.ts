// One tool call as people see it: a cancellable progress notification fed by the server's
// progress messages, the call and its rendered result in the app's output channel (with a hint
// when it links to resources, which are remembered for "Open Resource from a Result…"), and a
// notification when the tool reports an error or the result was too big for the channel.
import * as vscode from 'vscode';
import { formatBytes } from '../common/format';
import type { Outputs } from '../output/outputs';
import { PoolError, type CallOutcome, type Pool, type Redactor } from '../pool';
import { linksHint, type ResultLinks } from '../results/resultLinks';
import type { MediaStore } from '../results/mediaStore';
import { isAppRunning, type StartWatch } from './startWatch';
import { MAX_CHANNEL_CHARS, renderResult } from '../results/renderResult';
import { maskSecrets } from './secretArgs';

export interface ToolCallRequest {
  readonly app: string;
  readonly tool: string;
  readonly args: Record<string, unknown>;
  /** Started from the UI: show the channel when done. Programmatic calls do not take focus. */
  readonly interactive: boolean;
  /** Watches whether this invocation started the app (then the outcome is a cold start). */
  readonly startWatch?: StartWatch;
}

/** What a tool call needs from the editor session. */
export interface ToolCallDeps {
  readonly pool: Pool;
  readonly outputs: Outputs;
  readonly redactor: Redactor;
  readonly media: MediaStore;
  /** Remembers the resources results link to or embed. */
  readonly links?: ResultLinks;
}

/** Runs the call under a cancellable notification; resolves undefined if the user cancelled it. */
async function callWithProgress(pool: Pool, req: ToolCallRequest): Promise<CallOutcome | undefined> {
  const controller = new AbortController();
  try {
    return await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `${req.app} › ${req.tool}`, cancellable: true },
      async (progress, token) => {
        const cancel = token.onCancellationRequested(() => controller.abort());
        if (!isAppRunning(pool, req.app)) progress.report({ message: `starting ${req.app}…` });
        let reported = 0;
        try {
          return await pool.callTool(req.app, req.tool, req.args, {
            signal: controller.signal,
            onProgress: (p) => {
              const pct = p.total ? Math.min(100, (p.progress / p.total) * 100) : undefined;
              const increment = pct !== undefined && pct > reported ? pct - reported : undefined;
              if (pct !== undefined) reported = Math.max(reported, pct);
              progress.report({ message: p.message ?? (p.total ? `${p.progress}/${p.total}` : String(p.progress)), increment });
            },
            // a tool run as a task: its status (e.g. "working: step 2/5", "input_required") in the notification
            onStatus: (t) => progress.report({ message: t.statusMessage ? `${t.status.replace('_', ' ')}: ${t.statusMessage}` : t.status.replace('_', ' ') }),
          });
        } finally {
          cancel.dispose();
        }
      },
    );
  } catch (e) {
    if (controller.signal.aborted && e instanceof PoolError && e.code === 'cancelled') return undefined;
    throw e;
  }
}

/** Offers the uncut rendering in an editor when the channel only got the first part. */
function offerFullResult(tool: string, fullText: string): void {
  void vscode.window
    .showInformationMessage(
      `MCP Pool: the result of ${tool} is ${formatBytes(fullText.length)}; the output shows the first ${formatBytes(MAX_CHANNEL_CHARS)}.`,
      'Open Full Result',
    )
    .then(async (pick) => {
      if (pick) await vscode.window.showTextDocument(await vscode.workspace.openTextDocument({ content: fullText, language: 'plaintext' }), { preview: false });
    });
}

/**
 * Calls the tool, logging the call (secret-looking arguments masked) and the rendered result to
 * the app's channel. Resolves undefined when cancelled from the notification; pool errors reject.
 */
export async function runToolCall(deps: ToolCallDeps, req: ToolCallRequest): Promise<CallOutcome | undefined> {
  const channel = deps.outputs.app(req.app);
  channel.info(`→ ${req.tool} ${JSON.stringify(maskSecrets(req.args))}`);
  const called = await callWithProgress(deps.pool, req);
  const outcome = called && req.startWatch ? req.startWatch.apply(called) : called;
  if (!outcome) {
    channel.info(`✖ ${req.tool}: cancelled`);
    return undefined;
  }
  const rendered = renderResult(outcome, { tool: req.tool, saveImage: (data, mime) => deps.media.save(data, mime, [req.app, req.tool]) });
  channel[rendered.isError ? 'warn' : 'info'](rendered.lines[0]);
  if (rendered.lines.length > 1) channel.info(rendered.lines.slice(1).join('\n'));
  const links = deps.links?.record(req.app, `tool ${req.tool}`, outcome.result.content) ?? [];
  if (links.length) channel.info(linksHint(links.length));
  if (req.interactive) channel.show(true);
  if (rendered.isError) {
    const first = outcome.result.content.find((c) => c.type === 'text' && typeof c.text === 'string')?.text as string | undefined;
    const reason = first ? `: ${deps.redactor.redact(first.split('\n')[0].slice(0, 200))}` : '';
    void vscode.window
      .showWarningMessage(`MCP Pool: ${req.app} › ${req.tool} reported an error${reason}`, 'Show Output')
      .then((pick) => pick && channel.show(false));
  }
  if (rendered.truncated && rendered.fullText) offerFullResult(req.tool, rendered.fullText);
  return outcome;
}
