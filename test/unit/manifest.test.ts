// package.json and the code must agree: the command ids, context keys, view ids, setting keys,
// defaults, bounds and the shape of an app definition each have one source in the code
// (src/manifest, src/pool/definitions); this test fails when package.json drifts from it, and
// when code spells an id out instead of using the constants.
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Commands, ContextKeys, InternalCommands, VIEW_ID } from '../../src/manifest/commands';
import { RESTRICTED_SETTINGS, SECTION, Settings } from '../../src/manifest/settings';
import { type AppSnapshot, DEFAULT_SETTINGS, REMOTE_KEYS, STDIO_KEYS } from '../../src/pool';
import { ContextValues, contextValueOf } from '../../src/views/appState';

function snapshotFor(status: AppSnapshot['status'], authUrl?: string, transport: AppSnapshot['transport'] = 'mcp-remote'): AppSnapshot {
  return {
    name: 'x',
    kind: 'remote',
    transport,
    target: 'https://x',
    status,
    inFlight: 0,
    calls: 0,
    errors: 0,
    starts: 1,
    consecutiveFailures: 0,
    stderrTail: [],
    authUrl,
    pid: authUrl ? 1 : undefined,
  };
}
import { REPO_ROOT } from '../fixtures/paths';

interface Manifest {
  contributes: {
    commands: { command: string; title: string; category?: string; icon?: string }[];
    views: Record<string, { id: string }[]>;
    viewsWelcome: { view: string; when?: string }[];
    menus: Record<string, { command: string; when?: string }[]>;
    configuration: {
      properties: Record<
        string,
        {
          type: string;
          default: unknown;
          minimum?: number;
          maximum?: number;
          additionalProperties?: { oneOf: { required: string[]; properties: Record<string, unknown> }[] };
        }
      >;
    };
  };
  version: string;
  capabilities: { untrustedWorkspaces: { restrictedConfigurations: string[] } };
}

const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as Manifest;
const { contributes } = manifest;
const commandIds = new Set<string>(Object.values(Commands));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? sourceFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('package.json agrees with the code', () => {
  it("the pool introduces itself to servers with package.json's version (from the build, not written twice)", () => {
    assert.equal(DEFAULT_SETTINGS.clientInfo.version, manifest.version);
  });

  it('declares exactly the commands the code implements, each with a title and the category', () => {
    const declared = contributes.commands.map((c) => c.command);
    assert.deepEqual([...declared].sort(), [...commandIds].sort());
    for (const internal of Object.values(InternalCommands)) assert.ok(!declared.includes(internal), `${internal} is internal: not for the palette`);
    assert.equal(new Set(declared).size, declared.length, 'a command is declared twice');
    for (const c of contributes.commands) {
      assert.ok(c.title.trim(), `${c.command} has no title`);
      assert.equal(c.category, 'MCP Pool', `${c.command} is not in the MCP Pool category`);
    }
  });

  it('menus only reference declared commands, and when-clauses only known context keys and views', () => {
    const known = new Set<string>([...Object.values(ContextKeys), VIEW_ID]);
    const clauses: string[] = [];
    for (const [menu, entries] of Object.entries(contributes.menus)) {
      for (const e of entries) {
        assert.ok(commandIds.has(e.command), `${menu} references unknown command ${e.command}`);
        if (e.when) clauses.push(e.when);
      }
    }
    for (const w of contributes.viewsWelcome) clauses.push(w.when ?? '', `view == ${w.view}`);
    const used = clauses.flatMap((w) => w.match(/mcpPool\.[\w.]+/g) ?? []);
    assert.ok(used.length > 10, 'the when-clauses were read');
    for (const key of used) assert.ok(known.has(key), `unknown context key or view "${key}" in a when-clause`);
    assert.ok(
      Object.values(contributes.views)
        .flat()
        .some((v) => v.id === VIEW_ID),
      `view ${VIEW_ID} is not contributed`,
    );
  });

  it('declares exactly the settings the code reads, with the same defaults and bounds as the pool', () => {
    const props = contributes.configuration.properties;
    const expected = Object.values(Settings).map((s) => `${SECTION}.${s.key}`);
    assert.deepEqual(Object.keys(props).sort(), [...expected].sort());
    for (const s of Object.values(Settings)) {
      const p = props[`${SECTION}.${s.key}`];
      assert.deepEqual(p.default, s.default, `default of ${s.key}`);
      if ('minimum' in s) {
        assert.equal(p.minimum, s.minimum, `minimum of ${s.key}`);
        assert.equal(p.maximum, 'maximum' in s ? s.maximum : undefined, `maximum of ${s.key}`);
        assert.equal(p.type, 'integer' in s && s.integer ? 'integer' : 'number', `type of ${s.key}`);
      }
    }
    // The defaults a user reads are what the pool does.
    assert.equal(props['mcpPool.idleTimeout'].default, DEFAULT_SETTINGS.idleTimeoutMs / 1000);
    assert.equal(props['mcpPool.callTimeout'].default, DEFAULT_SETTINGS.callTimeoutMs / 1000);
    assert.equal(props['mcpPool.startTimeout'].default, DEFAULT_SETTINGS.startTimeoutMs / 1000);
    assert.equal(props['mcpPool.livenessInterval'].default, DEFAULT_SETTINGS.livenessIntervalMs / 1000);
    assert.equal(props['mcpPool.maxSize'].default, DEFAULT_SETTINGS.maxSize);
  });

  it('menus match only context values the tree really gives its rows, and every row kind has a menu', () => {
    // Every contextValue a row can have: app states (direct or not, with .auth), blocked/invalid apps, tools, messages.
    const statuses = ['starting', 'idle', 'busy', 'stopping', 'stopped', 'crashed'] as const;
    const values = new Set<string>([...Object.values(ContextValues)]);
    for (const status of statuses) {
      for (const authUrl of [undefined, 'https://auth.example.com/x']) {
        for (const transport of ['mcp-remote', 'direct'] as const) values.add(contextValueOf(snapshotFor(status, authUrl, transport)));
      }
    }
    const patterns = contributes.menus['view/item/context'].map((e) => ({ command: e.command, when: e.when ?? '' }));
    const matchers = patterns.map(({ command, when }) => {
      const eq = /viewItem == ([\w.]+)/.exec(when);
      const re = /viewItem =~ \/(.+?)\/(?:\s|$)/.exec(when);
      assert.ok(eq || re, `${command}: no viewItem condition in "${when}"`);
      return { command, test: (v: string) => (eq ? v === eq[1] : new RegExp(re![1].replace(/\\\\/g, '\\')).test(v)) };
    });
    for (const m of matchers)
      assert.ok(
        [...values].some((v) => m.test(v)),
        `${m.command}: its viewItem condition matches no row the tree renders`,
      );
    for (const v of values) {
      if (v === ContextValues.message) continue; // informational rows have no actions
      assert.ok(
        matchers.some((m) => m.test(v)),
        `rows with contextValue ${v} have no menu`,
      );
    }
  });

  it("the list settings are arrays of strings, and the descriptions quote the pool's real limits", () => {
    const props = contributes.configuration.properties as Record<string, { type: string; items?: { type: string }; markdownDescription?: string }>;
    for (const key of [Settings.prewarm.key, Settings.mcpRemoteCommand.key]) {
      assert.equal(props[`${SECTION}.${key}`].type, 'array', key);
      assert.equal(props[`${SECTION}.${key}`].items?.type, 'string', key);
    }
    assert.match(props['mcpPool.maxSize'].markdownDescription ?? '', new RegExp(`waits up to ${DEFAULT_SETTINGS.acquireTimeoutMs / 1000} s`));
    assert.match(props['mcpPool.startTimeout'].markdownDescription ?? '', new RegExp(`up to ${DEFAULT_SETTINGS.authTimeoutMs / 60_000} minutes`));
    assert.match(
      props['mcpPool.livenessInterval'].markdownDescription ?? '',
      new RegExp(`two pings in a row \\(${DEFAULT_SETTINGS.pingTimeoutMs / 1000} s each\\)`),
    );
  });

  it('restricts in untrusted workspaces exactly the settings the code treats as restricted', () => {
    const restricted = manifest.capabilities.untrustedWorkspaces.restrictedConfigurations;
    assert.deepEqual([...restricted].sort(), RESTRICTED_SETTINGS.map((k) => `${SECTION}.${k}`).sort());
  });

  it('describes an app definition with the same fields the validator accepts', () => {
    const forms = contributes.configuration.properties['mcpPool.apps'].additionalProperties!.oneOf;
    const remote = forms.find((f) => f.required.includes('url'))!;
    const stdio = forms.find((f) => f.required.includes('command'))!;
    assert.deepEqual(Object.keys(remote.properties).sort(), [...REMOTE_KEYS].sort());
    assert.deepEqual(Object.keys(stdio.properties).sort(), [...STDIO_KEYS].sort());
  });

  it('the code spells out no mcpPool.* id or key: commands, settings, views, context keys and storage keys come from src/manifest', () => {
    const offenders: string[] = [];
    const files = sourceFiles(join(REPO_ROOT, 'src')).filter((f) => !f.includes(`${join('src', 'manifest')}`));
    assert.ok(files.length > 30, 'the sources were found');
    for (const file of files) {
      // code only: comments may name settings the way users read them
      const text = readFileSync(file, 'utf8')
        .split('\n')
        .filter((line) => !/^\s*(\/\/|\/?\*)/.test(line))
        .join('\n');
      // any string that starts with the prefix: a misspelled id is as wrong as a duplicated one
      for (const m of text.matchAll(/['"`](mcpPool\.[\w.${}]*)/g)) offenders.push(`${file.slice(REPO_ROOT.length + 1)}: ${m[1]}`);
    }
    assert.deepEqual(offenders, []);
  });
});
