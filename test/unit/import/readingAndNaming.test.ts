// Import: reading every source at once (readImportCandidates): names that clash with existing apps or
// earlier candidates get a suffix, secret values never reach a warning, missing files are skipped and
// unreadable ones reported, Buffers, BOMs and empty files are handled. Plain node.

import * as assert from 'node:assert/strict';

import { applyImport, type ImportSource, readImportCandidates } from '../../../src/import';
import { parseAppDefinitions } from '../../../src/pool/definitions';
import { assertValid, HOME, src } from './importKit';

describe('import: reading and naming', () => {
  const all = [
    src('vscode/mcp.json', 'vscode'),
    src('claude/claude_desktop_config.json', 'claude'),
    src('cursor/mcp.json', 'cursor'),
    src('tasak/tasak.yaml', 'tasak'),
    src('vscode/does-not-exist.json', 'vscode', 'workspace'),
    src('no-such-dir/tasak.yaml', 'tasak', 'workspace'),
  ];

  it('suffixes names that clash with existing apps (ignoring case) or earlier candidates', async () => {
    const { candidates } = await readImportCandidates(all, ['GitHub', ' context7 '], undefined, { home: HOME });
    const naming = candidates.map((c) => [c.name, c.originalName, c.clash]);
    assert.deepEqual(naming, [
      ['github-2', 'github', 'GitHub'],
      ['atlassian', 'atlassian', undefined],
      ['fs', 'fs', undefined],
      ['inferred-remote', 'inferred-remote', undefined],
      ['inferred-stdio', 'inferred-stdio', undefined],
      ['linear', 'linear', undefined],
      ['literal-secret', 'literal-secret', undefined],
      ['gallery', 'gallery', undefined],
      ['filesystem', 'filesystem', undefined],
      ['github-3', 'github', 'GitHub'],
      ['lan', 'lan', undefined],
      ['proxy-js', 'proxy-js', undefined],
      ['context7-2', 'context7', ' context7 '],
      ['sse-server', 'sse-server', undefined],
      ['bun', 'bun', undefined],
      ['pnpm', 'pnpm', undefined],
      ['fs-2', 'fs', 'fs'],
      ['atlassian-2', 'atlassian', 'atlassian'],
      ['local_tools', 'local_tools', undefined],
      ['remote_cfg', 'remote_cfg', undefined],
      ['inline', 'inline', undefined],
    ]);
    assert.ok(candidates.filter((c) => c.clash === undefined).every((c) => !('clash' in c)));
    assertValid(candidates);
    // Together with the existing apps, everything still loads without a duplicate.
    const merged = applyImport({ GitHub: { url: 'https://a.example/mcp' }, ' context7 ': { url: 'https://b.example/mcp' } }, candidates);
    const parsed = parseAppDefinitions(merged);
    assert.deepEqual(parsed.problems, []);
    assert.equal(parsed.specs.length, candidates.length + 2);
  });

  it('never puts a secret value in a warning or problem', async () => {
    const { candidates, problems } = await readImportCandidates(all, [], undefined, { home: HOME });
    const text = JSON.stringify([candidates.map((c) => c.warnings), problems]);
    for (const secret of ['sk-live-123', 'sk-abc', 'ghp_literal', 'ctx7-literal', 'hunter2']) {
      assert.ok(!text.includes(secret), secret);
    }
  });

  it('skips missing files silently and reports unreadable ones', async () => {
    const reads: string[] = [];
    const fake = async (file: string): Promise<string> => {
      reads.push(file);
      const err = Object.assign(new Error(`${file}: nope`), {
        code: file.endsWith('locked.json') ? 'EACCES' : file.endsWith('dir.json') ? 'EISDIR' : 'ENOENT',
      });
      throw err;
    };
    const sources: ImportSource[] = [
      { path: '/x/missing.json', format: 'vscode', scope: 'user' },
      { path: '/x/locked.json', format: 'cursor', scope: 'user' },
      { path: '/x/dir.json', format: 'claude', scope: 'user' },
    ];
    assert.deepEqual(await readImportCandidates(sources, [], fake), {
      candidates: [],
      problems: [
        { source: '/x/locked.json', message: 'cannot be read: permission denied' },
        { source: '/x/dir.json', message: 'cannot be read: it is a directory' },
      ],
    });
    assert.deepEqual(reads, ['/x/missing.json', '/x/locked.json', '/x/dir.json']);
  });

  it('reads Buffers, strips a BOM and treats empty files as empty', async () => {
    const files: Record<string, string | Buffer> = {
      '/x/mcp.json': Buffer.from('\uFEFF{ "servers": { "a": { "command": "node" } } }'),
      '/x/empty.json': '  \n',
      '/x/empty.yaml': '',
    };
    const fake = async (file: string) => files[file];
    const scan = await readImportCandidates(
      [
        { path: '/x/mcp.json', format: 'vscode', scope: 'user' },
        { path: '/x/empty.json', format: 'cursor', scope: 'user' },
        { path: '/x/empty.yaml', format: 'tasak', scope: 'user' },
      ],
      [],
      fake,
    );
    assert.deepEqual(scan.problems, []);
    assert.deepEqual(
      scan.candidates.map((c) => [c.name, c.definition]),
      [['a', { command: 'node' }]],
    );
  });
});
