// Shared by the import tests (test/unit/import/*.test.ts): where the sample config files live, an
// ImportSource for one of them, the warning texts the parsers attach to placeholders and clear-text
// secrets, and the check that every candidate loads in the pool exactly as proposed.

import * as assert from 'node:assert/strict';
import * as path from 'node:path';

import type { ImportCandidate, ImportFormat, ImportScope, ImportSource } from '../../../src/import';
import { parseAppDefinitions } from '../../../src/pool/definitions';
import { REPO_ROOT } from '../../fixtures/paths';

// The bundles run from out/test/unit/import; the fixtures stay in the source tree.
export const F = path.join(REPO_ROOT, 'test/fixtures/import');
export const HOME = path.join(F, 'tasak-home');

export function src(rel: string, format: ImportFormat, scope: ImportScope = 'user'): ImportSource {
  return { path: path.join(F, rel), format, scope };
}

export const INPUT = 'a VS Code input prompt, kept as written and not resolved; store the value with MCP Pool: Store Secret and use ${secret:name}';
export const ENV =
  'an environment variable, kept as written and not resolved; if it holds a secret, store the value with MCP Pool: Store Secret and use ${secret:name}';
export const BARE_ENV =
  "an environment variable in the source tool's syntax, kept as written and not resolved; if it holds a secret, store the value with MCP Pool: Store Secret and use ${secret:name}";
export const EDITOR_VAR = 'an editor variable, kept as written and not resolved; replace it with a concrete value if MCP Pool does not expand it';
export const CLEAR = 'looks like a secret written in clear text; store it with MCP Pool: Store Secret and use ${secret:name} instead';

/** Every candidate definition must load in the pool exactly as proposed. */
export function assertValid(candidates: readonly ImportCandidate[]): void {
  for (const c of candidates) {
    const { specs, problems } = parseAppDefinitions({ [c.name]: c.definition });
    // (valid: no errors; a warning, such as a key in an mcp-remote URL, keeps the app)
    assert.deepEqual(
      problems.filter((p) => p.severity === 'error'),
      [],
      `${c.name} from ${c.source.path}`,
    );
    assert.equal(specs.length, 1);
    assert.equal(specs[0].kind, c.kind);
  }
}
