// The extension's settings: keys, defaults and bounds, in one place. package.json's
// `contributes.configuration` must agree (test/unit/manifest.test.ts), and the defaults are the
// pool's own (DEFAULT_SETTINGS), so what the settings UI shows is what the pool does.
import { DEFAULT_SETTINGS, MAX_TIMER_MS, type RemoteTransportSetting } from '../pool';

/** The longest duration a setting may ask for, in seconds (a longer timer would fire at once). */
const MAX_SECONDS = Math.floor(MAX_TIMER_MS / 1000);

export const SECTION = 'mcpPool';

export interface NumberSetting {
  readonly key: string;
  readonly default: number;
  readonly minimum: number;
  readonly maximum?: number;
  readonly integer?: boolean;
}

export const Settings = {
  apps: { key: 'apps', default: {} as Record<string, never> },
  idleTimeout: { key: 'idleTimeout', default: DEFAULT_SETTINGS.idleTimeoutMs / 1000, minimum: 0, maximum: MAX_SECONDS },
  maxSize: { key: 'maxSize', default: DEFAULT_SETTINGS.maxSize, minimum: 1, maximum: 100, integer: true },
  callTimeout: { key: 'callTimeout', default: DEFAULT_SETTINGS.callTimeoutMs / 1000, minimum: 1, maximum: MAX_SECONDS },
  startTimeout: { key: 'startTimeout', default: DEFAULT_SETTINGS.startTimeoutMs / 1000, minimum: 1, maximum: MAX_SECONDS },
  livenessInterval: { key: 'livenessInterval', default: DEFAULT_SETTINGS.livenessIntervalMs / 1000, minimum: 0, maximum: MAX_SECONDS },
  prewarm: { key: 'prewarm', default: [] as string[] },
  mcpRemoteCommand: { key: 'mcpRemoteCommand', default: [] as string[] },
  /** How remote apps without their own "transport" are reached: an mcp-remote process, or directly over HTTP. */
  remoteTransport: { key: 'remoteTransport', default: 'auto' as RemoteTransportSetting },
  /** Direct apps' OAuth: the client ID metadata document's URL, the client_id where the authorization server takes one. */
  oauthClientMetadataUrl: { key: 'oauthClientMetadataUrl', default: '' as string },
  /** The local gateway: the pool's apps for terminals, `mcp-pool`, other MCP clients and VS Code's own MCP. */
  gatewayEnabled: { key: 'gateway.enabled', default: true as boolean },
  /** The pooled apps as VS Code's own MCP servers (through the gateway). */
  gatewayVscodeMcp: { key: 'gateway.vscodeMcp', default: true as boolean },
} as const satisfies Record<string, NumberSetting | { readonly key: string; readonly default: unknown }>;

export type SettingKey = (typeof Settings)[keyof typeof Settings]['key'];

/** `mcpPool.<key>`, as in settings files and package.json. */
export function settingId(key: SettingKey): string {
  return `${SECTION}.${key}`;
}

/**
 * Settings that can make the editor run a program, or open the pool to other processes: ignored
 * from workspace settings in an untrusted workspace (package.json `restrictedConfigurations` lists the same).
 */
export const RESTRICTED_SETTINGS: readonly SettingKey[] = [
  Settings.apps.key,
  Settings.mcpRemoteCommand.key,
  Settings.prewarm.key,
  Settings.gatewayEnabled.key,
  Settings.gatewayVscodeMcp.key,
  // (the client ID every direct sign-in presents: a workspace must not choose it)
  Settings.oauthClientMetadataUrl.key,
  // (whether the user's remote apps run mcp-remote processes or connect from the editor)
  Settings.remoteTransport.key,
];
