// What the .vsix ships, as vsce itself lists it (offline): every media file is used by README.md
// or package.json, every image README.md shows is shipped, and package.json carries no
// placeholder URL (a reserved example/invalid domain, as `repository` once had).
import * as assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as yauzl from 'yauzl';
import { REPO_ROOT } from '../fixtures/paths';
import { tempDir } from './tempDirs';

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

const execFileAsync = promisify(execFile);

/** One file's text from a .vsix (a zip). */
function readFromZip(zip: string, name: string): Promise<string> {
  return new Promise((resolve, reject) => {
    yauzl.open(zip, { lazyEntries: true }, (err, file) => {
      if (err || !file) return reject(err ?? new Error('no zip'));
      file.on('entry', (entry: yauzl.Entry) => {
        if (entry.fileName !== name) return file.readEntry();
        file.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e ?? new Error('no stream'));
          stream.on('error', reject);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            file.close();
            resolve(Buffer.concat(chunks).toString('utf8'));
          });
        });
      });
      file.on('end', () => reject(new Error(`${name} is not in ${zip}`)));
      file.readEntry();
    });
  });
}

/**
 * `npm run package` (scripts/package.mjs, without vsce's prepublish build) on a copy of what ships, with
 * package.json's `repository` set to `repository` (or removed): its output and the packaged README.
 */
async function packageCopy(repository: string | undefined): Promise<{ said: string; readme: string }> {
  const dir = tempDir('mcp-pool-package-');
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
  delete pkg.repository;
  delete (pkg.scripts as Record<string, string>)['vscode:prepublish']; // (the build: what ships is copied built)
  if (repository) pkg.repository = { type: 'git', url: repository };
  writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg, null, 2));
  for (const f of ['README.md', 'LICENSE', '.vscodeignore']) copyFileSync(join(REPO_ROOT, f), join(dir, f));
  cpSync(join(REPO_ROOT, 'media'), join(dir, 'media'), { recursive: true });
  cpSync(join(REPO_ROOT, 'dist'), join(dir, 'dist'), { recursive: true });
  mkdirSync(join(dir, 'scripts'));
  copyFileSync(join(REPO_ROOT, 'scripts', 'package.mjs'), join(dir, 'scripts', 'package.mjs'));
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  // (not spawnSync: the test's own timeout must be able to fire while vsce runs)
  const r = await execFileAsync(process.execPath, [join(dir, 'scripts', 'package.mjs')], { cwd: dir, encoding: 'utf8', timeout: 90_000 }).catch(
    (e: Error & { stdout?: string; stderr?: string }) => assert.fail(`packaging failed: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`),
  );
  return { said: r.stdout + r.stderr, readme: await readFromZip(join(dir, 'mcp-remote-pool.vsix'), 'extension/readme.md') }; // (vsce stores it in lower case)
}

/** The images a README shows (Markdown and <img>). */
const imagesIn = (md: string): string[] => [...md.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)|<img[^>]+src="([^"]+)"/g)].map((m) => m[1] ?? m[2]);

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

  // VS Code's extension page shows a README's images only from https URLs (its content security
  // policy and sanitizer): relative links show their alt text there.
  it("npm run package: with a repository named, the packaged README's images are https URLs into it; without, it says the images will not show", async function () {
    this.timeout(180_000); // two packagings on a loaded 2-core box
    const repo = 'https://github.com/mcp-pool-tests/readme-images';
    const named = await packageCopy(repo);
    const images = imagesIn(named.readme);
    assert.ok(images.length >= 5, `${images.length} images in the packaged README`);
    for (const src of images) assert.match(src, new RegExp(`^${repo}/raw/HEAD/media/[\\w.-]+\\.(png|svg)$`), src);
    assert.deepEqual(
      images.map((src) => src.slice(`${repo}/raw/HEAD/`.length)),
      imagesIn(readme),
      'the same images, in the same order, as README.md shows',
    );
    assert.doesNotMatch(named.said, /names no repository/);

    const unnamed = await packageCopy(undefined);
    assert.match(unnamed.said, /package\.json names no repository: the README's images .* does not show \(only https images\)/);
    assert.deepEqual(imagesIn(unnamed.readme), imagesIn(readme), 'packaged as they are');
  });
});
