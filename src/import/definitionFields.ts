// Every string of a definition with the name of its field, for the checks that look at values.

import type { AppDefinition } from './types';

export interface DefinitionField {
  /** e.g. `url`, `args[2]`, `headers.Authorization`, `env.API_KEY`. */
  readonly field: string;
  /** The key inside headers/env, or the index inside args. */
  readonly key?: string;
  readonly group: 'url' | 'command' | 'cwd' | 'args' | 'headers' | 'env';
  readonly value: string;
}

export function definitionFields(def: AppDefinition): DefinitionField[] {
  const out: DefinitionField[] = [];
  if ('url' in def) out.push({ field: 'url', group: 'url', value: def.url });
  if ('command' in def) out.push({ field: 'command', group: 'command', value: def.command });
  if ('cwd' in def && def.cwd !== undefined) out.push({ field: 'cwd', group: 'cwd', value: def.cwd });
  (def.args ?? []).forEach((value, i) => out.push({ field: `args[${i}]`, key: String(i), group: 'args', value }));
  if ('headers' in def) {
    for (const [key, value] of Object.entries(def.headers ?? {})) out.push({ field: `headers.${key}`, key, group: 'headers', value });
  }
  for (const [key, value] of Object.entries(def.env ?? {})) out.push({ field: `env.${key}`, key, group: 'env', value });
  return out;
}
