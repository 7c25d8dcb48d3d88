// What the tests can see of the workbench. The extension host has no DOM: a test asks the harness
// (test/editor/run.mjs) for a screenshot through a console marker, the harness saves <name>.png and
// <name>.json (the UI facts below) in EDITOR_TEST_SHOTS_DIR, and the test reads the JSON back.
// Under @vscode/test-electron there is no harness: screenshot() resolves undefined; skip such checks.
import * as fs from 'fs';
import * as path from 'path';

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
  /** Notification toasts (and the notification center, when open). */
  notifications: string[];
  notificationsDetailed: NotificationFacts[];
  /** Visible lines of the Output panel's editor, top to bottom (Monaco renders only what is on screen). */
  outputLines: string[];
  /** The channel selected in the Output panel's picker ('' when the Output panel is not shown). */
  outputChannel: string;
  quickPick?: { title: string; items: string[] };
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
  const { timeoutMs = 15000, ...req } = options;
  console.log(`__EDITOR_TEST_SCREENSHOT__:${JSON.stringify({ name, ...req })}`);
  const end = Date.now() + timeoutMs + (options.tooltips ? 20000 : 0);
  while (!fs.existsSync(png)) {
    if (Date.now() > end) throw new Error(`the harness did not take screenshot ${name}`);
    await sleep(100);
  }
  return JSON.parse(fs.readFileSync(path.join(dir, `${name}.json`), 'utf8')) as UiFacts;
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
  return facts.statusBarItems.find((s) =>
    (by.idPrefix === undefined || s.id.startsWith(by.idPrefix)) && (by.text === undefined || matches(s.text, by.text)));
}

/** Tree rows of one view (by its title, case-insensitive), or of all views. */
export function treeRows(facts: UiFacts, view?: string): TreeRowFacts[] {
  return view === undefined ? facts.treeRowsDetailed : facts.treeRowsDetailed.filter((r) => r.view.toLowerCase() === view.toLowerCase());
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
