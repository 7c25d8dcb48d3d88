// Redactor.redactValue: a server's log data (any JSON value) masked before it leaves the pool.
import * as assert from 'node:assert/strict';
import { Redactor } from '../../src/pool';

describe('Redactor.redactValue (log data)', () => {
  const r = new Redactor();
  r.addSecret('s3cr3t-"quoted"-value');

  it('passes numbers, booleans and null through, and masks a string like a line', () => {
    assert.deepEqual([r.redactValue(42), r.redactValue(true), r.redactValue(null), r.redactValue(undefined)], [42, true, null, undefined]);
    assert.equal(r.redactValue('api_key=abc123 ok'), 'api_key=•••• ok');
  });

  it('masks every string in a structure, secrets shown only by their key too, and keeps its shape', () => {
    const data = { user: 'ada', nested: [{ note: 'has s3cr3t-"quoted"-value inside' }, 7], password: 'hunter2', auth: 'Bearer abcdefgh12345678' };
    assert.deepEqual(r.redactValue(data), { user: 'ada', nested: [{ note: 'has •••• inside' }, 7], password: '••••', auth: 'Bearer ••••' });
    assert.equal(data.password, 'hunter2', 'the original is left alone');
  });

  it('gives the masked JSON text when masking broke the JSON', () => {
    // the key pattern takes the escaped quote's backslash along: the text no longer parses
    const masked = r.redactValue({ note: 'password=abc\\"def' });
    assert.equal(typeof masked, 'string');
    assert.equal(String(masked).includes('abc'), false, String(masked));
  });
});
