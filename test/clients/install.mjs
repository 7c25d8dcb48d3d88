// Installs the MCP hosts whose own CLIs read what "Use the Pool in…" writes (test/clients/versions.json)
// into .cache/host-clients, once: Claude Code and the Codex CLI ship native binaries in their npm
// packages (about 650 MB together), so they are not devDependencies every checkout pays for.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');
const dir = join(root, '.cache', 'host-clients');
const versions = Object.fromEntries(Object.entries(JSON.parse(readFileSync(join(import.meta.dirname, 'versions.json'), 'utf8'))).filter(([k]) => k !== '//'));
const installed = (name) => {
  try {
    return JSON.parse(readFileSync(join(dir, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return undefined;
  }
};
const missing = Object.entries(versions).filter(([name, version]) => installed(name) !== version);
if (!missing.length) {
  console.log(
    `host clients: ${Object.entries(versions)
      .map(([n, v]) => `${n}@${v}`)
      .join(', ')} in ${dir}`,
  );
} else {
  mkdirSync(dir, { recursive: true });
  if (!existsSync(join(dir, 'package.json'))) writeFileSync(join(dir, 'package.json'), '{ "private": true }\n');
  const specs = Object.entries(versions).map(([n, v]) => `${n}@${v}`);
  console.log(`host clients: installing ${specs.join(', ')} into ${dir}`);
  const t0 = Date.now();
  execFileSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', dir, ...specs], {
    stdio: 'inherit',
  });
  console.log(`host clients: installed in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}
