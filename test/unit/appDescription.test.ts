// An app's `description` (mcpPool.apps): parsed into its spec, carried by its snapshot and the
// gateway's status, shown in the row's hover, the app quick pick's detail and `mcp-pool status`;
// changing only the description does not restart the app. A real stdio server for the pool part.
import * as assert from 'node:assert/strict';
import { formatStatus } from '../../src/cli/format';
import type { PoolStatus } from '../../src/contract/protocol';
import { parseAppDefinitions, type Pool } from '../../src/pool';
import { appTooltipMarkdown } from '../../src/views/appTooltip';
import { snapshot } from './appSnapshot';
import { makePool, stdioSpec } from './helpers';

describe('app description', function () {
  this.timeout(30_000);
  let pool: Pool | undefined;
  afterEach(async () => {
    await pool?.shutdown();
    pool?.dispose();
    pool = undefined;
  });

  it('is parsed (trimmed) for stdio and remote apps; a non-string is a warning, not an error', () => {
    const { specs, problems } = parseAppDefinitions({
      notes: { command: 'node', args: ['notes.js'], description: '  Team notes: search and add  ' },
      weather: { url: 'https://weather.example.com/mcp', description: 'Forecasts' },
      odd: { command: 'node', description: 42 },
    });
    assert.deepEqual(
      specs.map((s) => [s.name, s.description]),
      [
        ['notes', 'Team notes: search and add'],
        ['weather', 'Forecasts'],
        ['odd', undefined],
      ],
    );
    assert.deepEqual(problems, [{ app: 'odd', field: 'description', message: 'must be a string (what the app is for); ignored', severity: 'warning' }]);
  });

  it('is in the snapshot; a changed description is adopted without a restart', async () => {
    pool = makePool();
    await pool.configure([stdioSpec('s', {}, { description: 'first' })]);
    const { pid } = await pool.callTool('s', 'echo', { text: 'x' });
    assert.equal(pool.snapshot('s')!.description, 'first');
    const result = await pool.configure([stdioSpec('s', {}, { description: 'second' })]);
    assert.deepEqual(result.changed, []);
    assert.equal(pool.snapshot('s')!.description, 'second');
    assert.equal(pool.snapshot('s')!.pid, pid, 'the same process');
  });

  it('shows in the hover and in mcp-pool status', () => {
    const hover = appTooltipMarkdown(snapshot({ description: 'Issues and pull requests of *our* repos' }), Date.now());
    assert.equal(hover.split('  \n')[1], 'Issues and pull requests of \\*our\\* repos', hover);
    const status: PoolStatus = {
      window: { name: 'w', startedAt: 0 },
      apps: [{ name: 'gh', kind: 'remote', target: 'https://x', description: 'GitHub issues\nand more', status: 'stopped', calls: 0, errors: 0, clients: [] }],
      blocked: [],
    };
    assert.match(formatStatus(status, 1000), /\ngh — GitHub issues$/);
  });
});
