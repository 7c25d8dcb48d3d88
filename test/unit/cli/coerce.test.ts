// key=value words typed by a tool's inputSchema (the CLI's own small reading of JSON Schema).
import * as assert from 'node:assert/strict';
import { parseKeyValue } from '../../../src/cli/args';
import { buildArguments, CoercionError, needsSchema } from '../../../src/cli/coerce';

const pairs = (...words: string[]) => words.map((w) => parseKeyValue(w)!);

const SCHEMA = {
  type: 'object',
  properties: {
    text: { type: 'string' },
    count: { type: 'integer', minimum: 0 },
    ratio: { type: 'number' },
    flag: { type: 'boolean' },
    tags: { type: 'array', items: { type: 'string' } },
    opts: { type: 'object', properties: { a: { type: 'number' } } },
    mode: { enum: ['fast', 'slow', 3] },
    level: { anyOf: [{ const: 'low', title: 'Low' }, { const: 'high' }] },
    maybe: { anyOf: [{ type: 'number' }, { type: 'null' }] },
    either: { type: ['number', 'string'] },
    ref: { $ref: '#/$defs/Count' },
    free: {},
  },
  required: ['text'],
  additionalProperties: false,
  $defs: { Count: { type: 'integer' } },
};

describe('mcp-pool argument coercion', () => {
  it('types each value by its property', () => {
    const args = buildArguments(
      pairs(
        'text=42',
        'count=3',
        'ratio=-1.5e2',
        'flag=TRUE',
        'tags=["a","b"]',
        'opts={"a":1}',
        'mode=3',
        'level=high',
        'maybe=null',
        'either=x',
        'ref=7',
        'free=[1]',
      ),
      SCHEMA,
    );
    assert.deepEqual(args, {
      text: '42',
      count: 3,
      ratio: -150,
      flag: true,
      tags: ['a', 'b'],
      opts: { a: 1 },
      mode: 3,
      level: 'high',
      maybe: null,
      either: 'x',
      ref: 7,
      free: [1],
    });
    assert.deepEqual(buildArguments(pairs('either=5', 'free=plain text', 'mode=fast'), SCHEMA), { either: 5, free: 'plain text', mode: 'fast' });
  });

  it('says what a value should look like when it does not fit', () => {
    const fails = (word: string, message: RegExp) =>
      assert.throws(
        () => buildArguments(pairs(word), SCHEMA),
        (e: unknown) => e instanceof CoercionError && message.test(e.message),
      );
    fails('count=3.5', /count must be an integer \(got "3.5"\)/);
    fails('ratio=abc', /ratio must be a number/);
    fails('flag=yes', /flag must be true or false/);
    fails('tags=a,b', /tags must be a JSON array/);
    fails('mode=medium', /mode must be one of fast, slow, 3/);
    fails('nope=1', /no argument "nope" \(arguments: text, count/);
  });

  it('keeps key:=JSON as it is, and merges over --json / stdin arguments', () => {
    assert.deepEqual(buildArguments(pairs('count:="3"', 'text=hi'), SCHEMA, { text: 'base', flag: false }), { text: 'hi', flag: false, count: '3' });
    assert.throws(() => buildArguments(pairs('x:=not json'), {}), CoercionError);
  });

  it('needs the schema only for key=value words whose value could be typed', () => {
    assert.equal(needsSchema(pairs('a:=1', 'b:="x"')), false, 'JSON words');
    assert.equal(needsSchema(pairs('text=hello world', 'q=is:open label:bug', 'empty=', 'id=cli-0', 'v=1.2.3')), false, 'text under every schema');
    for (const typed of ['n=3', 'n=-1.5e3', 'b=TRUE', 'b=false', 'x=null', 'a=["x"]', 'o={"k":1}', 's="quoted"', 'n= 7 '])
      assert.equal(needsSchema(pairs(typed)), true, typed);
    assert.equal(needsSchema([]), false);
  });

  it('without a schema, plain values are text', () => {
    assert.deepEqual(buildArguments(pairs('text=hi', 'n:=2'), undefined), { text: 'hi', n: 2 });
  });

  it('passes unknown keys as text when the schema allows more properties', () => {
    assert.deepEqual(buildArguments(pairs('x=1'), { type: 'object', properties: {} }), { x: '1' });
    assert.deepEqual(buildArguments(pairs('x=1'), undefined), { x: '1' });
  });
});
