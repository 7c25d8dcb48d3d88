// The new value of `mcpPool.apps` once the chosen candidates are added. Pure: writing it is the
// editor layer's job.

import type { ImportCandidate } from './types';

/**
 * Returns a new settings object: the current apps unchanged and in order, then each chosen
 * candidate under its proposed name. Never overwrites an app: a name already present (ignoring
 * case and surrounding spaces, as the validator compares them) throws, so the caller can scan again.
 */
export function applyImport(currentApps: Record<string, unknown>, chosen: readonly ImportCandidate[]): Record<string, unknown> {
  const next: Record<string, unknown> = { ...currentApps };
  const used = new Set(Object.keys(currentApps).map((n) => n.trim().toLowerCase()));
  for (const c of chosen) {
    const key = c.name.trim().toLowerCase();
    if (!key) throw new Error(`cannot import an app with an empty name (from ${c.source.path})`);
    if (used.has(key)) throw new Error(`an app named "${c.name}" already exists; scan the sources again`);
    used.add(key);
    next[c.name] = structuredClone(c.definition);
  }
  return next;
}
