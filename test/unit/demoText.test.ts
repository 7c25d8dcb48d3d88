// The demo's words match the demo: `npm start --help` (start.mjs's header) and the demo workspace's
// README name as many apps as start.mjs writes into mcpPool.apps, and each of them.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');
const START = join(ROOT, 'test', 'demo', 'start.mjs');
const README = join(ROOT, 'test', 'demo', 'workspace', 'README.md');
const WORDS = ['no', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];

/** The keys of the `'mcpPool.apps': { … }` object literal in start.mjs. */
function demoApps(source: string): string[] {
  const at = source.indexOf("'mcpPool.apps': {");
  assert.ok(at >= 0, "start.mjs writes 'mcpPool.apps'");
  const names: string[] = [];
  let depth = 0;
  for (let i = source.indexOf('{', at); i < source.length; i++) {
    const c = source[i];
    if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      if (--depth === 0) break;
    } else if (depth === 1 && c === "'") {
      const end = source.indexOf("'", i + 1);
      if (/^\s*:/.test(source.slice(end + 1))) names.push(source.slice(i + 1, end));
      i = end;
    }
  }
  return names;
}

const flat = (text: string) => text.replace(/\s+/g, ' ');

describe('demo: its help and README count its apps', () => {
  const apps = demoApps(readFileSync(START, 'utf8'));
  const n = WORDS[apps.length];

  it('start.mjs --help says how many apps and names each', () => {
    assert.ok(apps.length >= 1, JSON.stringify(apps));
    const run = spawnSync(process.execPath, [START, '--help'], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(run.status, 0, run.stderr);
    assert.match(flat(run.stdout), new RegExp(`whose ${n} MCP apps`), run.stdout);
    for (const app of apps) assert.match(run.stdout, new RegExp(`^  ${app} `, 'm'), `--help names ${app}`);
    assert.doesNotMatch(flat(run.stdout), new RegExp(`\\b(?!${n}\\b)(?:one|two|three|four|five|six) (?:MCP )?apps\\b`));
  });

  it('the workspace README says how many apps, names each and counts them on the status bar', () => {
    const readme = flat(readFileSync(README, 'utf8'));
    assert.match(readme, new RegExp(`defines ${n} MCP apps`));
    for (const app of apps) assert.ok(readme.includes(`\`${app}\``), `the README names ${app}`);
    assert.match(readme, new RegExp(`\`MCP 1/${apps.length}\``));
    assert.doesNotMatch(readme, new RegExp(`\\b(?!${n}\\b)(?:one|two|three|four|five|six) (?:MCP )?apps\\b`));
  });
});
