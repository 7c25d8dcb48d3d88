// Placeholders such as ${input:token}, ${env:HOME}, ${workspaceFolder} or ${TOKEN} are kept exactly
// as written (the importer never resolves anything); the user is told where each one is.

import { definitionFields } from './definitionFields';
import type { AppDefinition } from './types';

const PLACEHOLDER = /\$\{([^}]*)\}/g;
const SECRET_HINT = 'store the value with MCP Pool: Store Secret and use ${secret:name}';

/** Warnings for every placeholder in the definition, one per field and placeholder. */
export function placeholderWarnings(def: AppDefinition): string[] {
  const warnings: string[] = [];
  for (const { field, value } of definitionFields(def)) {
    const seen = new Set<string>();
    for (const m of value.matchAll(PLACEHOLDER)) {
      if (seen.has(m[0])) continue;
      seen.add(m[0]);
      const advice = adviceFor(m[1]);
      if (advice) warnings.push(`${field} references ${m[0]}: ${advice}`);
    }
  }
  return warnings;
}

function adviceFor(inner: string): string | undefined {
  const colon = inner.indexOf(':');
  const kind = colon < 0 ? '' : inner.slice(0, colon);
  if (kind === 'secret') return undefined; // already our own syntax
  if (kind === 'input') return `a VS Code input prompt, kept as written and not resolved; ${SECRET_HINT}`;
  if (kind === 'env') return `an environment variable, kept as written and not resolved; if it holds a secret, ${SECRET_HINT}`;
  if (colon < 0 && /^[A-Za-z_][A-Za-z0-9_]*$/.test(inner) && !EDITOR_VARIABLES.has(inner)) {
    return `an environment variable in the source tool's syntax, kept as written and not resolved; if it holds a secret, ${SECRET_HINT}`;
  }
  return 'an editor variable, kept as written and not resolved; replace it with a concrete value if MCP Pool does not expand it';
}

/** VS Code's predefined variables that have no prefix. */
const EDITOR_VARIABLES = new Set([
  'workspaceFolder',
  'workspaceFolderBasename',
  'workspaceRoot',
  'userHome',
  'file',
  'fileBasename',
  'fileDirname',
  'fileExtname',
  'fileBasenameNoExtension',
  'fileWorkspaceFolder',
  'relativeFile',
  'relativeFileDirname',
  'cwd',
  'execPath',
  'pathSeparator',
  '/',
  'lineNumber',
  'selectedText',
  'defaultBuildTask',
]);
