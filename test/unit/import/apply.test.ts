// Import: applying the chosen candidates to the current apps (applyImport): appended in order, inputs
// untouched, and never overwriting an app (names compared as the validator does). Plain node.

import * as assert from 'node:assert/strict';

import { applyImport, type ImportCandidate, type ImportSource } from '../../../src/import';

describe('import: applyImport', () => {
  const source: ImportSource = { path: '/x/mcp.json', format: 'vscode', scope: 'user' };
  const candidate = (name: string, definition: ImportCandidate['definition']): ImportCandidate => ({
    name,
    originalName: name,
    kind: 'url' in definition ? 'remote' : 'stdio',
    source,
    definition,
    warnings: [],
  });

  it('appends the chosen candidates after the current apps without touching its inputs', () => {
    const current = { existing: { command: 'node', args: ['a.js'] } };
    const snapshot = structuredClone(current);
    const chosen = [candidate('one', { url: 'https://one.example/mcp', headers: { A: 'b' } }), candidate('two', { command: 'python' })];
    const next = applyImport(current, chosen);
    assert.deepEqual(next, {
      existing: { command: 'node', args: ['a.js'] },
      one: { url: 'https://one.example/mcp', headers: { A: 'b' } },
      two: { command: 'python' },
    });
    assert.deepEqual(Object.keys(next), ['existing', 'one', 'two']);
    assert.deepEqual(current, snapshot);
    assert.notEqual(next.one, chosen[0].definition);
    (next.one as { headers: Record<string, string> }).headers.A = 'changed';
    assert.equal((chosen[0].definition as { headers: Record<string, string> }).headers.A, 'b');
    assert.deepEqual(applyImport(current, []), current);
  });

  it('refuses to overwrite an app, ignoring case and spaces as the validator does', () => {
    assert.throws(() => applyImport({ ' GitHub': {} }, [candidate('github', { command: 'x' })]), /an app named "github" already exists/);
    assert.throws(() => applyImport({}, [candidate('a', { command: 'x' }), candidate('A', { command: 'y' })]), /an app named "A" already exists/);
  });
});
