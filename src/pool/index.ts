// Public surface of the pool core (vscode-free).
export { Pool, type PoolOptions, type ConfigureResult } from './apps/pool';
export { PoolError, type PoolErrorCode } from './errors';
export {
  parseAppDefinitions,
  isLocalHost,
  REMOTE_KEYS,
  REMOTE_TRANSPORTS,
  REMOTE_TRANSPORT_SETTINGS,
  STDIO_KEYS,
  type ParseOptions,
  type AppDefinition,
  type RemoteAppDefinition,
  type StdioAppDefinition,
  type DefinitionProblem,
  type ParsedDefinitions,
} from './definitions';
export type { FetchLike } from './direct/directTransport';
export { MemorySignInStore, signInKey, type SignInStore, type StoredSignIn } from './direct/signIn';
export type { EraVerdict, EraVerdictStore, ServerVerdict } from './session/eraMemory';
export { bundledLauncher, commandLauncher, describeTarget, type McpRemoteLauncher } from './process/launch';
export { clientMetadataUrlProblem, DEFAULT_SETTINGS, MAX_TIMER_MS, type PoolSettings } from './settings';
export { Redactor } from './redact';
export type { ClientHooks, RootsHook, Root, ElicitRequestParams, ElicitResult, CreateMessageRequestParams, CreateMessageResult } from './session/clientHooks';
export { treeRss } from './process/processTree';
export * from './types';
