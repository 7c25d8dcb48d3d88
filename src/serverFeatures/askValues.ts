// Asks for named text values one by one (a prompt's arguments, a resource template's variables),
// in the style of the tool argument prompts (invoke/argumentPrompts.ts): one step per value with a
// Back button from the second on, Escape cancels the whole flow. Each step is a QuickPick that
// takes free text and offers the server's completions for what is typed so far (asked again as
// the text changes, debounced); an optional value can be left out.
import * as vscode from 'vscode';
import type { StepResult } from '../invoke/quickSteps';

export interface AskedField {
  readonly name: string;
  readonly description?: string;
  readonly required: boolean;
}

/** Completions for `field` given what is typed and the values given before it; [] when there are none. */
export type Completer = (field: string, value: string, context: Readonly<Record<string, string>>) => Promise<readonly string[]>;

export interface AskValuesOptions {
  /** e.g. `notes › review`; the step number is added. */
  readonly title: string;
  readonly fields: readonly AskedField[];
  readonly initial?: Readonly<Record<string, string>>;
  readonly complete?: Completer;
}

const COMPLETE_DEBOUNCE_MS = 150;
const MAX_SHOWN = 100;
const OMIT = Symbol('omit');

type ValueItem = vscode.QuickPickItem & { readonly value: string | typeof OMIT };

interface StepOptions {
  readonly title: string;
  readonly field: AskedField;
  readonly value: string;
  readonly canGoBack: boolean;
  readonly complete?: (value: string) => Promise<readonly string[]>;
}

/** Labels are not parsed for `$(icon)` here: a value shows as typed. */
function plain(text: string): string {
  return text.replace(/\$\(/g, '$\u200b(');
}

/** The items for `typed`: what is typed first (or Leave out, for an optional value not typed yet), then the completions. */
export function valueItems(field: AskedField, typed: string, completions: readonly string[]): ValueItem[] {
  const items: ValueItem[] = [];
  if (typed && !completions.includes(typed)) items.push({ value: typed, label: plain(typed), description: 'as typed', alwaysShow: true });
  if (!field.required && !typed) items.push({ value: OMIT, label: '$(circle-slash) Leave out', description: 'optional', alwaysShow: true });
  for (const c of completions.slice(0, MAX_SHOWN))
    items.push({ value: c, label: plain(c), description: c === typed ? 'as typed · suggested' : 'suggested', alwaysShow: true });
  return items;
}

function valueStep(o: StepOptions): Promise<StepResult<string | typeof OMIT>> {
  const pick = vscode.window.createQuickPick<ValueItem>();
  pick.title = o.title;
  pick.placeholder = `${o.field.name}${o.field.required ? '' : ' (optional)'}${o.field.description ? ` — ${o.field.description}` : ''}${o.complete ? '' : ' (type a value)'}`;
  pick.value = o.value;
  pick.ignoreFocusOut = true;
  pick.matchOnDescription = false;
  pick.buttons = o.canGoBack ? [vscode.QuickInputButtons.Back] : [];
  let completions: readonly string[] = [];
  let asked = 0;
  let timer: NodeJS.Timeout | undefined;
  let settled = false;
  const render = () => {
    pick.items = valueItems(o.field, pick.value, completions);
  };
  const ask = (value: string) => {
    if (!o.complete) return;
    const n = ++asked;
    pick.busy = true;
    o.complete(value).then(
      (values) => {
        if (n !== asked || settled) return;
        completions = values;
        pick.busy = false;
        render();
      },
      () => {
        if (n === asked && !settled) pick.busy = false; // no completions: free text only
      },
    );
  };
  return new Promise((resolve) => {
    const subscriptions: vscode.Disposable[] = [];
    const done = (r: StepResult<string | typeof OMIT>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
      for (const d of subscriptions) d.dispose();
      pick.dispose();
    };
    subscriptions.push(
      pick.onDidTriggerButton((b) => done(b === vscode.QuickInputButtons.Back ? { kind: 'back' } : undefined)),
      pick.onDidHide(() => done(undefined)),
      pick.onDidChangeValue((value) => {
        completions = completions.filter((c) => c.startsWith(value));
        render();
        clearTimeout(timer);
        timer = setTimeout(() => ask(value), COMPLETE_DEBOUNCE_MS);
      }),
      pick.onDidAccept(() => {
        const item = pick.selectedItems[0] ?? pick.activeItems[0];
        if (item) return done({ kind: 'value', value: item.value });
        if (pick.value) return done({ kind: 'value', value: pick.value });
        if (!o.field.required) return done({ kind: 'value', value: OMIT });
        pick.placeholder = `${o.field.name} is required: type a value`;
      }),
    );
    render();
    ask(o.value);
    pick.show();
  });
}

/**
 * Asks for every field, one step each. Resolves the values given (left-out optional ones absent),
 * or undefined when the user pressed Escape. No fields: `{}` at once.
 */
export async function askValues(o: AskValuesOptions): Promise<Record<string, string> | undefined> {
  const values = new Map<string, string>(Object.entries(o.initial ?? {}));
  const total = o.fields.length;
  for (let i = 0; i < total;) {
    const field = o.fields[i];
    const context = () => Object.fromEntries(o.fields.slice(0, i).flatMap((f) => (values.has(f.name) ? [[f.name, values.get(f.name)!]] : [])));
    const complete = o.complete && ((value: string) => o.complete!(field.name, value, context()));
    const r = await valueStep({ title: `${o.title} (${i + 1}/${total})`, field, value: values.get(field.name) ?? '', canGoBack: i > 0, complete });
    if (!r || r.kind === 'json') return undefined;
    if (r.kind === 'back') {
      i = Math.max(0, i - 1);
      continue;
    }
    if (r.value === OMIT) values.delete(field.name);
    else values.set(field.name, r.value);
    i++;
  }
  return Object.fromEntries(o.fields.flatMap((f) => (values.has(f.name) ? [[f.name, values.get(f.name)!]] : [])));
}
