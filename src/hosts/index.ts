// The MCP hosts on the machine and the pool: where each keeps its servers, which of them already
// run an app through the pool, which still start their own, and the confirmed edits that route
// them through it. vscode-free: the editor layer picks, shows the diff, and confirms.
export { HOSTS, hostFiles, hostLabel } from './catalog';
export type { Host, HostFile, HostFilesOptions, HostId, HostShape } from './catalog';
export { fallbackOf, pooledApp, poolCommand } from './entries';
export type { HostEntry } from './entries';
export { HostEditError, planRoutes } from './plan';
export type { FileEdit, PlanOptions, RouteRequest } from './plan';
export { poolUses, routeOffers, sameUrl, scanHostFiles } from './scan';
export type { HostFileScan, PoolAppSummary, PoolUse, ReadText, RouteOffer } from './scan';
export { defaultBackupDir, StaleEditError, WriteEditsError, writeEdits } from './writeEdits';
export type { WriteOptions, WrittenFile } from './writeEdits';

import { promises as fs } from 'node:fs';

/** Reads a file's text; undefined when there is no such file. */
export async function readHostText(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw e;
  }
}
