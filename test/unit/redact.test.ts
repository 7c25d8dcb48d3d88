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

describe('Redactor: ${secret:NAME} references', () => {
  const r = new Redactor();
  r.addSecret('tok-0123456789');

  it('reads a reference whole, after any key, scheme or parameter that would mask a value', () => {
    for (const text of [
      '${secret:…} is not replaced in args: a command line is readable by every user of this machine (ps)',
      'use ${secret:github-token} instead',
      'secret=${secret:GH} password: ${secret:db.pass}',
      '"Authorization": "Bearer ${secret:GH}"',
      'Authorization: Basic ${secret:creds}, then more',
      'https://h.example/mcp?api_key=${secret:k}&x=1',
    ]) {
      assert.equal(r.redact(text), text);
    }
  });

  it('still masks real values next to a reference, and a reference does not unmask a stored secret', () => {
    assert.equal(r.redact('${secret:GH} access_token=abc123 and tok-0123456789'), '${secret:GH} access_token=•••• and ••••');
    assert.equal(r.redact('Authorization: Bearer abcdefgh12345678 (was ${secret:GH})'), 'Authorization: Bearer •••• (was ${secret:GH})');
    assert.equal(r.redact('password=hunter2${secret:x}'), 'password=••••${secret:x}');
    assert.equal(r.redact('Authorization: Bearer'), 'Authorization: ••••');
  });
});
