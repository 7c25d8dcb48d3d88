// Reads the extension's settings into what the pool needs, validated, with workspace trust
// applied: app definitions that come from workspace settings never run in an untrusted
// workspace, and the view says so.
import { readFileSync } from 'node:fs';
import { parse as parseJsonc } from 'jsonc-parser/lib/esm/main.js';
import * as vscode from 'vscode';
import {
  clientMetadataUrlProblem,
  parseAppDefinitions,
  REMOTE_TRANSPORT_SETTINGS,
  type DefinitionProblem,
  type PoolSettings,
  type AppSpec,
  type RemoteTransportSetting,
} from '../pool';
import { type NumberSetting, SECTION, type SettingKey, Settings, settingId } from '../manifest/settings';

export interface PoolConfig {
  readonly specs: AppSpec[];
  readonly problems: DefinitionProblem[];
  /** Apps defined in workspace settings that are not run because the workspace is untrusted. */
  readonly blocked: string[];
  readonly settings: Partial<PoolSettings>;
  readonly prewarm: string[];
  /** Empty: the bundled mcp-remote. */
  readonly mcpRemoteCommand: string[];
}

type Inspected<T> = ReturnType<vscode.WorkspaceConfiguration['inspect']> & { globalValue?: T; workspaceValue?: T; workspaceFolderValue?: T };

export function affectsPool(e: vscode.ConfigurationChangeEvent): boolean {
  return e.affectsConfiguration(SECTION);
}

export function readConfig(trusted: boolean): PoolConfig {
  const cfg = vscode.workspace.getConfiguration(SECTION);
  const problems: DefinitionProblem[] = [];
  const blocked: string[] = [];

  // Apps: merge user, workspace and folder values by name (later wins) — trusted only for the latter two.
  const apps = cfg.inspect<Record<string, unknown>>(Settings.apps.key) as Inspected<Record<string, unknown>> | undefined;
  // No prototype, and keys defined rather than assigned: an app named "__proto__" must reach the
  // validator (which rejects it by name), not replace the merged object's prototype.
  const merged: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const [scope, value] of [
    ['user', apps?.globalValue],
    ['workspace', apps?.workspaceValue],
    ['folder', apps?.workspaceFolderValue],
  ] as const) {
    if (value === undefined) continue;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      problems.push({
        app: `(${scope} settings)`,
        field: settingId(Settings.apps.key),
        message: 'must be an object mapping app names to definitions',
        severity: 'error',
      });
      continue;
    }
    if (scope !== 'user' && !trusted) {
      blocked.push(...Object.keys(value));
      continue;
    }
    for (const [name, def] of Object.entries(value)) Object.defineProperty(merged, name, { value: def, enumerable: true, writable: true, configurable: true });
  }
  if (!trusted) {
    // VS Code hides workspace values of restricted settings while untrusted, so inspect() does
    // not show them: read the workspace's own settings files to name what is being held back.
    for (const name of workspaceAppNames()) if (!blocked.includes(name)) blocked.push(name);
  }
  const transportSetting = cfg.get<unknown>(Settings.remoteTransport.key);
  let remoteTransport: RemoteTransportSetting = Settings.remoteTransport.default;
  if (typeof transportSetting === 'string' && (REMOTE_TRANSPORT_SETTINGS as readonly string[]).includes(transportSetting))
    remoteTransport = transportSetting as RemoteTransportSetting;
  else if (transportSetting !== undefined && transportSetting !== null) {
    problems.push({
      app: '(settings)',
      field: settingId(Settings.remoteTransport.key),
      message: `must be ${REMOTE_TRANSPORT_SETTINGS.map((t) => `"${t}"`).join(', ')}; using "${remoteTransport}"`,
      severity: 'warning',
    });
  }
  const parsed = parseAppDefinitions(merged, { remoteTransport });
  problems.push(...parsed.problems);

  // An invalid value falls back to the default (not to an earlier valid value), so the warning's
  // "using N" is what the pool then does.
  const number = (setting: NumberSetting): number => {
    const v = cfg.get<unknown>(setting.key);
    const ok =
      typeof v === 'number' &&
      Number.isFinite(v) &&
      v >= setting.minimum &&
      (setting.maximum === undefined || v <= setting.maximum) &&
      (!setting.integer || Number.isInteger(v));
    if (ok) return v;
    if (v !== undefined && v !== null) {
      const range = setting.maximum === undefined ? `≥ ${setting.minimum}` : `from ${setting.minimum} to ${setting.maximum}`;
      problems.push({
        app: '(settings)',
        field: settingId(setting.key as SettingKey),
        message: `must be a ${setting.integer ? 'whole number' : 'number'} ${range}; using ${setting.default}`,
        severity: 'warning',
      });
    }
    return setting.default;
  };
  const settings: Partial<PoolSettings> = {
    // the user's own value only (an application setting): a workspace never chooses the client ID a sign-in presents
    oauthClientMetadataUrl: clientMetadataUrl(cfg.inspect<unknown>(Settings.oauthClientMetadataUrl.key)?.globalValue, problems),
    idleTimeoutMs: number(Settings.idleTimeout) * 1000,
    callTimeoutMs: number(Settings.callTimeout) * 1000,
    startTimeoutMs: number(Settings.startTimeout) * 1000,
    livenessIntervalMs: number(Settings.livenessInterval) * 1000,
    maxSize: number(Settings.maxSize),
  };

  const trustedArray = (key: typeof Settings.prewarm.key | typeof Settings.mcpRemoteCommand.key): string[] => {
    const info = cfg.inspect<unknown>(key);
    const value = trusted ? cfg.get<unknown>(key) : info?.globalValue;
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
      problems.push({ app: '(settings)', field: settingId(key), message: 'must be an array of strings; ignored', severity: 'warning' });
      return [];
    }
    return value as string[];
  };
  const prewarm = trustedArray(Settings.prewarm.key);
  const names = new Set(parsed.specs.map((s) => s.name));
  for (const p of prewarm) {
    if (!names.has(p))
      problems.push({ app: p, field: settingId(Settings.prewarm.key), message: 'is listed for prewarm but no such app is configured', severity: 'warning' });
  }
  return {
    specs: parsed.specs,
    problems,
    blocked,
    settings,
    prewarm: prewarm.filter((p) => names.has(p)),
    mcpRemoteCommand: trustedArray(Settings.mcpRemoteCommand.key),
  };
}

/** The client ID metadata document's URL, or '' (none, or a value that is no such URL: said as a problem). */
function clientMetadataUrl(value: unknown, problems: DefinitionProblem[]): string {
  if (value === undefined || value === null || value === '') return '';
  const problem = typeof value === 'string' ? clientMetadataUrlProblem(value) : 'must be a string';
  if (!problem) return value as string;
  problems.push({
    app: '(settings)',
    field: settingId(Settings.oauthClientMetadataUrl.key),
    message: `${problem}; ignored (direct apps register with the authorization server instead)`,
    severity: 'warning',
  });
  return '';
}

/** Names of apps defined in the workspace's settings files (folder settings and .code-workspace). */
function workspaceAppNames(): string[] {
  const files = (vscode.workspace.workspaceFolders ?? [])
    .filter((f) => f.uri.scheme === 'file')
    .map((f) => ({ path: vscode.Uri.joinPath(f.uri, '.vscode', 'settings.json').fsPath, nested: false }));
  const wsFile = vscode.workspace.workspaceFile;
  if (wsFile?.scheme === 'file') files.push({ path: wsFile.fsPath, nested: true });
  const names: string[] = [];
  for (const file of files) {
    let doc: unknown;
    try {
      doc = parseJsonc(readFileSync(file.path, 'utf8'));
    } catch {
      continue; // no such file, or unreadable: nothing to report as blocked
    }
    const settings = file.nested ? (doc as { settings?: unknown } | undefined)?.settings : doc;
    const apps = (settings as Record<string, unknown> | undefined)?.[settingId(Settings.apps.key)];
    if (apps && typeof apps === 'object' && !Array.isArray(apps)) names.push(...Object.keys(apps));
  }
  return names;
}

export function formatProblem(p: DefinitionProblem): string {
  return `${p.app}${p.field ? ` → ${p.field}` : ''}: ${p.message}`;
}
