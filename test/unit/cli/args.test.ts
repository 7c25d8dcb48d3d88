// `mcp-pool`'s command line: commands, positional words, call arguments, global options, and the
// usage errors (exit code 2) for what does not parse.
import * as assert from 'node:assert/strict';
import { parseArgs, parseKeyValue, UsageError } from '../../../src/cli/args';

function usage(argv: string[], message: RegExp): void {
  assert.throws(
    () => parseArgs(argv),
    (e: unknown) => e instanceof UsageError && message.test(e.message),
  );
}

describe('mcp-pool arguments', () => {
  it('reads each command with its words', () => {
    assert.deepEqual(parseArgs(['status']).command, 'status');
    assert.deepEqual(parseArgs(['tools', 'notes']).words, ['notes']);
    assert.deepEqual(parseArgs(['read', 'notes', 'fixture://text/hello']).words, ['notes', 'fixture://text/hello']);
    assert.deepEqual(parseArgs(['stdio', 'notes']).words, ['notes']);
  });

  it('reads key=value and key:=JSON words of a call, in order', () => {
    const inv = parseArgs(['call', 'notes', 'echo', 'text=a=b', 'n:=3', 'empty=']);
    assert.deepEqual(inv.words, ['notes', 'echo']);
    assert.deepEqual(inv.pairs, [
      { key: 'text', value: 'a=b', json: false },
      { key: 'n', value: '3', json: true },
      { key: 'empty', value: '', json: false },
    ]);
    assert.equal(parseKeyValue('=x'), undefined);
    assert.equal(parseKeyValue('plain'), undefined);
  });

  it('tells --json ARGS from --json (raw output) in a call', () => {
    const withArgs = parseArgs(['call', 'a', 't', '--json', '{"x":1}']);
    assert.equal(withArgs.argsJson, '{"x":1}');
    assert.equal(withArgs.json, false);
    const raw = parseArgs(['call', 'a', 't', 'x=1', '--json']);
    assert.equal(raw.json, true);
    assert.equal(raw.argsJson, undefined);
    const both = parseArgs(['call', 'a', 't', '--json', '{"x":1}', '--json']);
    assert.equal(both.argsJson, '{"x":1}');
    assert.equal(both.json, true);
    assert.equal(parseArgs(['call', 'a', 't', '{"y":2}']).argsJson, '{"y":2}', 'a positional JSON object');
    assert.equal(parseArgs(['--json', 'status']).json, true, 'options before the command');
  });

  it('reads - as arguments from stdin', () => {
    assert.equal(parseArgs(['call', 'a', 't', '-']).argsFromStdin, true);
    usage(['call', 'a', 't', '-', '--json', '{}'], /either with --json or with -/);
  });

  it('takes --pool with a value, also as --pool=value', () => {
    assert.equal(parseArgs(['status', '--pool', '1234']).pool, '1234');
    assert.equal(parseArgs(['--pool=/work/x', 'tools', 'a']).pool, '/work/x');
    usage(['status', '--pool'], /--pool needs a value/);
  });

  it('gives everything after --fallback to the fallback command, options included', () => {
    const inv = parseArgs(['stdio', 'atlassian', '--fallback', 'npx', '-y', 'mcp-remote', 'https://mcp.atlassian.com/v1/sse', '--json']);
    assert.deepEqual(inv.words, ['atlassian']);
    assert.deepEqual(inv.fallback, ['npx', '-y', 'mcp-remote', 'https://mcp.atlassian.com/v1/sse', '--json']);
    assert.equal(inv.json, false);
    usage(['stdio', 'a', '--fallback'], /needs a command/);
    usage(['call', 'a', 't', '--fallback', 'x'], /--fallback belongs to/);
  });

  it('answers --help, help <cmd>, --version, and no words at all with help', () => {
    assert.deepEqual(parseArgs([]).command, 'help');
    assert.deepEqual(parseArgs(['--help']).command, 'help');
    assert.deepEqual(parseArgs(['call', '--help']), { command: 'help', words: ['call'], pairs: [], argsFromStdin: false, json: false, progress: false });
    assert.deepEqual(parseArgs(['help', 'stdio']).words, ['stdio']);
    assert.equal(parseArgs(['--version']).command, 'version');
    assert.equal(parseArgs(['-V']).command, 'version');
  });

  it('refuses what does not parse, naming the problem', () => {
    usage(['frobnicate'], /unknown command "frobnicate"/);
    usage(['status', '--verbose'], /unknown option --verbose/);
    usage(['tools'], /missing <app>/);
    usage(['call', 'a'], /missing <tool>/);
    usage(['tools', 'a', 'b'], /too many words/);
    usage(['call', 'a', 't', 'oops'], /"oops" is not an argument/);
    usage(['stdio', 'a', '--json'], /--json does not apply to stdio/);
    usage(['call', 'a', 't', '{"a":1}', '--json', '{"b":2}'], /given as JSON twice/);
  });

  it('takes words after -- as words, even when they start with a dash', () => {
    assert.deepEqual(parseArgs(['tools', '--', '-odd-app']).words, ['-odd-app']);
    assert.deepEqual(parseArgs(['call', 'a', 't', '--', '--dashed=1']).pairs, [{ key: '--dashed', value: '1', json: false }]);
    assert.equal(parseArgs(['call', 'a', 't', 'x=-1']).pairs[0].value, '-1', 'a value may start with a dash');
  });
});
