// Composition root: the one place that builds services. Each gets exactly what it uses, and
// each has an owner in context.subscriptions. deactivate() returns the promise that stops every
// process.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { editorClientFeatures } from './clientFeatures';
import { appCommands } from './commands/appCommands';
import { clientConfigCommands } from './commands/clientConfigCommand';
import { EditPreview } from './commands/editPreview';
import { RouteOfferNotifier } from './commands/routeOfferNotifier';
import { usePoolCommands } from './commands/usePoolCommand';
import { HostConfigs } from './gatewayHost/hostConfigs';
import { clientFeatureCommands } from './commands/clientFeatureCommands';
import { importCommands } from './commands/importCommand';
import { invokeCommands } from './commands/invokeCommands';
import { promptCommands } from './commands/promptCommands';
import { commandTable, registerCommands } from './commands/registry';
import { resourceCommands } from './commands/resourceCommands';
import { setupCommands } from './commands/setupCommands';
import { PoolConfigurator } from './config/poolConfigurator';
import { HookRouter } from './gateway/hookRouter';
import { writeLauncher } from './contract/launcher';
import { GatewayService } from './gatewayHost/gatewayService';
import { TerminalEnvironment } from './gatewayHost/terminalEnvironment';
import { vscodeMcpApi } from './gatewayHost/vscodeMcpApi';
import { VsCodeMcpProvider } from './gatewayHost/vscodeMcpProvider';
import { Prewarmer } from './config/prewarmer';
import { MementoEraStore } from './config/eraStore';
import { browserRedirect, SecretSignInStore } from './config/signInStore';
import { ArgumentMemory } from './invoke/argumentMemory';
import { JsonArgumentsEditor } from './invoke/jsonArgumentsEditor';
import { MediaStore } from './results/mediaStore';
import { ContextKeys } from './manifest/commands';
import { ErrorReporter } from './output/errorReporter';
import { Outputs } from './output/outputs';
import { logPoolEvents } from './output/poolEventLog';
import { followChannelLevels } from './output/serverLogLevel';
import { bundledLauncher, Pool, Redactor } from './pool';
import { ResourceOpener } from './serverFeatures/resourceOpener';
import { ResultLinks } from './results/resultLinks';
import { trackResultLinks } from './serverFeatures/resultLinksContext';
import { AuthNotifier } from './views/authNotifier';
import { PoolStatusBar } from './views/statusBar';
import { poolResourceSource } from './views/poolResourceSource';
import { PoolTreeProvider } from './views/poolTreeProvider';
import { ResourceDocuments } from './views/resourceDocuments';
import { SettingsProblemNotifier } from './views/settingsProblems';

/** What the extension exports: used by its editor tests and by other extensions. */
export interface McpPoolApi {
  readonly pool: Pool;
  readonly config: PoolConfigurator;
  readonly outputs: Outputs;
  readonly tree: PoolTreeProvider;
  readonly statusBar: PoolStatusBar;
  readonly authNotifier: AuthNotifier;
  /** The local gateway (its endpoint, its clients; started and stopped by the setting). */
  readonly gateway: GatewayService;
  /** The `mcp-pool` launcher (on the terminals' PATH), if one could be written. */
  readonly launcher: string | undefined;
  /** The provider of VS Code's own MCP servers, where VS Code has the API (1.100+). */
  readonly vscodeMcp: VsCodeMcpProvider | undefined;
  /** The other MCP hosts' configurations on this machine (who runs which app through the pool). */
  readonly hosts: HostConfigs;
  /** How long activate() took, in ms. */
  readonly activationMs: number;
}

let pool: Pool | undefined;
let gatewayService: GatewayService | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<McpPoolApi> {
  const t0 = performance.now();
  const own = <T extends vscode.Disposable | { dispose(): unknown }>(d: T): T => {
    context.subscriptions.push(d);
    return d;
  };
  const dist = (...parts: string[]) => vscode.Uri.joinPath(context.extensionUri, 'dist', ...parts).fsPath;
  const storage = context.globalStorageUri;

  // The pool core and its outputs.
  const redactor = new Redactor();
  const outputs = own(new Outputs(redactor));
  const bundled = bundledLauncher(dist('mcp-remote', 'proxy.mjs'));
  // What servers may ask of the editor: roots, elicitation, sampling (each declared only with its answer).
  const jsonEditor = own(new JsonArgumentsEditor(vscode.Uri.joinPath(storage, 'arguments')));
  const clientFeatures = own(editorClientFeatures({ jsonEditor, state: context.globalState }));
  // Server→client requests go to the gateway client they belong to, else to the editor's handlers.
  const router = new HookRouter(clientFeatures.hooks);
  const thePool = own(
    new Pool({
      launcher: bundled,
      redactor,
      reaperScript: dist('reaper.js'),
      clientHooks: router.hooks,
      signIns: { store: new SecretSignInStore(context.secrets), externalRedirect: browserRedirect },
      // the protocol era found for each server, so the next session starts it without a probe
      eraStore: new MementoEraStore(context.globalState, (message) => outputs.pool.warn(message)),
    }),
  );
  pool = thePool;
  own(logPoolEvents(thePool, outputs));
  own(followChannelLevels(thePool, outputs));
  const reporter = new ErrorReporter(outputs, redactor);

  // Configuration: settings + trust + secrets → pool; problems shown; prewarm.
  const config = own(new PoolConfigurator(thePool, context.secrets, redactor, outputs.pool, bundled));
  own(new SettingsProblemNotifier(config, outputs.pool));
  own(new Prewarmer(thePool, config, outputs.pool));

  // The gateway: the pool for terminals (mcp-pool), other MCP clients and VS Code's own MCP.
  const gateway = own(
    new GatewayService({
      pool: thePool,
      router,
      window: { name: vscode.workspace.name ?? 'window', startedAt: Date.now() },
      blocked: () => config.state.blocked.map((name) => ({ name, reason: 'defined in workspace settings, and the workspace is not trusted' })),
      log: outputs.pool,
    }),
  );
  gatewayService = gateway;
  const launcher = installLauncher(storage, dist('cli.js'), outputs);
  own(new TerminalEnvironment(context.environmentVariableCollection, gateway, launcher && path.dirname(launcher)));
  const mcpApi = vscodeMcpApi();
  const vscodeMcp = mcpApi && own(new VsCodeMcpProvider(mcpApi, thePool, gateway, config.onDidApply));

  // The other MCP hosts on the machine (Claude Code, Codex, Cursor…): who runs which app through the pool.
  const hosts = own(new HostConfigs(thePool, outputs.pool));
  own(new RouteOfferNotifier(hosts, context.globalState));

  // Views.
  const tree = own(new PoolTreeProvider(thePool, config, redactor, gateway, hosts));
  const statusBar = own(new PoolStatusBar(thePool, config, gateway));
  const authNotifier = own(new AuthNotifier(thePool, reporter));

  // Resources as documents; the links of recent results and prompts.
  const media = new MediaStore(vscode.Uri.joinPath(storage, 'images').fsPath);
  const documents = own(new ResourceDocuments(poolResourceSource(thePool), media));
  const links = own(new ResultLinks());
  own(trackResultLinks(links, thePool, config));

  // Commands.
  const reload = () => config.reload();
  const commands = commandTable(
    appCommands({ pool: thePool, config, outputs, reporter, tree, gateway }),
    invokeCommands({ pool: thePool, outputs, reporter, redactor, media, memory: new ArgumentMemory(context.globalState), jsonEditor, links }),
    resourceCommands({ pool: thePool, reporter, opener: new ResourceOpener(thePool, documents), links }),
    promptCommands({ pool: thePool, outputs, reporter, media, links }),
    setupCommands({ pool: thePool, reload, log: outputs.pool, secrets: context.secrets, extensionId: context.extension.id }),
    importCommands({ pool: thePool, reload, log: outputs.pool, globalStoragePath: storage.scheme === 'file' ? storage.fsPath : undefined }),
    clientFeatureCommands({ pool: thePool, consent: clientFeatures.consent }),
    clientConfigCommands({ pool: thePool, launcher: () => launcher }),
    usePoolCommands({ pool: thePool, launcher: () => launcher, hosts, preview: own(new EditPreview()), reload, log: outputs.pool }),
  );
  context.subscriptions.push(...registerCommands(reporter, commands));

  await config.reload();
  // listens after activate() returned: nothing waits for it
  void gateway.apply();
  void hosts.scan();
  void vscode.commands.executeCommand('setContext', ContextKeys.ready, true);
  const activationMs = performance.now() - t0;
  outputs.pool.info(`activated in ${activationMs.toFixed(1)} ms`);
  return { pool: thePool, config, outputs, tree, statusBar, authNotifier, gateway, launcher, vscodeMcp, hosts, activationMs };
}

/**
 * Writes the `mcp-pool` launcher into <global storage>/bin (a folder that survives extension
 * updates) for the extension as installed now: the editor's own runtime on <extension>/dist/cli.js.
 */
function installLauncher(storage: vscode.Uri, cli: string, outputs: Outputs): string | undefined {
  if (storage.scheme !== 'file') return undefined;
  try {
    return writeLauncher(path.join(storage.fsPath, 'bin'), { node: process.execPath, cli });
  } catch (e) {
    outputs.pool.warn(`could not write the mcp-pool launcher (${(e as Error).message}): terminals will not have mcp-pool on PATH`);
    return undefined;
  }
}

export async function deactivate(): Promise<void> {
  // the gateway first: its clients' calls end before the processes under them do
  await gatewayService?.stop();
  gatewayService = undefined;
  await pool?.shutdown();
  pool = undefined;
}
