// Every relative link in README.md, CONTRIBUTING.md, CHANGELOG.md and docs/*.md resolves: to a file
// that exists, and a `#anchor` to a heading of that file (as GitHub names headings). Links inside
// code (fenced blocks, `inline code`) are not links. A self-check proves a broken link is caught.
import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { REPO_ROOT } from '../fixtures/paths';

/** The Markdown pages whose links must resolve. */
function pages(root: string): string[] {
  const top = ['README.md', 'CONTRIBUTING.md', 'CHANGELOG.md'].map((f) => join(root, f)).filter((f) => existsSync(f));
  const docs = join(root, 'docs');
  const inDocs = existsSync(docs)
    ? readdirSync(docs)
        .filter((f) => f.endsWith('.md'))
        .map((f) => join(docs, f))
    : [];
  return [...top, ...inDocs];
}

/** The text outside fenced code blocks, with inline code spans blanked. */
function prose(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').replace(/`[^`\n]*`/g, '``');
}

/** The anchors GitHub gives a page's headings (github-slugger: lower case, punctuation dropped, spaces to hyphens, repeats numbered). */
export function anchorsOf(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  const outsideCode = markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
  for (const m of outsideCode.matchAll(/^#{1,6}[ \t]+(.+?)[ \t#]*$/gm)) {
    const text = m[1]
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/`/g, '')
      .replace(/<[^>]+>/g, '');
    const base = text
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, '')
      .replace(/ /g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

/** Every relative link of the pages under root that does not resolve, as `page: target (why)`. */
export function brokenLinks(root: string): string[] {
  const broken: string[] = [];
  for (const page of pages(root)) {
    const text = readFileSync(page, 'utf8');
    const name = relative(root, page);
    for (const m of prose(text).matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)|\bsrc="([^"]+)"|^\[[^\]]+\]:\s*(\S+)/gm)) {
      const target = m[1] ?? m[2] ?? m[3];
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:, …
      const hash = target.indexOf('#');
      const path = decodeURI(hash === -1 ? target : target.slice(0, hash));
      const anchor = hash === -1 ? undefined : decodeURIComponent(target.slice(hash + 1));
      const file = path === '' ? page : resolve(dirname(page), path);
      if (!existsSync(file)) {
        broken.push(`${name}: ${target} (no such file)`);
        continue;
      }
      if (anchor === undefined) continue;
      if (statSync(file).isDirectory() || !file.endsWith('.md')) {
        broken.push(`${name}: ${target} (an anchor into a file that is not Markdown)`);
        continue;
      }
      if (!anchorsOf(readFileSync(file, 'utf8')).has(anchor)) broken.push(`${name}: ${target} (no heading #${anchor} in ${relative(root, file)})`);
    }
  }
  return broken;
}

describe('documentation links', () => {
  it('README.md, CONTRIBUTING.md, CHANGELOG.md and docs/*.md: every relative link resolves, anchors too', () => {
    const names = pages(REPO_ROOT).map((p) => relative(REPO_ROOT, p));
    for (const page of ['README.md', 'CONTRIBUTING.md', 'CHANGELOG.md']) assert.ok(names.includes(page), `${page} exists`);
    assert.ok(
      names.some((n) => n.startsWith('docs')),
      'docs/ has pages',
    );
    assert.deepEqual(brokenLinks(REPO_ROOT), []);
  });

  it('names GitHub anchors as GitHub does: code, punctuation and repeats', () => {
    const anchors = anchorsOf(
      '# Title\n## `mcp-pool stdio`: any client\n## Signing in, directly\n## Other processes (the discovery folder)\n## Notes\n## Notes\n```\n# not a heading\n```\n',
    );
    assert.deepEqual([...anchors], ['title', 'mcp-pool-stdio-any-client', 'signing-in-directly', 'other-processes-the-discovery-folder', 'notes', 'notes-1']);
  });

  it('catches a missing file, a missing heading and a link into a missing page, and ignores links in code and URLs', () => {
    const root = mkdtempSync(join(tmpdir(), 'docs-links-'));
    try {
      writeFileSync(
        join(root, 'README.md'),
        [
          '# Readme',
          '## Usage',
          '[ok](#usage) [ok too](CHANGELOG.md#unreleased) [web](https://example.com/x.md) `[code](nowhere.md)`',
          '[gone](docs/gone.md) [no heading](#nowhere) ![no image](media/none.png) [no anchor there](CHANGELOG.md#nope)',
          '```',
          '[in a block](missing.md)',
          '```',
        ].join('\n'),
      );
      writeFileSync(join(root, 'CHANGELOG.md'), '# Changelog\n## [Unreleased]\n');
      assert.deepEqual(brokenLinks(root), [
        'README.md: docs/gone.md (no such file)',
        'README.md: #nowhere (no heading #nowhere in README.md)',
        'README.md: media/none.png (no such file)',
        'README.md: CHANGELOG.md#nope (no heading #nope in CHANGELOG.md)',
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
