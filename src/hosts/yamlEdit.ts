// Setting one app of a TASAK tasak.yaml in place, comments and everything else kept (the `yaml`
// package's document model: js-yaml, which the importer reads with, drops comments when writing).
// The app becomes `type: mcp` with `config:` naming its JSON connection file, and it is listed in
// apps_config.enabled_apps (TASAK offers only the apps listed there).
import { isMap, isSeq, parseDocument } from 'yaml';

export class YamlEditError extends Error {}

export interface TasakApp {
  /** The display name for a new app (an existing app keeps its own). */
  readonly displayName: string;
  /** Absolute path of the JSON connection file (TASAK's daemon does not expand `~`). */
  readonly config: string;
}

export function setTasakApp(text: string, name: string, app: TasakApp): string {
  const doc = parseDocument(text);
  if (doc.errors.length) {
    const e = doc.errors[0];
    const where = e.linePos ? ` at line ${e.linePos[0].line}, column ${e.linePos[0].col}` : '';
    throw new YamlEditError(`the file is not valid YAML${where}`);
  }
  if (doc.contents !== null && !isMap(doc.contents)) throw new YamlEditError('the file must hold a YAML mapping of apps');
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
  const enabled = doc.getIn(['apps_config', 'enabled_apps'], true);
  if (enabled === undefined || enabled === null) doc.setIn(['apps_config', 'enabled_apps'], doc.createNode([name]));
  else if (!isSeq(enabled)) throw new YamlEditError('apps_config.enabled_apps must be a list of app names');
  else if (!enabled.items.some((item) => String((item as { value?: unknown }).value ?? item) === name)) enabled.add(doc.createNode(name));
  return doc.toString();
}
