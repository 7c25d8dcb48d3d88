// One step of a multi-step quick input: an InputBox or a QuickPick with a Back button (from
// step 2 on) and an optional "edit all as JSON" button. Resolves with the value, 'back', 'json',
// or undefined when the user pressed Escape. Steps stay open when focus moves elsewhere
// (ignoreFocusOut), so people can copy a value from an editor without losing the flow.
import * as vscode from 'vscode';

export type StepResult<T> = { readonly kind: 'value'; readonly value: T } | { readonly kind: 'back' } | { readonly kind: 'json' } | undefined;

interface StepOptions {
  /** Full title, e.g. `github › search (2/4)`. */
  readonly title: string;
  readonly canGoBack: boolean;
  /** Show the "Edit all arguments as JSON" button. */
  readonly offerJson: boolean;
}

export interface InputStepOptions extends StepOptions {
  readonly prompt?: string;
  readonly placeholder?: string;
  readonly value: string;
  /** Problem with the text, shown as the user types; undefined when acceptable. */
  readonly validate: (text: string) => string | undefined;
}

export interface PickStepOptions<T extends vscode.QuickPickItem> extends StepOptions {
  readonly placeholder?: string;
  readonly items: readonly T[];
  readonly active?: T;
}

export const JSON_BUTTON: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('json'), tooltip: 'Edit all arguments as JSON' };

function buttonsFor(opts: StepOptions): vscode.QuickInputButton[] {
  return [...(opts.canGoBack ? [vscode.QuickInputButtons.Back] : []), ...(opts.offerJson ? [JSON_BUTTON] : [])];
}

/** Runs a quick input until it settles; `wire` hooks up accept handling and calls `done`. */
function run<T>(
  input: vscode.QuickInput & { buttons: readonly vscode.QuickInputButton[]; onDidTriggerButton: vscode.Event<vscode.QuickInputButton> },
  wire: (done: (r: StepResult<T>) => void) => vscode.Disposable[],
): Promise<StepResult<T>> {
  return new Promise<StepResult<T>>((resolve) => {
    let settled = false;
    const subscriptions: vscode.Disposable[] = [];
    const done = (r: StepResult<T>) => {
      if (settled) return;
      settled = true;
      resolve(r);
      for (const d of subscriptions) d.dispose();
      input.dispose();
    };
    subscriptions.push(
      input.onDidTriggerButton((b) => done(b === vscode.QuickInputButtons.Back ? { kind: 'back' } : b === JSON_BUTTON ? { kind: 'json' } : undefined)),
      input.onDidHide(() => done(undefined)),
      ...wire(done),
    );
    input.show();
  });
}

/** An InputBox step; Enter is refused while `validate` reports a problem. */
export function inputStep(opts: InputStepOptions): Promise<StepResult<string>> {
  const box = vscode.window.createInputBox();
  box.title = opts.title;
  box.prompt = opts.prompt;
  box.placeholder = opts.placeholder;
  box.value = opts.value;
  box.ignoreFocusOut = true;
  box.buttons = buttonsFor(opts);
  box.validationMessage = opts.value ? opts.validate(opts.value) : undefined;
  return run<string>(box, (done) => [
    box.onDidChangeValue((text) => {
      box.validationMessage = opts.validate(text);
    }),
    box.onDidAccept(() => {
      const problem = opts.validate(box.value);
      if (problem) box.validationMessage = problem;
      else done({ kind: 'value', value: box.value });
    }),
  ]);
}

/** A QuickPick step with one choice. */
export function pickStep<T extends vscode.QuickPickItem>(opts: PickStepOptions<T>): Promise<StepResult<T>> {
  const pick = vscode.window.createQuickPick<T>();
  pick.title = opts.title;
  pick.placeholder = opts.placeholder;
  pick.items = opts.items;
  if (opts.active) pick.activeItems = [opts.active];
  pick.ignoreFocusOut = true;
  pick.matchOnDescription = true;
  pick.buttons = buttonsFor(opts);
  return run<T>(pick, (done) => [
    pick.onDidAccept(() => {
      const item = pick.selectedItems[0] ?? pick.activeItems[0];
      if (item) done({ kind: 'value', value: item });
    }),
  ]);
}
