// Readers for the loosely typed fields of source files. Each throws EntryError naming the field,
// so one malformed entry is reported and the rest of the file still imports.

import { isObject } from '../common/json';
import { EntryError, type ServerEntry, type SourceEntry } from './types';

export type Json = Record<string, unknown>;

/** A required non-empty string. */
export function readString(value: unknown, field: string): string {
  if (typeof value !== 'string' || !value.trim()) throw new EntryError(`"${field}" must be a non-empty string`);
  return value;
}

/** An optional string; undefined when absent. */
export function readOptionalString(value: unknown, field: string): string | undefined {
  return value === undefined || value === null ? undefined : readString(value, field);
}

/** An optional array of strings (numbers are accepted and written as strings). */
export function readStringArray(value: unknown, field: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new EntryError(`"${field}" must be an array of strings`);
  return value.map((item, i) => {
    if (typeof item === 'string') return item;
    if (typeof item === 'number' && Number.isFinite(item)) return String(item);
    throw new EntryError(`"${field}[${i}]" must be a string`);
  });
}

/**
 * An optional name → string map (env, headers). Numbers and booleans become strings; null values
 * mean "unset" in some clients and are left out with a warning.
 */
export function readStringMap(value: unknown, field: string, warnings: string[]): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) throw new EntryError(`"${field}" must be an object of string values`);
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(value)) {
    if (typeof v === 'string') out[key] = v;
    else if ((typeof v === 'number' && Number.isFinite(v)) || typeof v === 'boolean') out[key] = String(v);
    else if (v === null) warnings.push(`${field}.${key} is null; it is left out`);
    else throw new EntryError(`"${field}.${key}" must be a string`);
  }
  return out;
}

/** Warns about fields the importer does not carry over, so nothing disappears silently. */
export function warnUnknownKeys(obj: Json, known: readonly string[], warnings: string[], prefix = '', where = ''): void {
  for (const key of Object.keys(obj)) {
    if (!known.includes(key)) warnings.push(`field "${prefix}${key}"${where ? ` of ${where}` : ''} is not imported`);
  }
}

/** Runs fn; an EntryError becomes the entry's problem. */
export function guard<T>(fn: () => T): { value: T } | { problem: string } {
  try {
    return { value: fn() };
  } catch (err) {
    if (err instanceof EntryError) return { problem: err.message };
    throw err;
  }
}

/** One named server of a `servers`/`mcpServers` map: parsed by `parse`, or its problem. */
export function serverEntry(name: string, def: unknown, parse: (def: unknown, warnings: string[]) => ServerEntry): SourceEntry {
  const label = `server "${name}"`;
  const warnings: string[] = [];
  const result = guard(() => parse(def, warnings));
  return 'problem' in result ? { name, label, problem: result.problem, warnings } : { name, label, server: result.value, warnings };
}
