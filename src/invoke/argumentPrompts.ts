// Asks for a tool's arguments: field by field (one InputBox or QuickPick per property, checked as
// the user types) or all at once as JSON in an editor. Escape anywhere cancels the whole flow.
// Prefills come from the last arguments used for this tool (see ArgumentMemory), then defaults.
import type * as vscode from 'vscode';
import type { ToolInfo } from '../pool';
import type { ArgumentMemory } from './argumentMemory';
import type { JsonArgumentsEditor } from './jsonArgumentsEditor';
import { inputStep, pickStep, type StepResult } from './quickSteps';
import { describeField, formatFieldValue, parseFieldInput, schemaFields, validateArguments, type ArgField } from './schemaArgs';

export interface ArgumentPromptOptions {
  readonly app: string;
  readonly tool: ToolInfo;
  readonly memory: ArgumentMemory;
  /** Opens the arguments as JSON in an editor ("Edit all as JSON"). */
  readonly jsonEditor: JsonArgumentsEditor;
  /** Values to start from instead of the remembered ones (e.g. when re-editing rejected arguments). */
  readonly initial?: Readonly<Record<string, unknown>>;
  /** Skip the first "how do you want to enter them" question and open this mode. */
  readonly mode?: 'fields' | 'json';
}

export interface PromptedArguments {
  readonly args: Record<string, unknown>;
  /** The user already chose to send them although they do not match the schema. */
  readonly skipValidation: boolean;
}

type Mode = 'fields' | 'json' | 'last';
type ModeItem = vscode.QuickPickItem & { readonly mode: Mode };
/** A choice in an enum/boolean step; `omit` leaves the argument out. */
type ValueItem = vscode.QuickPickItem & { readonly omit?: true; readonly value?: unknown };

const OMIT = Symbol('omit');

function compact(value: unknown, max = 160): string {
  const s = JSON.stringify(value) ?? '';
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** How to enter the arguments: one by one, as JSON, or the same as last time. */
async function chooseMode(o: ArgumentPromptOptions, fields: readonly ArgField[], last: Record<string, unknown> | undefined): Promise<Mode | undefined> {
  const required = fields.filter((f) => f.required).map((f) => f.name);
  const items: ModeItem[] = [];
  if (last && Object.keys(last).length && !validateArguments(o.tool.inputSchema, last).length) {
    items.push({ mode: 'last', label: '$(history) Run with the last arguments', detail: compact(last) });
  }
  items.push({
    mode: 'fields',
    label: '$(list-ordered) Fill in the arguments one by one',
    detail: `${fields.length} argument${fields.length === 1 ? '' : 's'}${required.length ? `; required: ${required.join(', ')}` : ', all optional'}`,
  });
  items.push({ mode: 'json', label: '$(json) Edit all arguments as JSON in an editor', detail: 'checked against the tool’s schema as you type' });
  const r = await pickStep({ title: `${o.app} › ${o.tool.name}`, placeholder: o.tool.description?.split('\n')[0], items, canGoBack: false, offerJson: false });
  return r?.kind === 'value' ? r.value.mode : undefined;
}

function choiceItems(field: ArgField, current: unknown): { items: ValueItem[]; active?: ValueItem } {
  const options =
    field.type === 'boolean'
      ? [
          { value: true, label: 'true' },
          { value: false, label: 'false' },
        ]
      : (field.options ?? []).map((o) => ({ value: o.value, label: o.label, description: o.description }));
  const items: ValueItem[] = options.map((o) => {
    const notes = [
      ('description' in o && o.description) || '',
      field.hasDefault && JSON.stringify(field.default) === JSON.stringify(o.value) ? 'default' : '',
    ].filter(Boolean);
    return { value: o.value, label: o.label, description: notes.join(' · ') || undefined };
  });
  if (field.nullable) items.push({ value: null, label: 'null' });
  if (!field.required)
    items.push({ omit: true, label: '$(circle-slash) Leave out', description: field.hasDefault ? 'the server uses its default' : 'optional' });
  const active = current === OMIT ? items.find((i) => i.omit) : items.find((i) => !i.omit && JSON.stringify(i.value) === JSON.stringify(current));
  return { items, active };
}

/** One field's step; the value, OMIT, or the step navigation. */
async function askField(o: ArgumentPromptOptions, field: ArgField, index: number, total: number, current: unknown): Promise<StepResult<unknown>> {
  const label = field.title && field.title !== field.name ? `${field.name} (${field.title})` : field.name;
  const title = `${o.app} › ${o.tool.name} (${index + 1}/${total})`;
  const base = { title, canGoBack: index > 0, offerJson: true };
  if (field.type === 'enum' || field.type === 'boolean') {
    const { items, active } = choiceItems(field, current);
    const r = await pickStep({
      ...base,
      items,
      active,
      placeholder: `${label}${field.required ? '' : ' (optional)'}${field.description ? ` — ${field.description}` : ''}`,
    });
    return r?.kind === 'value' ? { kind: 'value', value: r.value.omit ? OMIT : r.value.value } : r;
  }
  const r = await inputStep({
    ...base,
    prompt: `${label}${field.description ? `: ${field.description}` : ''}`,
    placeholder: describeField(field),
    value: current === OMIT ? '' : formatFieldValue(field, current),
    validate: (text) => {
      const parsed = parseFieldInput(field, text);
      return parsed.ok ? undefined : parsed.message;
    },
  });
  if (r?.kind !== 'value') return r;
  const parsed = parseFieldInput(field, r.value);
  return { kind: 'value', value: !parsed.ok || parsed.omit ? OMIT : parsed.value };
}

function startValue(field: ArgField, initial: Readonly<Record<string, unknown>>): unknown {
  if (initial[field.name] !== undefined) return initial[field.name];
  if (field.hasDefault) return field.default;
  return OMIT;
}

function collect(fields: readonly ArgField[], values: ReadonlyMap<string, unknown>, extra: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const args: Record<string, unknown> = { ...extra };
  for (const f of fields) {
    const v = values.get(f.name);
    if (v !== undefined && v !== OMIT) args[f.name] = v;
  }
  return args;
}

/**
 * Asks for the arguments of `o.tool`. Resolves undefined when the user cancels (Escape, Cancel,
 * closing the JSON editor). Tools without properties need no questions and resolve `{}` at once.
 */
export async function promptForArguments(o: ArgumentPromptOptions): Promise<PromptedArguments | undefined> {
  const fields = schemaFields(o.tool.inputSchema);
  if (!fields.length) return { args: { ...(o.initial ?? {}) }, skipValidation: false };
  const remembered = o.initial ?? o.memory.get(o.app, o.tool.name);
  const known = new Set(fields.map((f) => f.name));
  // Remembered values of arguments the tool no longer has are dropped; given ones are kept.
  const initial = o.initial ?? Object.fromEntries(Object.entries(remembered ?? {}).filter(([k]) => known.has(k)));
  const extra = Object.fromEntries(Object.entries(o.initial ?? {}).filter(([k]) => !known.has(k)));

  let mode: Mode | undefined = o.mode;
  if (!mode) mode = fields.length === 1 && !remembered ? 'fields' : await chooseMode(o, fields, initial);
  if (!mode) return undefined;
  if (mode === 'last') return { args: { ...initial }, skipValidation: false };

  const values = new Map<string, unknown>(fields.map((f) => [f.name, startValue(f, initial)]));
  if (mode === 'fields') {
    for (let i = 0; i < fields.length;) {
      const r = await askField(o, fields[i], i, fields.length, values.get(fields[i].name));
      if (!r) return undefined;
      if (r.kind === 'back') i = Math.max(0, i - 1);
      else if (r.kind === 'json') {
        mode = 'json';
        break;
      } else {
        values.set(fields[i].name, r.value);
        i++;
      }
    }
    if (mode === 'fields') return { args: collect(fields, values, extra), skipValidation: false };
  }
  const edited = await o.jsonEditor.edit({ app: o.app, tool: o.tool, fields, initial: collect(fields, values, extra) });
  return edited && { args: edited.args, skipValidation: edited.skipValidation };
}
