// What the .vsix ships, as vsce itself lists it (offline): every media file is used by README.md
// or package.json, every image README.md shows is shipped, and package.json carries no
// placeholder URL (a reserved example/invalid domain, as `repository` once had).
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../fixtures/paths';

const VSCE = join(REPO_ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');

/** The files `vsce package` would put in the .vsix (`vsce ls`, no dependency scan: the bundles are self-contained). */
function shippedFiles(): string[] {
  const r = spawnSync(process.execPath, [VSCE, 'ls', '--no-dependencies'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, `vsce ls failed: ${r.stderr}`);
  return r.stdout
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}

/** Every string value anywhere in a JSON document. */
function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (value && typeof value === 'object') return Object.values(value).flatMap(stringsIn);
  return [];
}

/** Hosts reserved for examples and tests (RFC 2606, RFC 6761): a URL there is a placeholder. */
function isPlaceholderHost(host: string): boolean {
  return /(^|\.)(example|invalid|test|localhost)$/.test(host) || /(^|\.)example\.(com|net|org)$/.test(host) || host === '';
}

describe('packaging (vsce ls)', function () {
  this.timeout(60_000);
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');

  it('ships only media that README.md or package.json uses, and every image README.md shows', () => {
    const shipped = shippedFiles();
    assert.ok(shipped.includes('dist/extension.js') && shipped.includes('README.md'), `unexpected listing: ${shipped.join(', ')}`);
    const media = shipped.filter((f) => f.startsWith('media/'));
    const inReadme = new Set([...readme.matchAll(/\]\((media\/[^)\s]+)\)|src="(media\/[^"]+)"/g)].map((m) => m[1] ?? m[2]));
    const inManifest = new Set(stringsIn(pkg).filter((s) => s.startsWith('media/')));
    assert.ok(inManifest.has(pkg.icon as string), 'the icon is a media file');
    const unused = media.filter((f) => !inReadme.has(f) && !inManifest.has(f));
    assert.deepEqual(unused, [], 'shipped but used by neither README.md nor package.json');
    const missing = [...inReadme, ...inManifest].filter((f) => !shipped.includes(f));
    assert.deepEqual(missing, [], 'used but not shipped');
  });

  it('package.json has no placeholder URL; repository, bugs and homepage are real https URLs if present', () => {
    const urls = stringsIn(pkg).flatMap((s) => [...s.matchAll(/\bhttps?:\/\/[^\s"'`)<>\]]+/g)].map((m) => m[0]));
    assert.ok(urls.length > 0, 'the settings descriptions hold example URLs: the scan sees them');
    const placeholders = urls.filter((u) => isPlaceholderHost(new URL(u).hostname));
    assert.deepEqual(placeholders, []);
    const repository = pkg.repository as string | { url?: string } | undefined;
    const bugs = pkg.bugs as string | { url?: string } | undefined;
    for (const [field, value] of [
      ['repository', repository],
      ['bugs', bugs],
      ['homepage', pkg.homepage as string | undefined],
    ] as const) {
      if (value === undefined) continue;
      const url = typeof value === 'string' ? value : value.url;
      assert.match(url ?? '', /^(git\+)?https:\/\//, `${field} is an https URL`);
    }
  });
});
