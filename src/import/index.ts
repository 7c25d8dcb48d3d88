// Import of MCP servers the user already defined for other clients (VS Code, Claude Desktop,
// Cursor, TASAK) as MCP Pool apps. No `vscode` here: the editor layer passes in paths and
// existing names, shows the candidates, and writes the result of applyImport.

import * as os from 'node:os';

import { convertEntry } from './candidate';
import { parseMcpServers } from './formats/mcpServers';
import { parseTasak } from './formats/tasak';
import { parseVsCodeMcp } from './formats/vscodeMcp';
import { NameAllocator } from './naming';
import { defaultReadFile, readParsed } from './readSources';
import type { FormatResult, ImportCandidate, ImportProblem, ImportScan, ImportSource, ReadTextFile } from './types';

export { applyImport } from './apply';
export { convertEntry } from './candidate';
export { NameAllocator } from './naming';
export { findImportSources } from './sources';
export { nothingFoundReport, tildify } from './nothingFound';
export type { NothingFoundReport } from './nothingFound';
export type { FindImportSourcesOptions } from './sources';
export { parseMcpRemoteCommand } from './mcpRemoteCommand';
export type { McpRemoteInvocation } from './mcpRemoteCommand';
export type {
  AppDefinition,
  ImportCandidate,
  ImportFormat,
  ImportProblem,
  ImportScan,
  ImportScope,
  ImportSource,
  ReadTextFile,
  RemoteAppDefinition,
  StdioAppDefinition,
} from './types';

export interface ReadImportOptions {
  /** Expands `~` in TASAK `config:` paths; defaults to os.homedir(). */
  readonly home?: string;
}

/**
 * Reads every source (missing files are skipped) and returns what can be imported, each under a
 * name unique among `existingNames` and the other candidates, plus everything that cannot.
 */
export async function readImportCandidates(
  sources: readonly ImportSource[],
  existingNames: readonly string[],
  readFile: ReadTextFile = defaultReadFile,
  options: ReadImportOptions = {},
): Promise<ImportScan> {
  const home = options.home ?? os.homedir();
  const parsed = await Promise.all(sources.map((source) => readSource(source, readFile, home)));
  const names = new NameAllocator(existingNames);
  const candidates: ImportCandidate[] = [];
  const problems: ImportProblem[] = [];
  for (let i = 0; i < sources.length; i++) {
    const source = sources[i];
    const result = parsed[i];
    if (result === undefined) continue;
    for (const message of result.problems) problems.push({ source: source.path, message });
    for (const entry of result.entries) {
      const report = (message: string) => problems.push({ source: source.path, message: `${entry.label}: ${message}` });
      if (!entry.name.trim()) {
        report('the name is empty');
        continue;
      }
      const converted = convertEntry(entry);
      if ('problem' in converted) {
        report(converted.problem);
        continue;
      }
      const twin = candidates.find((c) => JSON.stringify(c.definition) === JSON.stringify(converted.definition));
      const warnings = [...converted.warnings];
      if (twin) warnings.push(`same definition as "${twin.name}" from ${twin.source.path}`);
      const { name, clash } = names.allocate(entry.name);
      candidates.push({
        name,
        originalName: entry.name,
        kind: converted.kind,
        source,
        definition: converted.definition,
        warnings,
        ...(clash !== undefined ? { clash } : {}),
      });
    }
  }
  return { candidates, problems };
}

/** The parsed entries of one source; undefined if the file does not exist. */
async function readSource(source: ImportSource, readFile: ReadTextFile, home: string): Promise<FormatResult | undefined> {
  const doc = await readParsed(readFile, source.path, source.format === 'tasak' ? 'yaml' : 'json');
  if ('missing' in doc) return undefined;
  if ('error' in doc) return { entries: [], problems: [doc.error] };
  switch (source.format) {
    case 'vscode':
      return parseVsCodeMcp(doc.value);
    case 'claude':
    case 'cursor':
      return parseMcpServers(doc.value);
    case 'tasak':
      return parseTasak(doc.value, {
        sourcePath: source.path,
        home,
        loadJson: (file) => readParsed(readFile, file, 'json'),
      });
  }
}
