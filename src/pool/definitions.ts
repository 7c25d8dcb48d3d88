// Validation of app definitions as users write them (settings JSON), into AppSpecs.
// Every problem names the app and the field, so a user can fix it without guessing.

import { type AppSpec, type RemoteTransport, type RemoteTransportSetting, TRANSPORT_STRATEGIES } from './types';
import { mcpRemoteOnly } from './remoteChoice';
import { parseProtocol, protocolArg, protocolProblem } from './protocolChoice';
import { hasSecretParameter } from './redact';

export interface DefinitionProblem {
  readonly app: string;
  readonly field?: string;
  readonly message: string;
  /** Errors drop the app; warnings keep it. */
  readonly severity: 'error' | 'warning';
}

export interface ParsedDefinitions {
  readonly specs: AppSpec[];
  readonly problems: DefinitionProblem[];
}

/** A remote app as written in `mcpPool.apps`: the one definition of its shape. */
export interface RemoteAppDefinition {
  url: string;
  args?: string[];
  headers?: Record<string, string>;
  env?: Record<string, string>;
  allowHttp?: boolean;
  idleTimeout?: number;
  description?: string;
  /** Through an mcp-remote process, or directly over HTTP from the editor (default: the setting mcpPool.remoteTransport). */
  transport?: RemoteTransport;
}

/** A stdio app as written in `mcpPool.apps`. */
export interface StdioAppDefinition {
  command: string;
  args?: string[];
  env?: Record<string, string>;
  cwd?: string;
  idleTimeout?: number;
  description?: string;
}

export type AppDefinition = RemoteAppDefinition | StdioAppDefinition;

/** The fields of each kind, at run time (package.json's schema must list the same: test/unit/manifest.test.ts). */
export const REMOTE_KEYS = [
  'url',
  'args',
  'headers',
  'env',
  'idleTimeout',
  'allowHttp',
  'description',
  'transport',
] as const satisfies readonly (keyof RemoteAppDefinition)[];
export const STDIO_KEYS = ['command', 'args', 'env', 'cwd', 'idleTimeout', 'description'] as const satisfies readonly (keyof StdioAppDefinition)[];
// Compile-time: every field of the interfaces is in the lists.
const _allRemote: Exclude<keyof RemoteAppDefinition, (typeof REMOTE_KEYS)[number]> extends never ? true : never = true;
const _allStdio: Exclude<keyof StdioAppDefinition, (typeof STDIO_KEYS)[number]> extends never ? true : never = true;
void _allRemote;
void _allStdio;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// eslint-disable-next-line no-control-regex -- control characters are what these look for
const CONTROL = /[\u0000-\u001f\u007f]/;
// eslint-disable-next-line no-control-regex
const CONTROL_BUT_TAB = /[\u0000-\u0008\u000a-\u001f\u007f]/;
/** Names that would act on objects' prototypes wherever a name becomes a key. */
const RESERVED_NAMES = new Set(['__proto__', 'constructor', 'prototype']);
/** Longest app name accepted (it is shown in the tree, channel names and log lines). */
const MAX_NAME = 64;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Shortest idle timeout other than 0 (never), in seconds: an app stopped sooner would restart on almost every use. */
const MIN_IDLE_SECONDS = 1;
/** Longest idle timeout accepted, in seconds (one week). */
const MAX_IDLE_SECONDS = 7 * 24 * 3600;

export function isLocalHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

export const REMOTE_TRANSPORTS: readonly RemoteTransport[] = ['mcp-remote', 'direct'];
/** The values of the setting mcpPool.remoteTransport (`auto`: remoteChoice.ts). */
export const REMOTE_TRANSPORT_SETTINGS: readonly RemoteTransportSetting[] = ['auto', 'mcp-remote', 'direct'];
const TRANSPORT_MODES: readonly (string | undefined)[] = TRANSPORT_STRATEGIES;

export interface ParseOptions {
  /** How a remote app without its own "transport" is reached (the setting mcpPool.remoteTransport). */
  readonly remoteTransport?: RemoteTransportSetting;
}

/**
 * Turns a name → definition map into validated specs. Invalid apps are left out and reported;
 * the other apps are unaffected.
 */
export function parseAppDefinitions(raw: unknown, options: ParseOptions = {}): ParsedDefinitions {
  const specs: AppSpec[] = [];
  const problems: DefinitionProblem[] = [];
  if (raw === undefined || raw === null) return { specs, problems };
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    problems.push({ app: '(settings)', message: 'apps must be an object mapping app names to definitions', severity: 'error' });
    return { specs, problems };
  }
  const seen = new Map<string, string>();
  for (const [rawName, def] of Object.entries(raw as Record<string, unknown>)) {
    const name = rawName.trim();
    const report = (message: string, field?: string, severity: 'error' | 'warning' = 'error') =>
      problems.push({ app: name || JSON.stringify(rawName), field, message, severity });
    if (!name) {
      report('app name is empty');
      continue;
    }
    if (RESERVED_NAMES.has(name)) {
      report(`"${name}" is reserved (it means something to JavaScript objects); choose another name`);
      continue;
    }
    if (CONTROL.test(name) || name.length > MAX_NAME) {
      // a line break in a name would let anything that prints it forge log lines
      problems.push({
        app: JSON.stringify(rawName.slice(0, MAX_NAME)),
        message: `app name must be at most ${MAX_NAME} characters without line breaks or control characters`,
        severity: 'error',
      });
      continue;
    }
    const clash = seen.get(name.toLowerCase());
    if (clash !== undefined) {
      report(`duplicate app name (same as "${clash}" ignoring case and spaces)`);
      continue;
    }
    seen.set(name.toLowerCase(), rawName);
    const spec = parseOne(name, def, report, options.remoteTransport ?? 'auto');
    if (spec) specs.push(spec);
  }
  return { specs, problems };
}

type Report = (message: string, field?: string, severity?: 'error' | 'warning') => void;

function parseOne(name: string, def: unknown, report: Report, defaultTransport: RemoteTransportSetting): AppSpec | undefined {
  if (typeof def !== 'object' || def === null || Array.isArray(def)) {
    report('definition must be an object with either "url" (remote) or "command" (stdio)');
    return undefined;
  }
  const d = def as Record<string, unknown>;
  const hasUrl = d.url !== undefined;
  const hasCommand = d.command !== undefined;
  if (hasUrl === hasCommand) {
    report(hasUrl ? 'set either "url" or "command", not both' : 'missing "url" (remote server) or "command" (stdio server)', hasUrl ? 'url' : undefined);
    return undefined;
  }
  const known: readonly string[] = hasUrl ? REMOTE_KEYS : STDIO_KEYS;
  for (const key of Object.keys(d)) {
    if (!known.includes(key)) {
      const hint =
        hasUrl && (STDIO_KEYS as readonly string[]).includes(key)
          ? ' (only for stdio apps)'
          : hasCommand && (REMOTE_KEYS as readonly string[]).includes(key)
            ? ' (only for remote apps)'
            : '';
      report(`unknown field "${key}"${hint}; it is ignored`, key, 'warning');
    }
  }

  let ok = true;
  const fail = (message: string, field: string) => {
    report(message, field);
    ok = false;
  };
  const args = stringArray(d.args, 'args', fail);
  args.forEach((a, i) => a.includes('\0') && fail('contains a NUL character, which no program can receive', `args[${i}]`));
  args.forEach(
    (a, i) =>
      /\$\{secret:/.test(a) &&
      report(
        `\${secret:…} is not replaced in args: a command line is readable by every user of this machine (ps); pass the secret in ${hasUrl ? '"headers"' : '"env"'} instead`,
        `args[${i}]`,
        'warning',
      ),
  );
  const env = stringMap(d.env, 'env', fail, (k, v) => {
    if (!ENV_NAME.test(k)) return `"${k}" is not a valid environment variable name`;
    if (v.includes('\0')) return `value of "${k}" contains a NUL character, which an environment cannot hold`;
    return undefined;
  });
  let description: string | undefined;
  if (d.description !== undefined) {
    if (typeof d.description !== 'string') report('must be a string (what the app is for); ignored', 'description', 'warning');
    else if (d.description.trim()) description = d.description.trim();
  }
  const described = description ? { description } : {};
  let idleTimeoutMs: number | undefined;
  if (d.idleTimeout !== undefined) {
    if (typeof d.idleTimeout !== 'number' || !Number.isFinite(d.idleTimeout) || d.idleTimeout < 0 || d.idleTimeout > MAX_IDLE_SECONDS) {
      fail(`must be a number of seconds between 0 (never evict) and ${MAX_IDLE_SECONDS}`, 'idleTimeout');
    } else if (d.idleTimeout > 0 && d.idleTimeout < MIN_IDLE_SECONDS) {
      // (rounded to whole milliseconds, a value below 0.0005 s became 0: "never")
      report(
        `${d.idleTimeout} s is below the shortest idle timeout (${MIN_IDLE_SECONDS} s); using ${MIN_IDLE_SECONDS} s (0 keeps the app running)`,
        'idleTimeout',
        'warning',
      );
      idleTimeoutMs = MIN_IDLE_SECONDS * 1000;
    } else {
      idleTimeoutMs = Math.round(d.idleTimeout * 1000);
    }
  }

  if (hasUrl) {
    if (d.allowHttp !== undefined && typeof d.allowHttp !== 'boolean') fail('must be true or false', 'allowHttp');
    const url = parseUrl(d.url, d.allowHttp === true || args.includes('--allow-http'), fail);
    const headers = stringMap(d.headers, 'headers', fail, (k, v) => {
      if (!HEADER_NAME.test(k)) return `"${k}" is not a valid header name`;
      if (/[\r\n]/.test(v)) return `value of "${k}" contains a line break`;
      if (CONTROL_BUT_TAB.test(v)) return `value of "${k}" contains a control character`;
      return undefined;
    });
    let transport: RemoteTransport = defaultTransport === 'auto' ? 'direct' : defaultTransport;
    let transportChoice: string | undefined;
    if (defaultTransport === 'auto' && d.transport === undefined) {
      const why = mcpRemoteOnly(args, env);
      transport = why ? 'mcp-remote' : 'direct';
      transportChoice = why ? `through mcp-remote: ${why}` : 'direct (no process)';
    }
    if (d.transport !== undefined) {
      if (typeof d.transport !== 'string' || !(REMOTE_TRANSPORTS as readonly string[]).includes(d.transport))
        fail(`must be ${REMOTE_TRANSPORTS.map((t) => `"${t}"`).join(' or ')}`, 'transport');
      else transport = d.transport as RemoteTransport;
    }
    const protocol = protocolProblem(args);
    if (protocol && transport === 'direct')
      fail(`${protocol}; a direct app follows mcp-remote's --protocol: legacy (2025 only), auto (either era, the default) or a revision to pin`, 'args');
    else if (protocol) report(`${protocol}; mcp-remote ignores it and speaks only 2025 to the server`, 'args', 'warning');
    else if (transport === 'mcp-remote' && parseProtocol(protocolArg(args) ?? 'auto')?.kind === 'modern')
      report(
        `mcp-remote knows "--protocol legacy" and "auto" only: it ignores "--protocol ${protocolArg(args)}" and speaks only 2025 to the server; use "auto", or "transport": "direct" (which pins it)`,
        'args',
        'warning',
      );
    if (!ok || url === undefined) return undefined;
    if (transport === 'direct') {
      // no mcp-remote process: its arguments and environment have nothing to apply to
      // --transport <mode>, --protocol <mode> and --allow-http mean the same for a direct app; the rest is mcp-remote's alone
      const followed = (a: string, i: number) =>
        a === '--allow-http' ||
        a === '--transport' ||
        args[i - 1] === '--transport' ||
        a === '--protocol' ||
        a.startsWith('--protocol=') ||
        args[i - 1] === '--protocol';
      const unused = args.filter((a, i) => !followed(a, i));
      const mode = args[args.indexOf('--transport') + 1];
      if (args.includes('--transport') && !TRANSPORT_MODES.includes(mode))
        report(
          `"--transport ${mode ?? ''}" is not one of ${TRANSPORT_MODES.join(', ')}; a direct app tries Streamable HTTP, then legacy SSE`,
          'args',
          'warning',
        );
      if (unused.length && !transportChoice)
        report(`mcp-remote arguments are not used by a direct app (${unused.join(' ')}); they are ignored`, 'args', 'warning');
      if (Object.keys(env).length) report('a direct app runs no process, so "env" is not used; it is ignored', 'env', 'warning');
    }
    if (transport === 'mcp-remote' && hasSecretParameter(d.url as string))
      report(
        'the URL carries what looks like a key (?token=, ?api_key=…): mcp-remote gets the URL on its command line, which every user of this machine can read (ps); pass the key in "headers", or use "transport": "direct" (no process)',
        'url',
        'warning',
      );
    const extra = d.allowHttp === true && !args.includes('--allow-http') ? [...args, '--allow-http'] : args;
    return { kind: 'remote', name, url, args: extra, headers, env, idleTimeoutMs, transport, ...(transportChoice ? { transportChoice } : {}), ...described };
  }

  let command: string | undefined;
  if (typeof d.command !== 'string' || !d.command.trim()) fail('must be a non-empty string (the program to run, without arguments)', 'command');
  else if (CONTROL.test(d.command)) fail('contains a control character', 'command');
  else command = d.command.trim();
  let cwd: string | undefined;
  if (d.cwd !== undefined) {
    if (typeof d.cwd !== 'string' || !d.cwd.trim()) fail('must be a non-empty path', 'cwd');
    else if (CONTROL.test(d.cwd)) fail('contains a control character', 'cwd');
    else cwd = d.cwd;
  }
  if (!ok || command === undefined) return undefined;
  return { kind: 'stdio', name, command, args, env, cwd, idleTimeoutMs, ...described };
}

function parseUrl(value: unknown, allowHttp: boolean, fail: (m: string, f: string) => void): string | undefined {
  if (typeof value !== 'string' || !value.trim()) {
    fail('must be a non-empty URL such as https://example.com/mcp', 'url');
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    fail(`"${value}" is not a valid URL`, 'url');
    return undefined;
  }
  if (url.username || url.password) {
    // they would be shown in the tree, logged, and passed on mcp-remote's command line
    fail(
      'must not contain credentials (user:password@): put them in a header, e.g. "headers": { "Authorization": "Basic ${secret:NAME}" } with the value stored by MCP Pool: Store Secret…',
      'url',
    );
    return undefined;
  }
  if (CONTROL.test(value)) {
    fail('contains a control character', 'url');
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    fail(`scheme "${url.protocol}" is not supported; use https:// (or http:// for a local server)`, 'url');
    return undefined;
  }
  if (url.protocol === 'http:' && !isLocalHost(url.hostname) && !allowHttp) {
    fail(`plain http to the non-local host "${url.hostname}" sends credentials unencrypted; use https, or set "allowHttp": true to accept the risk`, 'url');
    return undefined;
  }
  return url.toString();
}

function stringArray(value: unknown, field: string, fail: (m: string, f: string) => void): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    fail('must be an array of strings', field);
    return [];
  }
  return [...(value as string[])];
}

function stringMap(
  value: unknown,
  field: string,
  fail: (m: string, f: string) => void,
  check: (key: string, value: string) => string | undefined,
): Record<string, string> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail('must be an object of string values', field);
    return {};
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v !== 'string') {
      fail(`value of "${k}" must be a string`, `${field}.${k}`);
      continue;
    }
    const problem = check(k, v);
    if (problem) fail(problem, `${field}.${k}`);
    else out[k] = v;
  }
  return out;
}

/** Whether two specs would run the same process (so a settings change need not restart it). */
/** Same definition, whatever the order of the keys of env and headers (reordering must not restart an app). */
export function sameSpec(a: AppSpec, b: AppSpec): boolean {
  return canonical(a) === canonical(b);
}

/** Whether two specs run the same, whatever they say about it (why the setting "auto" chose their transport, their description). */
export function sameRun(a: AppSpec, b: AppSpec): boolean {
  const bare = (s: AppSpec): AppSpec => (s.kind === 'remote' ? { ...s, transportChoice: undefined, description: undefined } : { ...s, description: undefined });
  return sameSpec(bare(a), bare(b));
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)))
      : v,
  );
}

/**
 * What no process, environment or header can hold, in a spec that did not come through
 * parseAppDefinitions (the pool's API) or that had secrets resolved into it: the field and the
 * reason, never the value (it may be a secret). Undefined when the spec can be started.
 */
export function specProblem(spec: AppSpec): string | undefined {
  const isString = (v: unknown): v is string => typeof v === 'string';
  const nul = 'contains a NUL character, which no program can receive';
  if (!isString(spec.name) || !spec.name.trim() || CONTROL.test(spec.name)) return 'the app name must be a non-empty string without control characters';
  const args: unknown = spec.args;
  if (!Array.isArray(args)) return 'args must be an array of strings';
  for (const [i, a] of (args as unknown[]).entries()) {
    if (!isString(a)) return `args[${i}] must be a string`;
    if (a.includes('\0')) return `args[${i}] ${nul}`;
  }
  const env: unknown = spec.env;
  if (typeof env !== 'object' || env === null || Array.isArray(env)) return 'env must be an object of string values';
  for (const [k, v] of Object.entries(env as Record<string, unknown>)) {
    if (!k || k.includes('=') || CONTROL.test(k)) return `env: ${JSON.stringify(k.slice(0, 64))} is not a valid environment variable name`;
    if (!isString(v)) return `env.${k} must be a string`;
    if (v.includes('\0')) return `env.${k} contains a NUL character, which an environment cannot hold`;
  }
  if (spec.idleTimeoutMs !== undefined && (typeof spec.idleTimeoutMs !== 'number' || !(spec.idleTimeoutMs >= 0))) return 'idleTimeoutMs must be a number ≥ 0';
  if (spec.kind === 'remote') {
    if (!isString(spec.url) || CONTROL.test(spec.url)) return 'url must be a string without control characters';
    const headers: unknown = spec.headers;
    if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) return 'headers must be an object of string values';
    for (const [k, v] of Object.entries(headers as Record<string, unknown>)) {
      if (!HEADER_NAME.test(k)) return `headers: ${JSON.stringify(k.slice(0, 64))} is not a valid header name`;
      if (!isString(v)) return `headers.${k} must be a string`;
      if (CONTROL_BUT_TAB.test(v)) return `headers.${k} contains a line break, NUL or other control character, which a header cannot hold`;
    }
    return undefined;
  }
  if (spec.kind !== 'stdio') return 'kind must be "remote" or "stdio"';
  if (!isString(spec.command) || !spec.command.trim()) return 'command must be a non-empty string';
  if (CONTROL.test(spec.command)) return 'command contains a control character';
  if (spec.cwd !== undefined && (!isString(spec.cwd) || CONTROL.test(spec.cwd))) return 'cwd must be a string without control characters';
  return undefined;
}
