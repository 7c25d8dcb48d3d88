// What the tests can see of the workbench. The extension host has no DOM: a test asks the harness
// (test/editor/run.mjs) for a screenshot through a console marker, the harness saves <name>.png and
// <name>.json (the UI facts below) in EDITOR_TEST_SHOTS_DIR, and the test reads the JSON back.
// Under @vscode/test-electron there is no harness: screenshot() resolves undefined, and a test that needs
// UI facts must skip explicitly (uiFactsOrSkip) instead of passing without looking.
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';

export interface StatusBarItemFacts {
  /** DOM id: `status.*` for VS Code's own items, `<publisher>.<name>.<item id>` for an extension's. */
  id: string;
  /** Visible text; $(icon) codicons are rendered as glyphs and do not appear. */
  text: string;
  /** Codicon names shown in the item, e.g. ['sync', 'spin'] for $(sync~spin). */
  icons: string[];
  /** Without accessibilityInformation VS Code uses "<text>, <tooltip>". */
  ariaLabel: string;
  side: 'left' | 'right';
  /** Hover text, only when the screenshot asked for tooltips; null: no hover showed up. */
  tooltip?: string | null;
}

export interface TreeRowFacts {
  /** Title of the view (pane) the row is in, e.g. "Explorer" section names or our own view's name. */
  view: string;
  /** `.label-name`: the visible label (the row's aria-label is the tooltip). */
  label: string;
  /** `.label-description`: the TreeItem's description. */
  description: string;
  ariaLabel: string;
  level: number;
  expanded?: boolean;
  selected: boolean;
}

export interface NotificationFacts {
  message: string;
  source: string;
  buttons: string[];
  severity: string;
}

export interface UiFacts {
  /** Status bar entries, aria-label or text (compatible with the reference harness). */
  statusBar: string[];
  statusBarItems: StatusBarItemFacts[];
  activityBar: string[];
  sidebarTitle: string;
  /** Title of the active panel (Output, Terminal, ...) when the panel is visible, else ''. */
  panelTitle: string;
  /** Visible labels of all visible list/tree rows (side bar, panel, secondary side bar). */
  treeRows: string[];
  treeRowsDetailed: TreeRowFacts[];
  /** Notification toasts and the Notifications Center, when open. Under code-server 4.133+ in test mode
   *  (VSCODE_OPTIONS=enable-smoke-test-driver) toasts are not rendered: ask with `notifications: true`. */
  notifications: string[];
  notificationsDetailed: NotificationFacts[];
  /** Visible lines of the Output panel's editor, top to bottom (Monaco renders only what is on screen). */
  outputLines: string[];
  /** The channel selected in the Output panel's picker ('' when the Output panel is not shown). */
  outputChannel: string;
  /** items: each row's visible label; rows: label, description, detail (second line) and the separator
   *  label shown on that row, for the whole picture. */
  quickPick?: { title: string; placeholder: string; items: string[]; rows: { label: string; description: string; detail: string; separator: string }[] };
  /** A modal dialog (e.g. the workspace trust prompt). */
  dialog?: { message: string; detail: string; buttons: string[] };
  editorTabs: string[];
  /** The "Restricted Mode" status bar entry is shown (workspace not trusted). */
  /** Text and buttons of a view's welcome content (viewsWelcome). */
  welcome: string[];
  restrictedMode: boolean;
  windowTitle: string;
}

export interface ScreenshotOptions {
  /** Also hover status bar items and record their tooltips: true = every non-`status.*` item,
   *  a string = items whose id starts with it (e.g. the extension id). Costs ~1 s per item. */
  tooltips?: boolean | string;
  /** Wait before reading the UI (ms, default 300). */
  settleMs?: number;
  /** How long to wait for the harness (ms, default 15000). */
  timeoutMs?: number;
  /** Open the Notifications Center first (notifications.showList), so every notification is in the DOM,
   *  whether or not the workbench renders toasts (it does not under the smoke-test driver, VS Code 1.133+). */
  notifications?: boolean;
  /** Keyboard input first, as a user would give it in the browser: text typed, then keys pressed (e.g. ['Enter']). */
  keys?: { type?: string; press?: string[] };
}

/** True when running under test/editor/run.mjs (screenshots and UI facts available). */
export const underHarness = (): boolean => !!process.env.EDITOR_TEST_SHOTS_DIR;

/** Screenshot the workbench as <shots>/<name>.png and return what the UI shows at that moment. */
export async function screenshot(name: string, options: ScreenshotOptions = {}): Promise<UiFacts | undefined> {
  const dir = process.env.EDITOR_TEST_SHOTS_DIR;
  if (!dir) return undefined;
  if (!/^[\w.-]+$/.test(name)) throw new Error(`screenshot name must match [\\w.-]+: ${name}`);
  const png = path.join(dir, `${name}.png`);
  fs.rmSync(png, { force: true });
  const { timeoutMs = 15000, notifications, ...req } = options;
  if (notifications) await vscode.commands.executeCommand('notifications.showList');
  console.log(`__EDITOR_TEST_SCREENSHOT__:${JSON.stringify({ name, ...req })}`);
  const end = Date.now() + timeoutMs + (options.tooltips ? 20000 : 0);
  while (!fs.existsSync(png)) {
    if (Date.now() > end) throw new Error(`the harness did not take screenshot ${name}`);
    await sleep(100);
  }
  return JSON.parse(fs.readFileSync(path.join(dir, `${name}.json`), 'utf8')) as UiFacts;
}

/**
 * screenshot(), for a test whose point is what the UI shows: without the harness (under @vscode/test-electron)
 * the test is skipped, saying why, instead of passing without having looked.
 */
export async function uiFactsOrSkip(test: Mocha.Context, name: string, options: ScreenshotOptions = {}): Promise<UiFacts> {
  const facts = await screenshot(name, options);
  if (facts) return facts;
  console.log(`    [skip] "${test.test?.title ?? name}": needs UI facts (screenshot ${name}), which only test/editor/run.mjs provides`);
  return test.skip();
}

/** Take screenshots named `name` until check(facts) returns something truthy; returns that. */
export async function waitForUi<T>(
  name: string,
  check: (facts: UiFacts) => T | undefined | null | false,
  what: string,
  options: ScreenshotOptions = {},
  timeoutMs = 10000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const facts = await screenshot(name, options);
    if (!facts) throw new Error('waitForUi needs test/editor/run.mjs (check underHarness() first)');
    const v = check(facts);
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; last UI facts: ${JSON.stringify(facts)}`);
    await sleep(250);
  }
}

export async function waitFor<T>(fn: () => Promise<T | undefined> | T | undefined, what: string, timeoutMs = 10000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

const matches = (s: string, m: string | RegExp) => (typeof m === 'string' ? s.includes(m) : m.test(s));

/** The status bar item whose id starts with idPrefix, or whose text matches. */
export function statusBarItem(facts: UiFacts, by: { idPrefix?: string; text?: string | RegExp }): StatusBarItemFacts | undefined {
  return facts.statusBarItems.find((s) => (by.idPrefix === undefined || s.id.startsWith(by.idPrefix)) && (by.text === undefined || matches(s.text, by.text)));
}

/** Tree rows of one view (by its title, case-insensitive), or of all views. */
export function treeRows(facts: UiFacts, view?: string): TreeRowFacts[] {
  return view === undefined ? facts.treeRowsDetailed : facts.treeRowsDetailed.filter((r) => r.view.toLowerCase() === view.toLowerCase());
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
