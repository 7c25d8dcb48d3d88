// The finalized VS Code API for MCP server definitions (VS Code 1.101; in 1.100 already), declared
// here because the project builds against @types/vscode 1.99 (= engines.vscode). Only what the
// extension uses; feature-detected at runtime, so an older VS Code just does not get it.
import * as vscode from 'vscode';

export interface McpHttpServerDefinition {
  readonly label: string;
  readonly uri: vscode.Uri;
  readonly headers: Record<string, string>;
  readonly version?: string;
}

export type McpHttpServerDefinitionCtor = new (label: string, uri: vscode.Uri, headers?: Record<string, string>, version?: string) => McpHttpServerDefinition;

export interface McpServerDefinitionProvider {
  readonly onDidChangeMcpServerDefinitions?: vscode.Event<void>;
  provideMcpServerDefinitions(token: vscode.CancellationToken): vscode.ProviderResult<McpHttpServerDefinition[]>;
  /** Called when VS Code is about to start the server: what it returns is what VS Code connects with (not cached). */
  resolveMcpServerDefinition?(server: McpHttpServerDefinition, token: vscode.CancellationToken): vscode.ProviderResult<McpHttpServerDefinition>;
}

export interface VsCodeMcpApi {
  readonly McpHttpServerDefinition: McpHttpServerDefinitionCtor;
  registerMcpServerDefinitionProvider(id: string, provider: McpServerDefinitionProvider): vscode.Disposable;
}

/** The API, where this VS Code has it. */
export function vscodeMcpApi(): VsCodeMcpApi | undefined {
  const lm = (vscode as { lm?: { registerMcpServerDefinitionProvider?: VsCodeMcpApi['registerMcpServerDefinitionProvider'] } }).lm;
  const ctor = (vscode as unknown as { McpHttpServerDefinition?: McpHttpServerDefinitionCtor }).McpHttpServerDefinition;
  if (typeof lm?.registerMcpServerDefinitionProvider !== 'function' || typeof ctor !== 'function') return undefined;
  return { McpHttpServerDefinition: ctor, registerMcpServerDefinitionProvider: (id, provider) => lm.registerMcpServerDefinitionProvider!(id, provider) };
}
