// VS Code's mcp.json (user profile or .vscode/mcp.json):
//   { "inputs": [...], "servers": { name: { "type": "stdio", command, args, env, envFile, cwd }
//                                          | { "type": "http" | "sse", url, headers } } }
// `type` may be left out: a command means stdio, a url means http.

import { isObject } from '../../common/json';
import { serverEntry, readOptionalString, readString, readStringArray, readStringMap, warnUnknownKeys } from '../fields';
import { EntryError, type FormatResult, type ServerEntry } from '../types';

/** Written by VS Code when a server is installed from the gallery; nothing to import. */
const METADATA_KEYS = ['gallery', 'version'];

export function parseVsCodeMcp(doc: unknown): FormatResult {
  if (doc === undefined) return { entries: [], problems: [] };
  if (!isObject(doc)) return { entries: [], problems: ['the file must contain a JSON object'] };
  if (doc.servers === undefined) {
    const problems = doc.mcpServers !== undefined ? ['has "mcpServers", but VS Code reads "servers"; nothing imported from it'] : [];
    return { entries: [], problems };
  }
  if (!isObject(doc.servers)) return { entries: [], problems: ['"servers" must be an object mapping server names to definitions'] };
  const entries = Object.entries(doc.servers).map(([name, def]) => serverEntry(name, def, server));
  return { entries, problems: [] };
}

function server(def: unknown, warnings: string[]): ServerEntry {
  if (!isObject(def)) throw new EntryError('the definition must be an object');
  const type = def.type === undefined ? inferType(def) : def.type;
  if (typeof type !== 'string') throw new EntryError('"type" must be a string');
  const known = (keys: string[]) => warnUnknownKeys(def, [...keys, ...METADATA_KEYS], warnings);
  switch (type) {
    case 'stdio': {
      known(['type', 'command', 'args', 'env', 'envFile', 'cwd']);
      if (def.envFile !== undefined) warnings.push('"envFile" is not imported; copy the variables the server needs into env');
      return {
        kind: 'stdio',
        command: readString(def.command, 'command'),
        args: readStringArray(def.args, 'args'),
        env: readStringMap(def.env, 'env', warnings),
        cwd: readOptionalString(def.cwd, 'cwd'),
      };
    }
    case 'http':
    case 'sse':
      known(['type', 'url', 'headers']);
      return {
        kind: 'remote',
        url: readString(def.url, 'url'),
        transport: type === 'sse' ? 'sse-only' : 'http-only',
        headers: readStringMap(def.headers, 'headers', warnings),
        env: {},
      };
    default:
      throw new EntryError(`unsupported type "${type}" (expected "stdio", "http" or "sse")`);
  }
}

function inferType(def: Record<string, unknown>): string {
  if (def.command !== undefined) return 'stdio';
  if (def.url !== undefined) return 'http';
  throw new EntryError('has neither "command" nor "url"');
}
