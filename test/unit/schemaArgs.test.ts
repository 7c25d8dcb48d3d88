// Argument fields from tool input schemas, parsing of typed values, and schema validation
// (ajv underneath, human messages on top). The last block uses the real schemas of the stdio
// fixture server (zod → JSON Schema via the MCP SDK) and checks our verdict against the server's.
import * as assert from 'node:assert/strict';
import { buildArguments } from '../../src/cli/coerce';
import { resolveRef } from '../../src/common/jsonSchema';
import type { Pool } from '../../src/pool';
import {
  argumentSkeleton,
  describeField,
  formatFieldValue,
  parseFieldInput,
  parseJson,
  pointerLabel,
  schemaFields,
  validateArguments,
  type ArgField,
} from '../../src/invoke/schemaArgs';
import { expectNoProcesses, makePool, stdioSpec } from './helpers';

function field(schema: Record<string, unknown>, name: string): ArgField {
  const f = schemaFields(schema).find((x) => x.name === name);
  assert.ok(f, `no field ${name}`);
  return f;
}

function one(prop: Record<string, unknown>, required = true): ArgField {
  return field({ type: 'object', properties: { x: prop }, required: required ? ['x'] : [] }, 'x');
}

function messages(schema: Record<string, unknown>, args: unknown): string[] {
  return validateArguments(schema, args).map((p) => p.message);
}

describe('schemaArgs: fields', () => {
  it('lists properties in schema order with required/optional, title, description, default', () => {
    const fields = schemaFields({
      type: 'object',
      properties: {
        query: { type: 'string', title: 'Query', description: 'What to search', minLength: 2, pattern: '^\\w' },
        limit: { type: 'integer', minimum: 1, maximum: 50, default: 10 },
      },
      required: ['query'],
    });
    assert.deepEqual(
      fields.map((f) => [f.name, f.type, f.required]),
      [
        ['query', 'string', true],
        ['limit', 'integer', false],
      ],
    );
    assert.equal(fields[0].title, 'Query');
    assert.equal(fields[0].description, 'What to search');
    assert.equal(fields[0].minLength, 2);
    assert.equal(fields[0].pattern, '^\\w');
    assert.equal(fields[1].hasDefault, true);
    assert.equal(fields[1].default, 10);
    assert.equal(fields[1].minimum, 1);
    assert.equal(fields[1].maximum, 50);
  });

  it('reads every kind of type', () => {
    assert.equal(one({ type: 'number' }).type, 'number');
    assert.equal(one({ type: 'boolean' }).type, 'boolean');
    assert.equal(one({ type: 'array', items: { type: 'string' } }).type, 'array');
    assert.equal(one({ type: 'array', items: { type: 'string' } }).itemType, 'string');
    assert.equal(one({ type: 'object', properties: { a: { type: 'string' } } }).type, 'object');
    assert.equal(one({ properties: { a: {} } }).type, 'object');
    assert.equal(one({ items: { type: 'number' } }).type, 'array');
    assert.equal(one({}).type, 'unknown');
    assert.equal(one({ type: ['string', 'number'] }).type, 'unknown');
    assert.equal(one({ type: ['integer', 'number'] }).type, 'number');
  });

  it('handles nullable types: type arrays, anyOf with null (pydantic), nullable: true', () => {
    const a = one({ type: ['string', 'null'] });
    assert.deepEqual([a.type, a.nullable], ['string', true]);
    const b = one({ anyOf: [{ type: 'integer', minimum: 0 }, { type: 'null' }], default: null, description: 'Page' });
    assert.deepEqual([b.type, b.nullable, b.minimum, b.description, b.hasDefault, b.default], ['integer', true, 0, 'Page', true, null]);
    assert.equal(one({ type: 'number', nullable: true }).nullable, true);
    assert.equal(one({ type: 'string' }).nullable, false);
  });

  it('turns enum, const and oneOf/anyOf of consts into enum options', () => {
    const e = one({ type: 'string', enum: ['fast', 'slow'] });
    assert.equal(e.type, 'enum');
    assert.deepEqual(
      e.options?.map((o) => o.value),
      ['fast', 'slow'],
    );
    const c = one({ const: 'only' });
    assert.deepEqual([c.type, c.options?.[0].value], ['enum', 'only']);
    const o = one({
      oneOf: [
        { const: 1, title: 'One' },
        { const: 2, title: 'Two' },
      ],
    });
    assert.equal(o.type, 'enum');
    assert.deepEqual(o.options, [
      { value: 1, label: '1', description: 'One' },
      { value: 2, label: '2', description: 'Two' },
    ]);
    const n = one({ enum: ['a', null] });
    assert.deepEqual([n.type, n.nullable, n.options?.length], ['enum', true, 1]);
    assert.equal(one({ anyOf: [{ type: 'string' }, { type: 'number' }] }).type, 'unknown');
  });

  it('resolves local $ref and allOf wrappers ($defs, definitions)', () => {
    const schema = {
      type: 'object',
      $defs: { Mode: { type: 'string', enum: ['a', 'b'], description: 'The mode' } },
      definitions: { Count: { type: 'integer', minimum: 1 } },
      properties: { mode: { allOf: [{ $ref: '#/$defs/Mode' }], default: 'a' }, count: { $ref: '#/definitions/Count' } },
    };
    const mode = field(schema, 'mode');
    assert.deepEqual([mode.type, mode.description, mode.default], ['enum', 'The mode', 'a']);
    assert.deepEqual([field(schema, 'count').type, field(schema, 'count').minimum], ['integer', 1]);
  });

  it('a $ref and the keywords beside it: both apply, those beside it say what the place is (JSON Schema 2020-12), in the editor and the CLI alike', () => {
    const schema = {
      type: 'object',
      $defs: {
        Level: { type: 'string', enum: ['low', 'high'], title: 'Level', description: 'A level', default: 'low' },
        Loud: { $ref: '#/$defs/Level', description: 'How loud' },
        Count: { type: 'integer', minimum: 1 },
      },
      properties: { volume: { $ref: '#/$defs/Loud', default: 'high' }, repeat: { $ref: '#/$defs/Count', description: 'How often' } },
    };
    assert.deepEqual(resolveRef(schema.properties.volume, schema), {
      type: 'string',
      enum: ['low', 'high'],
      title: 'Level',
      description: 'How loud',
      default: 'high',
    });
    const volume = field(schema, 'volume');
    assert.deepEqual([volume.type, volume.title, volume.description, volume.default], ['enum', 'Level', 'How loud', 'high']);
    const repeat = field(schema, 'repeat');
    assert.deepEqual([repeat.type, repeat.minimum, repeat.description], ['integer', 1, 'How often']);
    assert.deepEqual(
      buildArguments(
        [
          { key: 'volume', value: 'high', json: false },
          { key: 'repeat', value: '3', json: false },
        ],
        schema,
      ),
      { volume: 'high', repeat: 3 },
    );
    assert.throws(() => buildArguments([{ key: 'repeat', value: '1.5', json: false }], schema), /repeat must be an integer/);
  });

  it('has no fields for schemas without properties', () => {
    assert.deepEqual(schemaFields({ type: 'object' }), []);
    assert.deepEqual(schemaFields({ type: 'object', properties: {} }), []);
    assert.deepEqual(schemaFields(undefined), []);
  });

  it('describes a field for a placeholder, hiding zod’s ±MAX_SAFE_INTEGER bounds', () => {
    assert.equal(describeField(one({ type: 'integer', minimum: 1, maximum: 9007199254740991 }, false)), 'integer ≥ 1 · optional, leave empty to omit');
    assert.equal(describeField(one({ type: 'string', default: 'x' })), 'string · default x · required');
    assert.match(describeField(one({ type: 'array', items: { type: 'number' } })), /^JSON array of number, e\.g\. \[1, 2\]/);
    assert.match(describeField(one({ enum: ['a', 'b'] })), /^one of a, b/);
  });

  it('builds a JSON skeleton from initial values, defaults and placeholders for required fields', () => {
    const fields = schemaFields({
      type: 'object',
      properties: {
        q: { type: 'string' },
        n: { type: 'integer', minimum: 1 },
        mode: { enum: ['x', 'y'] },
        opt: { type: 'boolean' },
        d: { type: 'number', default: 3 },
      },
      required: ['q', 'n', 'mode'],
    });
    assert.deepEqual(argumentSkeleton(fields, { q: 'hello' }), { q: 'hello', n: 1, mode: 'x', d: 3 });
  });
});

describe('schemaArgs: parseFieldInput', () => {
  const ok = (f: ArgField, text: string) => {
    const r = parseFieldInput(f, text);
    assert.ok(r.ok && !r.omit, `expected a value for ${JSON.stringify(text)}: ${JSON.stringify(r)}`);
    return (r as { value: unknown }).value;
  };
  const bad = (f: ArgField, text: string) => {
    const r = parseFieldInput(f, text);
    assert.ok(!r.ok, `expected a problem for ${JSON.stringify(text)}`);
    return r.message;
  };

  it('validates integers and numbers as typed', () => {
    const n = one({ type: 'integer', minimum: 1, maximum: 10 });
    assert.equal(ok(n, ' 5 '), 5);
    assert.equal(bad(n, '1.5'), 'must be an integer');
    assert.equal(bad(n, 'abc'), 'must be an integer');
    assert.equal(bad(n, '0'), 'must be ≥ 1');
    assert.equal(bad(n, '11'), 'must be ≤ 10');
    assert.equal(bad(n, '0x10'), 'must be an integer');
    const x = one({ type: 'number', exclusiveMinimum: 0, multipleOf: 0.5 });
    assert.equal(ok(x, '2.5'), 2.5);
    assert.equal(ok(x, '1e1'), 10);
    assert.equal(bad(x, '0'), 'must be > 0');
    assert.equal(bad(x, '0.3'), 'must be a multiple of 0.5');
    assert.equal(bad(x, 'Infinity'), 'must be a number');
  });

  it('empty input omits optional fields and is refused for required ones', () => {
    assert.deepEqual(parseFieldInput(one({ type: 'integer' }, false), '  '), { ok: true, omit: true });
    assert.equal(bad(one({ type: 'integer' }), ''), 'required');
    assert.match(bad(one({ type: 'string' }), ''), /required \(type "" for an empty string\)/);
    assert.equal(ok(one({ type: 'string' }), '""'), '');
  });

  it('checks strings: length, pattern, format (through the schema)', () => {
    const s = one({ type: 'string', minLength: 3, maxLength: 5, pattern: '^[a-z]+$' });
    assert.equal(ok(s, 'abcd'), 'abcd');
    assert.equal(bad(s, 'ab'), 'must be at least 3 characters long');
    assert.match(bad(s, 'abcdef'), /^must be at most 5 characters long/);
    assert.equal(bad(s, 'ABC'), 'must match the pattern /^[a-z]+$/');
    assert.equal(ok(one({ type: 'string' }), '  keeps spaces '), '  keeps spaces ');
    assert.equal(bad(one({ type: 'string', format: 'uri' }), 'not a uri'), '"x" must be a valid uri');
  });

  it('booleans, enums and null', () => {
    assert.equal(ok(one({ type: 'boolean' }), 'TRUE'), true);
    assert.equal(bad(one({ type: 'boolean' }), 'yes'), 'must be true or false');
    assert.equal(ok(one({ enum: [1, 2] }), '2'), 2);
    assert.equal(bad(one({ enum: ['a', 'b'] }), 'c'), 'must be one of a, b');
    assert.equal(ok(one({ type: ['integer', 'null'] }), 'null'), null);
    assert.equal(ok(one({ type: ['string', 'null'] }), 'null'), 'null');
  });

  it('arrays and objects are JSON, with the parse error position and nested checks', () => {
    const arr = one({ type: 'array', items: { type: 'integer' } });
    assert.deepEqual(ok(arr, '[1, 2]'), [1, 2]);
    assert.match(bad(arr, '[1, 2'), /^not valid JSON at line 1, column \d+/);
    assert.equal(bad(arr, '{"a": 1}'), 'must be a JSON array, e.g. ["a", "b"]');
    assert.equal(bad(arr, '[1, "two"]'), '"x[1]" must be integer (got string)');
    const obj = one({ type: 'object', properties: { k: { type: 'number' } }, required: ['k'], additionalProperties: false });
    assert.deepEqual(ok(obj, '{"k": 1}'), { k: 1 });
    assert.match(bad(obj, '{\n  "k": 1,\n}'), /^not valid JSON at line 3, column 1/);
    assert.equal(bad(obj, '{}'), '"x" is missing the required property "k"');
    assert.equal(bad(obj, '{"k": 1, "z": 2}'), '"x" has an unknown property "z"');
  });

  it('free-form fields take JSON, or plain text as a string', () => {
    const any = one({});
    assert.equal(ok(any, '42'), 42);
    assert.deepEqual(ok(any, '{"a":1}'), { a: 1 });
    assert.equal(ok(any, 'hello'), 'hello');
  });

  it('formats values back for prefilling', () => {
    assert.equal(formatFieldValue(one({ type: 'string' }), ''), '""');
    assert.equal(formatFieldValue(one({ type: 'integer' }), 3), '3');
    assert.equal(formatFieldValue(one({ type: 'array' }), ['a']), '["a"]');
    assert.equal(formatFieldValue(one({ enum: ['a'] }), 'a'), 'a');
    assert.equal(formatFieldValue(one({ type: 'string' }), undefined), '');
  });

  it('parseJson reports line and column', () => {
    assert.deepEqual(parseJson('{"a": 1}'), { ok: true, value: { a: 1 } });
    const r = parseJson('{\n  "a": 1\n  "b": 2\n}');
    assert.ok(!r.ok);
    assert.match(r.message, /^not valid JSON at line 3, column 3/);
    assert.match((parseJson('') as { message: string }).message, /not valid JSON/);
  });
});

describe('schemaArgs: validateArguments', () => {
  const schema = {
    type: 'object',
    properties: {
      count: { type: 'integer', minimum: 1 },
      mode: { type: 'string', enum: ['fast', 'slow'] },
      pick: { anyOf: [{ const: 'p' }, { const: 'q' }] },
      label: { type: ['string', 'null'] },
      opts: { type: 'object', properties: { depth: { type: 'number' } }, required: ['depth'], additionalProperties: false },
      tags: { type: 'array', items: { type: 'string' }, uniqueItems: true },
    },
    required: ['count'],
    additionalProperties: false,
  };

  it('accepts valid arguments', () => {
    assert.deepEqual(validateArguments(schema, { count: 2, mode: 'fast', pick: 'q', label: null, opts: { depth: 1 }, tags: ['a'] }), []);
  });

  it('says what is wrong, in words', () => {
    assert.deepEqual(messages(schema, {}), ['missing required argument "count"']);
    assert.deepEqual(messages(schema, { count: 'three' }), ['"count" must be integer (got string)']);
    assert.deepEqual(messages(schema, { count: 0 }), ['"count" must be ≥ 1']);
    assert.deepEqual(messages(schema, { count: 1, mode: 'medium' }), ['"mode" must be one of "fast", "slow" (got "medium")']);
    assert.deepEqual(messages(schema, { count: 1, pick: 'r' }), ['"pick" must be one of "p", "q" (got "r")']);
    assert.deepEqual(messages(schema, { count: 1, label: 3 }), ['"label" must be string or null (got integer)']);
    assert.deepEqual(messages(schema, { count: 1, extra: true }), ['unknown argument "extra" (the tool does not accept it)']);
    assert.deepEqual(messages(schema, { count: 1, opts: { deep: 1 } }), [
      '"opts" is missing the required property "depth"',
      '"opts" has an unknown property "deep"',
    ]);
    assert.deepEqual(messages(schema, { count: 1, tags: ['a', 'a'] }), ['"tags" must not contain duplicates (items 0 and 1 are equal)']);
    assert.deepEqual(messages(schema, { count: 1, tags: ['a', 2] }), ['"tags[1]" must be string (got integer)']);
  });

  it('gives the pointer of each problem (missing and unknown properties included)', () => {
    assert.deepEqual(
      validateArguments(schema, { extra: 1 })
        .map((p) => p.pointer)
        .sort(),
      ['/count', '/extra'],
    );
    assert.equal(pointerLabel('/opts/0/a~1b'), 'opts[0].a/b');
    assert.equal(pointerLabel(''), 'arguments');
  });

  it('reports type mismatches between alternatives and passes sloppy or unknown schemas through', () => {
    assert.deepEqual(messages({ type: 'object', properties: { v: { anyOf: [{ type: 'string' }, { type: 'number' }] } } }, { v: true }), [
      '"v" must be string or number (got boolean)',
    ]);
    assert.deepEqual(validateArguments({ type: 'object', properties: { a: { type: 'string', format: 'made-up' } } }, { a: 'x' }), []);
    assert.deepEqual(validateArguments({ type: 'object', properties: { a: { pattern: '(' } } }, { a: 'x' }), []);
    assert.deepEqual(validateArguments(undefined, { a: 1 }), []);
  });

  it('reads draft 2020-12 schemas (prefixItems, $defs) and draft-07 ones', () => {
    const s2020 = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      $defs: { N: { type: 'number' } },
      properties: { pair: { type: 'array', prefixItems: [{ $ref: '#/$defs/N' }, { type: 'string' }] } },
    };
    assert.deepEqual(messages(s2020, { pair: [1, 'a'] }), []);
    assert.deepEqual(messages(s2020, { pair: ['a', 'a'] }), ['"pair[0]" must be number (got string)']);
    const s07 = { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', properties: { a: { type: 'string' } }, required: ['a'] };
    assert.deepEqual(messages(s07, {}), ['missing required argument "a"']);
  });

  it('keeps two schemas with the same $id apart, and survives odd $ids', () => {
    assert.deepEqual(messages({ $id: 'https://example.com/args.json', type: 'object', required: ['a'] }, {}), ['missing required argument "a"']);
    assert.deepEqual(messages({ $id: 'https://example.com/args.json', type: 'object', required: ['b'] }, {}), ['missing required argument "b"']);
    // an $id ajv cannot parse as a URI is ignored rather than disabling the check
    assert.deepEqual(messages({ $id: 'urn:x', type: 'object', required: ['c'] }, {}), ['missing required argument "c"']);
  });
});

describe('schemaArgs: real fixture schemas (stdio server, zod via the MCP SDK)', () => {
  let pool: Pool;
  before(async () => {
    pool = makePool();
    await pool.configure([stdioSpec('schemas')]);
  });
  after(async () => {
    await pool.shutdown();
    pool.dispose();
    await expectNoProcesses();
  });

  it('reads fields of the real tools', async () => {
    const tools = await pool.listTools('schemas');
    const sleep = schemaFields(tools.find((t) => t.name === 'sleep')!.inputSchema);
    assert.deepEqual(
      sleep.map((f) => [f.name, f.type, f.required, f.minimum]),
      [['ms', 'integer', true, 0]],
    );
    assert.equal(describeField(sleep[0]), 'integer ≥ 0 · required');
    const exit = schemaFields(tools.find((t) => t.name === 'exit')!.inputSchema);
    assert.deepEqual(
      exit.map((f) => [f.name, f.type, f.required]),
      [['code', 'integer', false]],
    );
    assert.equal(schemaFields(tools.find((t) => t.name === 'image')!.inputSchema).length, 0);
  });

  it('rejects before sending what the server would reject, and passes what it accepts', async () => {
    const tools = await pool.listTools('schemas');
    const add = tools.find((t) => t.name === 'add')!;
    const wrong = { a: 1, b: 'two' };
    assert.deepEqual(messages(add.inputSchema, wrong), ['"b" must be number (got string)']);
    const rejected = await pool.callTool('schemas', 'add', wrong);
    assert.equal(rejected.result.isError, true, 'the server rejects the same arguments');
    assert.deepEqual(messages(add.inputSchema, { a: 1, b: 2 }), []);
    const accepted = await pool.callTool('schemas', 'add', { a: 1, b: 2 });
    assert.equal(accepted.result.isError, false);
  });
});
