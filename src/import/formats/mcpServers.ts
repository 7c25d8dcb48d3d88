// The `mcpServers` shape shared by Claude Desktop (claude_desktop_config.json) and Cursor (mcp.json):
//   { "mcpServers": { name: { command, args, env } | { url, headers } } }
// Cursor also accepts `type` ("stdio", "sse", "http"/"streamable-http") and `envFile`.

import { isObject } from '../../common/json';
import { serverEntry, readString, readStringArray, readStringMap, warnUnknownKeys } from '../fields';
import { EntryError, type FormatResult, type ServerEntry } from '../types';

const REMOTE_TYPES: Record<string, 'http-only' | 'sse-only'> = {
  sse: 'sse-only',
  http: 'http-only',
  'streamable-http': 'http-only',
  streamableHttp: 'http-only',
};

export function parseMcpServers(doc: unknown): FormatResult {
  if (doc === undefined) return { entries: [], problems: [] };
  if (!isObject(doc)) return { entries: [], problems: ['the file must contain a JSON object'] };
  // Claude Desktop's file also holds unrelated preferences; no mcpServers means nothing to import.
  if (doc.mcpServers === undefined) return { entries: [], problems: [] };
  if (!isObject(doc.mcpServers)) return { entries: [], problems: ['"mcpServers" must be an object mapping server names to definitions'] };
  const entries = Object.entries(doc.mcpServers).map(([name, def]) => serverEntry(name, def, server));
  return { entries, problems: [] };
}

function server(def: unknown, warnings: string[]): ServerEntry {
  if (!isObject(def)) throw new EntryError('the definition must be an object');
  if (def.type !== undefined && typeof def.type !== 'string') throw new EntryError('"type" must be a string');
  const type = def.type;
  if (type !== undefined && type !== 'stdio' && !Object.hasOwn(REMOTE_TYPES, type)) {
    throw new EntryError(`unsupported type "${type}" (expected "stdio", "http", "streamable-http" or "sse")`);
  }
  if (def.disabled === true) warnings.push('it is disabled in this file');
  const hasCommand = def.command !== undefined;
  const hasUrl = def.url !== undefined;
  if (hasCommand && hasUrl) throw new EntryError('has both "command" and "url"');
  if (type === 'stdio' || (type === undefined && hasCommand)) {
    warnUnknownKeys(def, ['type', 'command', 'args', 'env', 'envFile', 'disabled'], warnings);
    if (def.envFile !== undefined) warnings.push('"envFile" is not imported; copy the variables the server needs into env');
    return {
      kind: 'stdio',
      command: readString(def.command, 'command'),
      args: readStringArray(def.args, 'args'),
      env: readStringMap(def.env, 'env', warnings),
    };
  }
  if (type === undefined && !hasUrl) throw new EntryError('has neither "command" nor "url"');
  warnUnknownKeys(def, ['type', 'url', 'headers', 'disabled'], warnings);
  return {
    kind: 'remote',
    url: readString(def.url, 'url'),
    transport: type === undefined ? undefined : REMOTE_TYPES[type],
    headers: readStringMap(def.headers, 'headers', warnings),
    env: {},
  };
}
