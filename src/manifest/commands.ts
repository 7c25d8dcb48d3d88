// Every command the extension contributes, by id: the one list package.json's
// `contributes.commands` must match (test/unit/manifest.test.ts checks both ways).

export const Commands = {
  invokeTool: 'mcpPool.invokeTool',
  listTools: 'mcpPool.listTools',
  startApp: 'mcpPool.startApp',
  restartApp: 'mcpPool.restartApp',
  killApp: 'mcpPool.killApp',
  killAll: 'mcpPool.killAll',
  restartAll: 'mcpPool.restartAll',
  showOutput: 'mcpPool.showOutput',
  addApp: 'mcpPool.addApp',
  importServers: 'mcpPool.importServers',
  openSettings: 'mcpPool.openSettings',
  storeSecret: 'mcpPool.storeSecret',
  refresh: 'mcpPool.refresh',
  copyPid: 'mcpPool.copyPid',
  authorize: 'mcpPool.authorize',
  signOut: 'mcpPool.signOut',
  statusBarMenu: 'mcpPool.statusBarMenu',
  revokeSampling: 'mcpPool.revokeSampling',
  openResource: 'mcpPool.openResource',
  openResourceLink: 'mcpPool.openResourceLink',
  copyResourceUri: 'mcpPool.copyResourceUri',
  getPrompt: 'mcpPool.getPrompt',
  copyClientConfig: 'mcpPool.copyClientConfig',
  usePoolIn: 'mcpPool.usePoolIn',
  routeClients: 'mcpPool.routeClients',
  writeProposed: 'mcpPool.writeProposed',
  discardProposed: 'mcpPool.discardProposed',
} as const;

/** Commands the extension registers for its own UI only (not in package.json, not in the palette). */
export const InternalCommands = {
  /** The "Run" button of the JSON arguments editor. */
  runArgumentsJson: 'mcpPool.runArgumentsJson',
} as const;

export type CommandId = (typeof Commands)[keyof typeof Commands];
export type InternalCommandId = (typeof InternalCommands)[keyof typeof InternalCommands];

/** Context keys the extension sets (used in package.json `when` clauses). */
export const ContextKeys = {
  ready: 'mcpPool.ready',
  hasApps: 'mcpPool.hasApps',
  authPending: 'mcpPool.authPending',
  /** Some recent tool result or prompt had resource links (Open Resource from a Result… has something to offer). */
  hasResultLinks: 'mcpPool.hasResultLinks',
} as const;

export const VIEW_ID = 'mcpPool.apps';
export const STATUS_BAR_ID = 'mcpPool.status';
/** The id of the extension's MCP server definition provider (package.json `contributes.mcpServerDefinitionProviders`). */
export const MCP_PROVIDER_ID = 'mcpPool.gateway';
