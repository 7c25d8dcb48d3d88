// A per-app idleTimeout below a second: rounded to whole milliseconds, 0.0004 s became 0, which
// means "never" (the app stayed up forever). A positive value below the floor (1 s) is raised to
// it with a warning naming the app and the field; 0 still means never. Real pool, real server.
import * as assert from 'node:assert/strict';
import { parseAppDefinitions, type Pool } from '../../../src/pool';
import { makePool, stdioSpec } from '../helpers';
import { expectNoDescendants, printFigures } from '../faults/faultKit';
import { waitUntil } from '../../fixtures/processTable';

const figures: Record<string, unknown> = {};

describe('attacks: a per-app idleTimeout below a second', function () {
  this.timeout(30_000);
  let pool: Pool | undefined;
  afterEach(async () => {
    await pool?.shutdown();
    pool?.dispose();
    pool = undefined;
    await expectNoDescendants(5000);
  });
  after(() => printFigures('idle floor', figures));

  it('0.0004 s is raised to 1 s with a warning and the idle app is stopped; 0 keeps it running', async () => {
    const base = stdioSpec('tiny');
    const { specs, problems } = parseAppDefinitions({
      tiny: { command: base.command, args: base.args, idleTimeout: 0.0004 },
      half: { command: base.command, args: [...base.args, '--name=half'], idleTimeout: 0.5 },
      never: { command: base.command, args: [...base.args, '--name=never'], idleTimeout: 0 },
    });
    assert.deepEqual(
      problems.map((p) => [p.app, p.field, p.severity, p.message]),
      [
        ['tiny', 'idleTimeout', 'warning', '0.0004 s is below the shortest idle timeout (1 s); using 1 s (0 keeps the app running)'],
        ['half', 'idleTimeout', 'warning', '0.5 s is below the shortest idle timeout (1 s); using 1 s (0 keeps the app running)'],
      ],
    );
    assert.deepEqual(
      specs.map((s) => s.idleTimeoutMs),
      [1000, 1000, 0],
    );
    pool = makePool({ sweepIntervalMs: 200 });
    await pool.configure(specs);
    await Promise.all(specs.map((s) => pool!.callTool(s.name, 'echo', { text: 'x' })));
    const t0 = Date.now();
    await waitUntil(() => pool!.snapshot('tiny')!.status === 'stopped' && pool!.snapshot('half')!.status === 'stopped', 8000, 'the idle apps stopped');
    figures.stopped_after_ms = Date.now() - t0;
    assert.ok(Date.now() - t0 >= 800, 'not before the 1 s floor');
    assert.notEqual(pool.snapshot('never')!.status, 'stopped', '0 keeps the app running');
  });
});
