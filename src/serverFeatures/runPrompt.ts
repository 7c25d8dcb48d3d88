// Getting one prompt as people see it: the request and its messages in the app's output channel
// (texts, media saved to files, embedded resources, links), the links remembered for "Open
// Resource from a Result…", and the messages as a Markdown document on request.
import * as vscode from 'vscode';
import type { MediaStore } from '../results/mediaStore';
import { maskSecrets } from '../invoke/secretArgs';
import type { Outputs } from '../output/outputs';
import type { Pool, PromptResult } from '../pool';
import { renderPrompt } from '../results/renderPrompt';
import { linksHint, type ResultLinks } from '../results/resultLinks';

export interface PromptRequest {
  readonly app: string;
  readonly prompt: string;
  readonly args: Readonly<Record<string, string>>;
  /** Asked for from the UI: progress in the status bar, the channel shown, "Open as Markdown" offered. */
  readonly interactive: boolean;
  /** Open the messages as a Markdown document at once. */
  readonly markdown?: boolean;
  /** Passed to the pool (see StartWatch): the prompt counts as the use of a start this command made. */
  readonly startToken?: object;
}

export interface PromptDeps {
  readonly pool: Pool;
  readonly outputs: Outputs;
  readonly media: MediaStore;
  readonly links: ResultLinks;
}

const OPEN_MARKDOWN = 'Open as Markdown';

/** An untitled Markdown document with the messages (not saved anywhere until the user saves it). */
export async function openMarkdown(markdown: string): Promise<vscode.TextDocument> {
  const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: markdown });
  await vscode.window.showTextDocument(doc, { preview: false });
  return doc;
}

/** Gets the prompt, writes it to the app's channel and remembers its links; pool errors reject. */
export async function runPrompt(deps: PromptDeps, req: PromptRequest): Promise<PromptResult> {
  const channel = deps.outputs.app(req.app);
  const shownArgs = maskSecrets(req.args);
  channel.info(`→ prompt ${req.prompt} ${JSON.stringify(shownArgs)}`);
  const t0 = Date.now();
  const get = () => deps.pool.getPrompt(req.app, req.prompt, req.args, { startToken: req.startToken });
  let result: PromptResult;
  try {
    result = req.interactive
      ? await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `MCP Pool: getting ${req.app} › ${req.prompt}…` }, get)
      : await get();
  } catch (e) {
    channel.warn(`✖ prompt ${req.prompt} failed`);
    throw e;
  }
  const rendered = renderPrompt(result, {
    app: req.app,
    prompt: req.prompt,
    args: shownArgs,
    durationMs: Date.now() - t0,
    saveMedia: (data, mime) => deps.media.save(data, mime, [req.app, req.prompt]),
  });
  channel.info(rendered.lines[0]);
  if (rendered.lines.length > 1) channel.info(rendered.lines.slice(1).join('\n'));
  const links = deps.links.record(
    req.app,
    `prompt ${req.prompt}`,
    result.messages.map((m) => m.content),
  );
  if (links.length) channel.info(linksHint(links.length));
  if (req.markdown) await openMarkdown(rendered.markdown);
  else if (req.interactive) {
    channel.show(true);
    void vscode.window
      .showInformationMessage(
        `MCP Pool: ${req.app} › ${req.prompt}: ${result.messages.length} message${result.messages.length === 1 ? '' : 's'} in the output.`,
        OPEN_MARKDOWN,
      )
      .then(async (pick) => {
        if (pick === OPEN_MARKDOWN) await openMarkdown(rendered.markdown);
      });
  }
  return result;
}
