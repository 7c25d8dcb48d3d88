// Runs the test files it is given, and only those: `npm run test:one -- test/unit/redact.test.ts`.
//
// `npx mocha <file>` runs every unit test, because .mocharc.json's `spec` adds them all. This builds
// once (node esbuild.mjs: the tests run from out/), maps each test/….ts to its out/test/….js, and runs
// mocha with --no-config on exactly those files. Unit tests get the run guard (out/test/unit/runGuard.js,
// as in npm test) and .mocharc.json's timeout; test/demo files get test:start's timeout. No shell.
//
//   node scripts/testOne.mjs [--no-build] FILE.ts… [mocha options, e.g. --grep TEXT, --reporter json]
//
// --no-build runs what out/ already holds (the build deletes and rewrites out/test, so a test that
// runs this script from inside a test run passes it). Exit code: mocha's; 2 for a wrong command line.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MOCHA = path.join(ROOT, 'node_modules', 'mocha', 'bin', 'mocha.js');
const RUN_GUARD = path.join(ROOT, 'out', 'test', 'unit', 'runGuard.js');
const USAGE = 'usage: npm run test:one -- [--no-build] test/unit/NAME.test.ts… [mocha options]';

function fail(message) {
  console.error(`test:one: ${message}\n${USAGE}`);
  process.exit(2);
}

/** test/….ts (relative to where npm was run, or absolute) → its built out/test/….js, relative to the repository. */
function builtFile(arg) {
  const abs = path.resolve(process.env.INIT_CWD ?? process.cwd(), arg);
  const rel = path.relative(ROOT, abs).split(path.sep).join('/');
  if (/^out\/test\/.+\.js$/.test(rel)) return { source: rel, out: rel };
  if (!/^test\/.+\.ts$/.test(rel) || rel.endsWith('.d.ts')) fail(`${arg} is not a test file under test/ (a .ts file)`);
  if (rel.startsWith('test/editor/')) fail(`${arg} is an editor test: it runs inside VS Code (npm run test:editor:newest -- --grep TEXT)`);
  if (!existsSync(abs)) fail(`${arg}: no such file`);
  return { source: rel, out: `out/${rel.slice(0, -'.ts'.length)}.js` };
}

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  console.log(USAGE);
  process.exit(0);
}
const build = !args.includes('--no-build');
const files = [];
const mochaArgs = [];
for (const arg of args) {
  if (arg === '--no-build') continue;
  if (!arg.startsWith('-') && /\.(ts|js)$/.test(arg)) files.push(builtFile(arg));
  else mochaArgs.push(arg);
}
if (files.length === 0) fail('no test file given');

if (build) {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'esbuild.mjs')], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
for (const f of files) if (!existsSync(path.join(ROOT, f.out))) fail(`${f.out} (built from ${f.source}) does not exist: build first (leave out --no-build)`);

const unit = files.some((f) => f.out.startsWith('out/test/unit/'));
const defaults = unit ? ['--require', RUN_GUARD, '--timeout', '30000', '--slow', '2000'] : ['--timeout', '120000'];
const r = spawnSync(process.execPath, [MOCHA, '--no-config', ...defaults, '--enable-source-maps', ...mochaArgs, ...files.map((f) => f.out)], {
  cwd: ROOT,
  stdio: 'inherit',
});
process.exit(r.status ?? 1);
