// "MCP Pool: Import Servers…": finds MCP servers the user already defined for VS Code, Claude
// Desktop, Cursor or TASAK, offers them in a multi-select, and writes only the chosen ones.
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { currentApps, pickTarget, type SettingsTarget, writeApps } from '../config/appsWriter';
import {
  applyImport,
  findImportSources,
  type ImportCandidate,
  type ImportScan,
  type ImportSource,
  nothingFoundReport,
  readImportCandidates,
  tildify,
} from '../import';
import { Commands } from '../manifest/commands';
import type { Channel } from '../output/outputs';
import type { Pool } from '../pool';
import type { CommandTable } from './registry';

export interface ImportCommandDeps {
  readonly pool: Pool;
  readonly reload: () => Promise<void>;
  readonly log: Channel;
  /** The extension's global storage folder on disk, if it is on disk. */
  readonly globalStoragePath: string | undefined;
}

export interface ImportRequest {
  /** Extra files to scan (tests, or a file the user points at). */
  readonly sources?: ImportSource[];
  /** Only these sources, not the well-known locations. */
  readonly only?: boolean;
  /** Names of the candidates to import; skips the picker. */
  readonly choose?: string[];
  readonly target?: SettingsTarget;
}

export interface ImportResult {
  readonly scan: ImportScan;
  readonly imported: string[];
}

export function importCommands(deps: ImportCommandDeps): CommandTable {
  return { [Commands.importServers]: (request?: ImportRequest) => importServers(deps, request) };
}

/** VS Code's user folder (where the profile's mcp.json lives), derived from globalStorage. */
function vscodeUserDir(storage: string | undefined): string | undefined {
  // <user data>/User/globalStorage/<publisher.name> → <user data>/User
  return storage ? path.dirname(path.dirname(storage)) : undefined;
}

async function importServers(deps: ImportCommandDeps, request: ImportRequest = {}): Promise<ImportResult | undefined> {
  const known = request.only
    ? []
    : findImportSources({
        home: os.homedir(),
        platform: process.platform,
        appData: process.env.APPDATA,
        workspaceFolders: (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath),
        vscodeUserDir: vscodeUserDir(deps.globalStoragePath),
      });
  const sources = [...known, ...(request.sources ?? [])];
  const existing = [...deps.pool.names(), ...Object.keys(currentApps('user')), ...Object.keys(currentApps('workspace'))];
  const scan = await readImportCandidates(sources, existing);
  for (const p of scan.problems) deps.log.warn(`import: ${p.source}: ${p.message}`);

  if (!scan.candidates.length) {
    const report = nothingFoundReport(sources, scan.problems, os.homedir());
    for (const line of report.lines) deps.log.info(line);
    if (!request.choose) {
      void vscode.window.showInformationMessage(report.message, 'Show Output').then((pick) => pick && deps.log.show(false));
    }
    return { scan, imported: [] };
  }

  let chosen: ImportCandidate[];
  if (request.choose) {
    chosen = scan.candidates.filter((c) => request.choose!.includes(c.name));
  } else {
    const picks = await vscode.window.showQuickPick(
      scan.candidates.map((c) => ({
        label: c.name,
        description: `${c.kind}${c.clash ? ` · renamed: "${c.clash}" exists` : ''}`,
        detail: `${tildify(c.source.path, os.homedir())}${c.warnings.length ? ` · ⚠ ${c.warnings.join('; ')}` : ''}`,
        picked: !c.clash,
        candidate: c,
      })),
      {
        canPickMany: true,
        title: `Import MCP Servers (${scan.candidates.length} found${scan.problems.length ? `, ${scan.problems.length} skipped — see output` : ''})`,
        placeHolder: 'Choose the servers to add to MCP Pool',
        matchOnDetail: true,
        ignoreFocusOut: true,
      },
    );
    if (!picks?.length) return undefined;
    chosen = picks.map((p) => p.candidate);
  }
  if (!chosen.length) return { scan, imported: [] };

  const target = request.target ?? (await pickTarget(`Import ${chosen.length} server(s)`));
  if (!target) return undefined;
  await writeApps(applyImport(currentApps(target), chosen), target);
  await deps.reload();
  const names = chosen.map((c) => c.name);
  deps.log.info(`import: added ${names.join(', ')} to ${target} settings`);
  for (const c of chosen) for (const w of c.warnings) deps.log.warn(`import: ${c.name}: ${w}`);
  if (!request.choose) {
    const warned = chosen.filter((c) => c.warnings.length).length;
    void vscode.window.showInformationMessage(
      `MCP Pool: imported ${names.length} server(s): ${names.join(', ')}.${warned ? ` ${warned} need attention (see output).` : ''}`,
    );
  }
  return { scan, imported: names };
}
