// Setting one app of a TASAK tasak.yaml in place, comments and everything else kept (the `yaml`
// package's document model: js-yaml, which the importer reads with, drops comments when writing).
// The app becomes `type: mcp` with `config:` naming its JSON connection file, and it is listed in
// apps_config.enabled_apps (TASAK offers only the apps listed there; an empty `enabled_apps:` is
// an empty list). The file is written back in its own style where the document model lets us: its
// indentation, whether lists sit under their key or indented, `[a, b]` without padding, long
// strings never folded, CRLF kept. Like tomlEdit, the result is parsed again and must mean exactly
// the old file with that one app set and enabled, or nothing is written.
import { isDeepStrictEqual } from 'node:util';
import { isMap, isScalar, isSeq, parse, parseDocument, type ToStringOptions } from 'yaml';
import { isObject } from '../common/json';

export class YamlEditError extends Error {}

export interface TasakApp {
  /** The display name for a new app (an existing app keeps its own). */
  readonly displayName: string;
  /** Absolute path of the JSON connection file (TASAK's daemon does not expand `~`). */
  readonly config: string;
}

/** TASAK's settings block, which shares the top level with the apps. */
const SETTINGS = 'apps_config';

/** How the file is laid out, as far as `yaml` can write it back that way (its first `key:` blocks say). */
function styleOf(text: string): ToStringOptions {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() && !/^\s*#/.test(l));
  let indent: number | undefined;
  let indentSeq: boolean | undefined;
  for (let i = 1; i < lines.length && (indent === undefined || indentSeq === undefined); i++) {
    // a `key:` line (maybe with a comment) and the first line under it
    const parent = /^( *)[^\s#-][^#]*:\s*(#.*)?$/.exec(lines[i - 1]);
    if (!parent) continue;
    const [, spaces, dash] = /^( *)(- )?/.exec(lines[i]) ?? ['', '', undefined];
    const deeper = spaces.length - parent[1].length;
    if (dash) indentSeq ??= deeper > 0;
    else if (deeper > 0) indent ??= deeper;
  }
  return { indent: indent ?? 2, indentSeq: indentSeq ?? true, flowCollectionPadding: false, lineWidth: 0 };
}

function refuse(e: unknown): never {
  if (e instanceof YamlEditError) throw e;
  throw new YamlEditError(`${SETTINGS}.enabled_apps could not be set (${e instanceof Error ? e.message : String(e)})`);
}

export function setTasakApp(text: string, name: string, app: TasakApp): string {
  if (name === SETTINGS) throw new YamlEditError(`"${SETTINGS}" is TASAK's settings block, not an app: choose another name`);
  const doc = parseDocument(text);
  if (doc.errors.length) {
    const e = doc.errors[0];
    const where = e.linePos ? ` at line ${e.linePos[0].line}, column ${e.linePos[0].col}` : '';
    throw new YamlEditError(`the file is not valid YAML${where}`);
  }
  if (doc.contents !== null && !isMap(doc.contents)) throw new YamlEditError('the file must hold a YAML mapping of apps');
  const before: unknown = doc.toJS() ?? {};
  const existing = doc.get(name, true);
  if (existing !== undefined && !isMap(existing)) throw new YamlEditError(`"${name}" is not a mapping in the file`);
  if (existing) {
    doc.setIn([name, 'type'], 'mcp');
    doc.deleteIn([name, 'meta']);
    doc.setIn([name, 'requires_auth'], false);
    doc.setIn([name, 'config'], app.config);
  } else {
    doc.set(name, doc.createNode({ name: app.displayName, type: 'mcp', requires_auth: false, config: app.config }));
  }
  const settings = doc.get(SETTINGS, true);
  const empty = (node: unknown) => node === undefined || node === null || (isScalar(node) && node.value === null);
  let oldList: unknown[] = [];
  try {
    if (empty(settings)) doc.set(SETTINGS, doc.createNode({ enabled_apps: [name] }));
    else if (!isMap(settings)) throw new YamlEditError(`${SETTINGS} must be a mapping`);
    else {
      const enabled = settings.get('enabled_apps', true);
      if (empty(enabled)) settings.set('enabled_apps', doc.createNode([name]));
      else if (!isSeq(enabled)) throw new YamlEditError(`${SETTINGS}.enabled_apps must be a list of app names`);
      else {
        oldList = enabled.toJSON() as unknown[];
        if (!oldList.some((item) => String(item) === name)) enabled.add(doc.createNode(name));
      }
    }
  } catch (e) {
    refuse(e);
  }
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  let result = doc.toString(styleOf(text));
  if (eol !== '\n') result = result.replace(/\r?\n/g, eol);
  // the new file must mean the old one with this app set and enabled, and nothing else changed
  const newApp: Record<string, unknown> = isObject(before) && isObject(before[name]) ? { ...before[name] } : { name: app.displayName };
  delete newApp.meta;
  Object.assign(newApp, { type: 'mcp', requires_auth: false, config: app.config });
  const oldSettings = isObject(before) && isObject(before[SETTINGS]) ? before[SETTINGS] : {};
  const expected = {
    ...(isObject(before) ? before : {}),
    [name]: newApp,
    [SETTINGS]: { ...oldSettings, enabled_apps: oldList.some((item) => String(item) === name) ? oldList : [...oldList, name] },
  };
  let after: unknown;
  try {
    after = parse(result);
  } catch {
    after = undefined;
  }
  if (!isDeepStrictEqual(after, expected)) throw new YamlEditError(`the app "${name}" could not be set without changing anything else`);
  return result;
}
