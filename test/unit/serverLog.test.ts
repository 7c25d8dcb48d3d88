// A server's log messages in its channel: each MCP level maps to a channel level, and levels the
// channel cannot show are named in the line.
import * as assert from 'node:assert/strict';
import { channelLevel, serverLogLine } from '../../src/output/poolEventLog';
import { LOG_LEVELS } from '../../src/pool';

describe('server log messages in the channel', () => {
  it('maps every MCP level to a channel level, severity kept', () => {
    assert.deepEqual(
      LOG_LEVELS.map((l) => channelLevel(l)),
      ['debug', 'info', 'info', 'warn', 'error', 'error', 'error', 'error'],
    );
  });

  it('writes the logger and the data, naming levels the channel cannot show', () => {
    assert.equal(serverLogLine('db', 'connected', 'info'), '[log] db: connected');
    assert.equal(serverLogLine(undefined, { rows: 3 }, 'debug'), '[log] {"rows":3}');
    assert.equal(serverLogLine('disk', 'full', 'emergency'), '[log emergency] disk: full');
    assert.equal(serverLogLine(undefined, 'note', 'notice'), '[log notice] note');
  });
});
