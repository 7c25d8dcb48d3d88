// npm run package: mcp-remote-pool.vsix (vsce runs the production build first: vscode:prepublish).
//
// VS Code's extension page (and the Marketplace) shows a README's images only from https URLs: a
// relative link (`media/screenshot-….png`) shows its alt text there. vsce turns relative links into
// the repository's URLs when package.json names a `repository`; until it does, the images are
// packaged as they are and this says what that means. Options after `--` go to vsce.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const repository = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url;

const run = (command, args) => {
  const r = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

const vsce = join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
const args = ['package', '--no-dependencies', '-o', 'mcp-remote-pool.vsix', ...process.argv.slice(2)];
if (!repository) {
  args.push('--no-rewrite-relative-links', '--allow-missing-repository');
  console.log(
    "package.json names no repository: the README's images are packaged with relative links, which VS Code's " +
      'extension page does not show (only https images). Name the repository where README.md and media/ are ' +
      'published (`"repository": {"type": "git", "url": "https://github.com/…"}`) and they link there.',
  );
}
run(process.execPath, [vsce, ...args]);
