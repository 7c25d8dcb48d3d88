// Public surface of the pool core (vscode-free).
export { Pool, type PoolOptions, type ConfigureResult } from './pool';
export { PoolError, type PoolErrorCode } from './errors';
export { parseAppDefinitions, isLocalHost, REMOTE_KEYS, REMOTE_TRANSPORTS, STDIO_KEYS, type ParseOptions, type AppDefinition, type RemoteAppDefinition, type StdioAppDefinition, type DefinitionProblem, type ParsedDefinitions } from './definitions';
export type { FetchLike } from './directTransport';
export { MemorySignInStore, signInKey, type SignInStore, type StoredSignIn } from './signIn';
export { bundledLauncher, commandLauncher, describeTarget, type McpRemoteLauncher } from './launch';
export { DEFAULT_SETTINGS, type PoolSettings } from './settings';
export { Redactor } from './redact';
export type { ClientHooks, RootsHook, Root, ElicitRequestParams, ElicitResult, CreateMessageRequestParams, CreateMessageResult } from './clientHooks';
export { treeRss } from './processTree';
export * from './types';
