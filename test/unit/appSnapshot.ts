// A made-up AppSnapshot for tests of the views' pure parts (no process behind it).
import type { AppSnapshot } from '../../src/pool';

export function snapshot(patch: Partial<AppSnapshot> = {}): AppSnapshot {
  return {
    name: 'github',
    kind: 'remote',
    transport: 'mcp-remote',
    target: 'https://api.example.com/mcp',
    status: 'stopped',
    inFlight: 0,
    calls: 0,
    errors: 0,
    starts: 0,
    consecutiveFailures: 0,
    stderrTail: [],
    ...patch,
  };
}
