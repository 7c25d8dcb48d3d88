import * as assert from 'node:assert/strict';
import { splitCommandLine } from '../../src/common/commandLine';
import { parseAppDefinitions } from '../../src/pool';
import { childEnvironment } from '../../src/pool/process/environment';
import { launchCommand, bundledLauncher, commandLauncher } from '../../src/pool/process/launch';
import { Redactor } from '../../src/pool/redact';

describe('app definitions', () => {
  it('accepts remote and stdio apps and normalises them', () => {
    const { specs, problems } = parseAppDefinitions(
      {
        jira: { url: 'https://mcp.atlassian.com/v1/sse', args: ['--transport', 'sse-only'], headers: { 'X-Team': 'a' }, idleTimeout: 60 },
        local: { command: 'node', args: ['server.js'], env: { DEBUG: '1' }, cwd: '/tmp' },
      },
      { remoteTransport: 'mcp-remote' },
    );
    assert.deepEqual(problems, []);
    assert.deepEqual(specs, [
      {
        kind: 'remote',
        name: 'jira',
        url: 'https://mcp.atlassian.com/v1/sse',
        args: ['--transport', 'sse-only'],
        headers: { 'X-Team': 'a' },
        env: {},
        idleTimeoutMs: 60_000,
        transport: 'mcp-remote',
      },
      { kind: 'stdio', name: 'local', command: 'node', args: ['server.js'], env: { DEBUG: '1' }, cwd: '/tmp', idleTimeoutMs: undefined },
    ]);
  });

  it('reports every problem with the app name and field; valid apps are kept', () => {
    const { specs, problems } = parseAppDefinitions({
      good: { command: 'node' },
      both: { url: 'https://x.dev', command: 'node' },
      neither: { args: [] },
      ftp: { url: 'ftp://example.com' },
      notaurl: { url: 'not a url' },
      plainhttp: { url: 'http://example.com/mcp' },
      badargs: { command: 'node', args: 'server.js' },
      badenv: { command: 'node', env: { 'BAD-NAME': 'x', OK: 3 } },
      badidle: { command: 'node', idleTimeout: -1 },
      badheader: { url: 'https://x.dev', headers: { 'Bad Header': 'v', Good: 'a\nb' } },
      ' ': { command: 'node' },
      typo: { command: 'node', comand: 'x' },
      GOOD: { command: 'node' },
      str: 'node server.js',
    });
    assert.deepEqual(
      specs.map((s) => s.name),
      ['good', 'typo'],
    );
    const byApp = (app: string) => problems.filter((p) => p.app === app).map((p) => `${p.severity}:${p.field ?? ''}:${p.message}`);
    assert.match(byApp('both')[0], /either "url" or "command", not both/);
    assert.match(byApp('neither')[0], /missing "url" \(remote server\) or "command"/);
    assert.match(byApp('ftp')[0], /^error:url:scheme "ftp:" is not supported/);
    assert.match(byApp('notaurl')[0], /^error:url:"not a url" is not a valid URL/);
    assert.match(byApp('plainhttp')[0], /^error:url:plain http to the non-local host "example.com".*"allowHttp": true/);
    assert.match(byApp('badargs')[0], /^error:args:must be an array of strings/);
    assert.equal(byApp('badenv').length, 2);
    assert.match(byApp('badidle')[0], /^error:idleTimeout:/);
    assert.equal(byApp('badheader').length, 2);
    assert.match(byApp('" "')[0], /app name is empty/);
    assert.match(byApp('typo')[0], /^warning:comand:unknown field "comand"/);
    assert.match(byApp('GOOD')[0], /duplicate app name/);
    assert.match(byApp('str')[0], /must be an object/);
  });

  it('allows plain http to localhost, and to other hosts only with allowHttp', () => {
    const { specs, problems } = parseAppDefinitions({
      local: { url: 'http://127.0.0.1:3000/mcp' },
      lan: { url: 'http://intranet.corp/mcp', allowHttp: true },
    });
    assert.deepEqual(problems, []);
    assert.deepEqual(
      specs.map((s) => s.kind === 'remote' && s.args),
      [[], ['--allow-http']],
    );
  });

  it('a remote app is reached through mcp-remote or directly: its own "transport" wins over the setting\'s default', () => {
    const raw = {
      a: { url: 'https://a.dev/mcp' },
      b: { url: 'https://b.dev/mcp', transport: 'direct' },
      c: { url: 'https://c.dev/mcp', transport: 'mcp-remote' },
    };
    const transports = (o?: { remoteTransport?: 'mcp-remote' | 'direct' | 'auto' }) =>
      parseAppDefinitions(raw, o).specs.map((s) => s.kind === 'remote' && s.transport);
    assert.deepEqual(transports({ remoteTransport: 'mcp-remote' }), ['mcp-remote', 'direct', 'mcp-remote']);
    assert.deepEqual(transports(), ['direct', 'direct', 'mcp-remote'], 'the default, auto: direct where nothing asks for mcp-remote');
    assert.deepEqual(transports({ remoteTransport: 'direct' }), ['direct', 'direct', 'mcp-remote']);
    const bad = parseAppDefinitions({ x: { url: 'https://x.dev/mcp', transport: 'websocket' } });
    assert.deepEqual(bad.specs, []);
    assert.deepEqual(
      bad.problems.map((p) => [p.field, p.message]),
      [['transport', 'must be "mcp-remote" or "direct"']],
    );
  });

  it('a direct app says that mcp-remote arguments and env do nothing for it (warnings: the app is kept)', () => {
    const { specs, problems } = parseAppDefinitions({
      d: { url: 'https://d.dev/mcp', transport: 'direct', args: ['--transport', 'sse-only', '--allow-http', '--debug'], env: { X: '1' } },
    });
    assert.equal(specs.length, 1);
    assert.deepEqual(
      problems.map((p) => [p.field, p.severity]),
      [
        ['args', 'warning'],
        ['env', 'warning'],
      ],
    );
    assert.match(problems[0].message, /\(--debug\)/, '--transport and --allow-http mean the same for a direct app');
    const bad = parseAppDefinitions({ d: { url: 'https://d.dev/mcp', transport: 'direct', args: ['--transport', 'websocket'] } });
    assert.match(bad.problems[0].message, /"--transport websocket" is not one of http-first, http-only, sse-only, sse-first/);
  });
  it('warns that ${secret:…} in args is not replaced and would be readable by every local user; the app is kept', () => {
    const { specs, problems } = parseAppDefinitions({ s: { command: 'node', args: ['srv.js', '--token', '${secret:tok}'] } });
    assert.equal(specs.length, 1);
    assert.deepEqual(
      problems.map((p) => [p.app, p.field, p.severity]),
      [['s', 'args[2]', 'warning']],
    );
    assert.match(
      problems[0].message,
      /not replaced in args: a command line is readable by every user of this machine \(ps\); pass the secret in "env" instead/,
    );
  });
});

describe("mcp-remote's --protocol in a remote app's args", () => {
  const parse = (args: string[], transport?: 'direct' | 'mcp-remote') =>
    parseAppDefinitions({ r: { url: 'https://r.dev/mcp', args, ...(transport ? { transport } : {}) } });

  it('a direct app follows legacy, auto and a revision (no warning: it honours them); the app runs directly under "auto"', () => {
    for (const args of [
      ['--protocol', 'legacy'],
      ['--protocol', 'auto'],
      ['--protocol', '2026-07-28'],
      ['--protocol=2025-06-18'],
      ['--protocol', '2024-11-05'],
    ]) {
      const { specs, problems } = parse(args);
      assert.deepEqual(problems, [], JSON.stringify(args));
      assert.equal(specs[0].kind === 'remote' && specs[0].transport, 'direct', JSON.stringify(args));
    }
    assert.deepEqual(
      parse(['--protocol', 'legacy', '--debug'], 'direct').problems.map((p) => p.message.match(/\(([^)]*)\)/)?.[1]),
      ['--debug'],
      'only --debug is unused',
    );
  });

  it('a bad value is an error naming the field and the values a direct app follows (the app is left out); for mcp-remote a warning', () => {
    for (const args of [['--protocol', 'modern'], ['--protocol', '2027-01-01'], ['--protocol'], ['--protocol=']]) {
      const { specs, problems } = parse(args, 'direct');
      assert.equal(specs.length, 0, JSON.stringify(args));
      assert.deepEqual(
        problems.map((p) => [p.app, p.field, p.severity]),
        [['r', 'args', 'error']],
      );
      assert.match(problems[0].message, /is not legacy, auto or a protocol revision \(2026-07-28, 2025-11-25, .*2024-11-05/);
    }
    const viaProxy = parse(['--protocol', 'modern'], 'mcp-remote');
    assert.equal(viaProxy.specs.length, 1);
    assert.deepEqual(
      viaProxy.problems.map((p) => [p.field, p.severity]),
      [['args', 'warning']],
    );
    assert.match(viaProxy.problems[0].message, /mcp-remote ignores it and speaks only 2025/);
    const pinnedViaProxy = parse(['--protocol', '2026-07-28'], 'mcp-remote');
    assert.match(pinnedViaProxy.problems[0].message, /mcp-remote knows "--protocol legacy" and "auto" only/);
  });
});

describe('mcpPool.remoteTransport "auto" (the default)', () => {
  it('reaches an app directly unless its arguments use what only mcp-remote does, or it sets env; says why; explicit choices unchanged', () => {
    const { specs, problems } = parseAppDefinitions({
      plain: { url: 'https://a.dev/mcp' },
      honoured: { url: 'https://a.dev/mcp', args: ['--transport', 'sse-only', '--allow-http', '--debug', '--protocol', 'auto'] },
      staticClient: { url: 'https://a.dev/mcp', args: ['--static-oauth-client-info', '@/tmp/c.json'] },
      headerArg: { url: 'https://a.dev/mcp', args: ['--header', 'X-Key:${KEY}'] },
      proxy: { url: 'https://a.dev/mcp', args: ['--enable-proxy'] },
      port: { url: 'https://a.dev/mcp', args: ['9876'] },
      withEnv: { url: 'https://a.dev/mcp', env: { NODE_EXTRA_CA_CERTS: '/ca.pem' } },
      pinnedRemote: { url: 'https://a.dev/mcp', transport: 'mcp-remote' },
      pinnedDirect: { url: 'https://a.dev/mcp', transport: 'direct', args: ['--enable-proxy'] },
    });
    const by = Object.fromEntries(specs.map((s) => [s.name, s.kind === 'remote' ? [s.transport, s.transportChoice] : []]));
    assert.deepEqual(by.plain, ['direct', 'direct (no process)']);
    assert.deepEqual(by.honoured, ['direct', 'direct (no process)']);
    assert.equal(by.staticClient[0], 'mcp-remote');
    assert.match(by.staticClient[1] as string, /only mcp-remote does \(--static-oauth-client-info\)/);
    assert.match(by.headerArg[1] as string, /--header/);
    assert.match(by.proxy[1] as string, /--enable-proxy/);
    assert.match(by.port[1] as string, /a callback port/);
    assert.match(by.withEnv[1] as string, /"env"/);
    assert.deepEqual(by.pinnedRemote, ['mcp-remote', undefined]);
    assert.deepEqual(by.pinnedDirect, ['direct', undefined]);
    // (no "not used by a direct app" warning for what auto found harmless; the explicit direct app still gets it)
    assert.deepEqual(
      problems.map((p) => p.app),
      ['pinnedDirect'],
    );
  });
});

describe('a key in the URL of an mcp-remote app', () => {
  it("is warned about (mcp-remote's command line is readable by every local user); not for a direct app, nor for a plain URL", () => {
    const { specs, problems } = parseAppDefinitions(
      {
        keyed: { url: 'https://x.dev/mcp?api_key=abc123' },
        direct: { url: 'https://x.dev/mcp?api_key=abc123', transport: 'direct' },
        plain: { url: 'https://x.dev/mcp?region=eu' },
      },
      { remoteTransport: 'mcp-remote' },
    );
    assert.equal(specs.length, 3, 'every app is kept');
    assert.deepEqual(
      problems.map((p) => [p.app, p.field, p.severity]),
      [['keyed', 'url', 'warning']],
    );
    assert.match(
      problems[0].message,
      /command line, which every user of this machine can read \(ps\); pass the key in "headers", or use "transport": "direct"/,
    );
    assert.ok(!problems[0].message.includes('abc123'), 'the key is not shown');
  });
});

describe('launching', () => {
  it("runs the bundled mcp-remote with the editor's runtime; headers go in a --header-file, never on the command line; no shell", () => {
    const [spec] = parseAppDefinitions({ r: { url: 'https://x.dev/mcp', headers: { Authorization: 'Bearer t' }, args: ['--transport', 'http-only'] } }).specs;
    const cmd = launchCommand(spec, bundledLauncher('/ext/dist/mcp-remote/proxy.mjs', '/usr/bin/node'), {
      PATH: '/bin',
      HOME: '/home/u',
      VSCODE_PID: '1',
      NODE_OPTIONS: '--inspect',
    });
    assert.equal(cmd.command, '/usr/bin/node');
    assert.deepEqual(cmd.args, ['/ext/dist/mcp-remote/proxy.mjs', 'https://x.dev/mcp', '--transport', 'http-only', '--protocol', 'auto']);
    assert.deepEqual(cmd.secretFiles, [{ flag: '--header-file', prefix: '', name: 'headers', content: 'Authorization: Bearer t\n' }]);
    assert.deepEqual(cmd.env, { PATH: '/bin', HOME: '/home/u', ELECTRON_RUN_AS_NODE: '1' });
  });

  it('moves "--header Name:Value" and an inline --static-oauth-client-info out of args, keeping the order (a later header wins)', () => {
    const [spec] = parseAppDefinitions({
      r: {
        url: 'https://x.dev/mcp',
        headers: { Authorization: 'Bearer a' },
        args: ['--header', 'Authorization: Bearer b', '--header', 'not a header', '--static-oauth-client-info', '{"client_secret":"s"}', '--debug'],
      },
    }).specs;
    const cmd = launchCommand(spec, commandLauncher(['mcp-remote']), {});
    assert.deepEqual(cmd.args, ['https://x.dev/mcp', '--debug', '--protocol', 'auto']);
    assert.deepEqual(
      cmd.secretFiles?.map((f) => [f.flag, f.prefix, f.content]),
      [
        ['--header-file', '', 'Authorization: Bearer a\nAuthorization: Bearer b\n'],
        ['--static-oauth-client-info', '@', '{"client_secret":"s"}'],
      ],
    );
    const fromFile = launchCommand(
      parseAppDefinitions({ r: { url: 'https://x.dev/mcp', args: ['--static-oauth-client-info', '@/p/info.json'] } }).specs[0],
      commandLauncher(['m']),
      {},
    );
    assert.deepEqual(fromFile.args, ['https://x.dev/mcp', '--static-oauth-client-info', '@/p/info.json', '--protocol', 'auto'], 'a path stays');
  });

  it('a launcher override replaces the bundled copy', () => {
    const [spec] = parseAppDefinitions({ r: { url: 'https://x.dev/mcp' } }).specs;
    const cmd = launchCommand(spec, commandLauncher(['npx', '-y', 'mcp-remote@0.15.1']), {});
    assert.deepEqual([cmd.command, ...cmd.args], ['npx', '-y', 'mcp-remote@0.15.1', 'https://x.dev/mcp', '--protocol', 'auto']);
  });

  it("mcp-remote reaches both protocol eras (--protocol auto) unless the app's own args say otherwise", () => {
    const args = (a: string[]) => launchCommand(parseAppDefinitions({ r: { url: 'https://x.dev/mcp', args: a } }).specs[0], commandLauncher(['m']), {}).args;
    assert.deepEqual(args([]), ['https://x.dev/mcp', '--protocol', 'auto']);
    assert.deepEqual(args(['--protocol', 'legacy']), ['https://x.dev/mcp', '--protocol', 'legacy']);
    assert.deepEqual(args(['--protocol', '2026-07-28', '--debug']), ['https://x.dev/mcp', '--protocol', '2026-07-28', '--debug']);
    assert.deepEqual(args(['--protocol=legacy']), ['https://x.dev/mcp', '--protocol=legacy']);
  });

  it("passes an explicit environment: allow-listed variables plus the app's own", () => {
    const env = childEnvironment(
      { PATH: '/bin', LC_ALL: 'C', HTTPS_PROXY: 'http://p', GITHUB_TOKEN: 'secret', ELECTRON_RUN_AS_NODE: '1', npm_config_cache: '/c' },
      { MINE: '1' },
    );
    assert.deepEqual(env, { PATH: '/bin', LC_ALL: 'C', HTTPS_PROXY: 'http://p', npm_config_cache: '/c', MINE: '1' });
  });

  it('splits typed command lines without a shell: quotes kept literal, nothing expanded', () => {
    assert.deepEqual(splitCommandLine(`node "my server.js" --name 'a;b' $(whoami) \`id\` x\\ y`), [
      'node',
      'my server.js',
      '--name',
      'a;b',
      '$(whoami)',
      '`id`',
      'x y',
    ]);
    assert.throws(() => splitCommandLine('node "open'), /unterminated/);
  });
});

describe('redaction', () => {
  const r = new Redactor();
  r.addSecret('my-stored-secret-value');
  for (const [input, expected] of [
    ['Authorization: Bearer abc.def.ghi', 'Authorization: Bearer ••••'],
    ['--header Authorization:Bearer xyz123', '--header Authorization:Bearer ••••'],
    ['{"access_token":"abcdef123456"}', '{"access_token":"••••"}'],
    ['token ghp_0123456789abcdefghijABCDEFGHIJ012345 used', 'token •••• used'],
    ['value=my-stored-secret-value;', 'value=••••;'],
    ['https://x.dev/cb?code=1&client_secret=shh', 'https://x.dev/cb?code=••••&client_secret=••••'],
    ['https://auth.dev/authorize?code_challenge=abc&state=x', 'https://auth.dev/authorize?code_challenge=abc&state=x'],
    ['nothing to hide here', 'nothing to hide here'],
  ]) {
    it(`masks: ${input}`, () => assert.equal(r.redact(input), expected));
  }
});
