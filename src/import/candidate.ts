// One source entry → our settings JSON, with the warnings the user should see, checked by the same
// validator the pool uses so nothing offered for import can fail to load.

import { isLocalHost, parseAppDefinitions } from '../pool';
import { parseMcpRemoteCommand } from './mcpRemoteCommand';
import { placeholderWarnings } from './placeholders';
import { plaintextSecretWarnings } from './plaintextSecrets';
import type { AppDefinition, RemoteAppDefinition, ServerEntry, SourceEntry, StdioAppDefinition } from './types';

export type Converted = { readonly kind: 'remote' | 'stdio'; readonly definition: AppDefinition; readonly warnings: string[] } | { readonly problem: string };

export function convertEntry(entry: SourceEntry): Converted {
  if (!entry.server) return { problem: entry.problem ?? 'cannot be imported' };
  const warnings = [...entry.warnings];
  const made = toDefinition(entry.server, warnings);
  if ('problem' in made) return made;
  const definition = made.definition;
  const description = entry.description?.trim();
  if (description) definition.description = description;
  warnings.push(...placeholderWarnings(definition), ...plaintextSecretWarnings(definition));

  // The validator trims names and rejects empty ones; any stand-in name will do here.
  const { problems } = parseAppDefinitions({ app: definition });
  const describe = (p: { field?: string; message: string }) => (p.field ? `${p.field}: ${p.message}` : p.message);
  const errors = problems.filter((p) => p.severity === 'error');
  if (errors.length) return { problem: `not a valid MCP Pool app: ${errors.map(describe).join('; ')}` };
  warnings.push(...problems.map(describe));
  return { kind: 'url' in definition ? 'remote' : 'stdio', definition, warnings };
}

function toDefinition(server: ServerEntry, warnings: string[]): { definition: AppDefinition } | { problem: string } {
  if (server.kind === 'remote') {
    return { definition: remote(server.url, server.transport ? ['--transport', server.transport] : [], server.headers, server.env, false) };
  }
  const wrapped = parseMcpRemoteCommand(server.command, server.args);
  if (!wrapped) {
    const def: StdioAppDefinition = { command: server.command };
    if (server.args.length) def.args = [...server.args];
    if (Object.keys(server.env).length) def.env = { ...server.env };
    if (server.cwd !== undefined) def.cwd = server.cwd;
    return { definition: def };
  }
  if (wrapped.url === undefined) return { problem: `runs mcp-remote (${wrapped.launcher}) without a server URL` };
  warnings.push(...wrapped.warnings);
  if (server.cwd !== undefined) warnings.push('"cwd" does not apply to remote apps and was left out');
  if (wrapped.allowHttp && /^http:/i.test(wrapped.url)) {
    const host = hostOf(wrapped.url);
    if (host !== undefined && !isLocalHost(host)) warnings.push(`allowHttp is set, as --allow-http was: traffic to ${host} is not encrypted`);
  }
  return { definition: remote(wrapped.url, wrapped.args, wrapped.headers, server.env, wrapped.allowHttp) };
}

function remote(url: string, args: string[], headers: Record<string, string>, env: Record<string, string>, allowHttp: boolean): RemoteAppDefinition {
  const def: RemoteAppDefinition = { url };
  if (args.length) def.args = [...args];
  if (Object.keys(headers).length) def.headers = { ...headers };
  if (Object.keys(env).length) def.env = { ...env };
  if (allowHttp) def.allowHttp = true;
  return def;
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).hostname;
  } catch {
    return undefined;
  }
}
