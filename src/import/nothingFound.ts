// What "Import Servers…" says when it finds nothing: the places it looked in, by name, so the user
// can tell a wrong folder from a missing file. The editor shows `message` and writes `lines` to the log.

import * as path from 'node:path';

import type { ImportFormat, ImportProblem, ImportSource } from './types';

const CLIENT: Record<ImportFormat, string> = { vscode: 'VS Code', claude: 'Claude Desktop', cursor: 'Cursor', tasak: 'TASAK' };

export interface NothingFoundReport {
  /** One line for a notification, with the count of places and where they are listed. */
  readonly message: string;
  /** For the log: a heading, then one line per place (`~/…` under `home`), then nothing else. */
  readonly lines: string[];
}

export function nothingFoundReport(sources: readonly ImportSource[], problems: readonly ImportProblem[], home: string): NothingFoundReport {
  const places = sources.length === 1 ? '1 place' : `${sources.length} places`;
  const trouble = problems.length ? ` ${problems.length} problem(s) were found.` : '';
  return {
    message: `MCP Pool: no MCP servers found to import (looked in ${places}, listed in the output).${trouble}`,
    lines: [`import: no MCP servers found; looked in ${places}:`, ...sources.map((s) => `  ${tildify(s.path, home)} (${CLIENT[s.format]}, ${s.scope})`)],
  };
}

export function tildify(p: string, home: string): string {
  for (const sep of new Set([path.sep, '/'])) if (home && p.startsWith(home + sep)) return `~${p.slice(home.length)}`;
  return p;
}
