// The other MCP hosts on this machine, as the editor sees them: which of their configurations
// run an app through the pool (the view names them in the app's hover) and which still start a
// server of their own that the pool has or could have (offered once, see routeOffer.ts). The files
// are read at start, when a folder is added or removed, when one of them changes on disk
// (watched, debounced) and after the pool writes them.
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Emitter } from '../common/emitter';
import { Disposable, toDisposable } from '../common/lifecycle';
import {
  hostFiles,
  type HostFile,
  type HostFileScan,
  hostLabel,
  type PoolAppSummary,
  poolUses,
  type PoolUse,
  readHostText,
  type RouteOffer,
  routeOffers,
  scanHostFiles,
} from '../hosts';
import { tildify } from '../import';
import type { Channel } from '../output/outputs';
import type { Pool } from '../pool';

const DEBOUNCE_MS = 500;

/** `Claude Code (~/.claude.json)`: a host and the file it reads, for people. */
export function hostFileLabel(file: HostFile, home = os.homedir()): string {
  return `${hostLabel(file.host)} (${tildify(file.path, home)})`;
}

export class HostConfigs extends Disposable {
  private scans: readonly HostFileScan[] = [];
  private uses = new Map<string, PoolUse[]>();
  private readonly changed = this._register(new Emitter<void>());
  /** After each scan. */
  readonly onDidChange = this.changed.event;
  private watchers: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;
  private scanning: Promise<void> | undefined;
  private again = false;

  constructor(
    private readonly pool: Pool,
    private readonly log: Channel,
  ) {
    super();
    this._register(vscode.workspace.onDidChangeWorkspaceFolders(() => this.schedule()));
    this._register(
      toDisposable(() => {
        clearTimeout(this.timer);
        for (const w of this.watchers.splice(0)) w.dispose();
      }),
    );
  }

  /** Every file a host reads servers from, for this window's folders. */
  files(): HostFile[] {
    return hostFiles({
      home: os.homedir(),
      platform: process.platform,
      env: process.env,
      workspaceFolders: (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath),
    });
  }

  /** The host entries that run `app` through the pool, as of the last scan. */
  usesOf(app: string): readonly PoolUse[] {
    return this.uses.get(app) ?? [];
  }

  /** The host files that run `app` through the pool, for people: `Claude Code (~/.claude.json)`. */
  usedBy(app: string): string[] {
    const home = os.homedir();
    return this.usesOf(app).map((u) => hostFileLabel(u.file, home));
  }

  /** The last scan of every host file. */
  lastScan(): readonly HostFileScan[] {
    return this.scans;
  }

  /** Entries that start their own server the pool has or could have, as of the last scan. */
  offers(): RouteOffer[] {
    // a folder's files are offered only when the folder is trusted: routing may add an app to the pool
    const scans = vscode.workspace.isTrusted ? this.scans : this.scans.filter((s) => s.file.scope === 'user');
    return routeOffers(scans, this.summaries());
  }

  /** Each file's size and change time at the last scan: a scan that finds them all the same reads nothing. */
  private stamp = '';

  /**
   * Reads every host file now (a scan already under way is followed by one more). A scan caused by
   * the watchers (`changedOnly`) is skipped when no file's size or change time moved: a running
   * Claude Code touches ~/.claude.json often.
   */
  scan(changedOnly = false): Promise<void> {
    if (changedOnly && this.scanning === undefined) {
      return this.stamped().then((stamp) => (stamp === this.stamp ? undefined : this.scan()));
    }
    if (this.scanning) {
      this.again = true;
      return this.scanning;
    }
    this.scanning = (async () => {
      try {
        do {
          this.again = false;
          const files = this.files();
          this.watch(files);
          this.stamp = await this.stamped(files);
          this.scans = await scanHostFiles(files, readHostText, os.homedir());
          this.uses = poolUses(this.scans);
        } while (this.again && !this.isDisposed);
        // a problem is said once, not at every scan
        const problems = new Set<string>();
        for (const s of this.scans) {
          if (!s.problem) continue;
          const line = `hosts: ${tildify(s.file.path, os.homedir())} ${s.problem}`;
          problems.add(line);
          if (!this.problems.has(line)) this.log.warn(line);
        }
        this.problems = problems;
        if (!this.isDisposed) this.changed.fire();
      } finally {
        this.scanning = undefined;
      }
    })();
    return this.scanning;
  }

  private problems = new Set<string>();

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.scan(true), DEBOUNCE_MS);
  }

  /** The files' sizes and change times, as one string. */
  private async stamped(files: readonly HostFile[] = this.files()): Promise<string> {
    const stats = await Promise.all(
      [...new Set(files.map((f) => f.path))].map((p) =>
        fs.stat(p).then(
          (st) => `${p}:${st.size}:${st.mtimeMs}`,
          () => `${p}:-`,
        ),
      ),
    );
    return stats.join('\n');
  }

  private summaries(): PoolAppSummary[] {
    return this.pool.names().flatMap((name) => {
      const spec = this.pool.spec(name);
      if (!spec) return [];
      return [spec.kind === 'remote' ? { name, url: spec.url } : { name, command: spec.command, args: spec.args }];
    });
  }

  /** One watcher per folder holding host files (outside the workspace too), made again when the set changes. */
  private watchedKey = '';
  private watch(files: readonly HostFile[]): void {
    const byDir = new Map<string, Set<string>>();
    for (const f of files) {
      const names = byDir.get(path.dirname(f.path)) ?? new Set<string>();
      names.add(path.basename(f.path));
      byDir.set(path.dirname(f.path), names);
    }
    const key = JSON.stringify([...byDir].map(([d, n]) => [d, [...n]]));
    if (key === this.watchedKey || this.isDisposed) return;
    this.watchedKey = key;
    for (const w of this.watchers.splice(0)) w.dispose();
    for (const [dir, names] of byDir) {
      const glob = names.size === 1 ? [...names][0] : `{${[...names].join(',')}}`;
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(dir), glob));
      const changed = () => this.schedule();
      watcher.onDidCreate(changed);
      watcher.onDidChange(changed);
      watcher.onDidDelete(changed);
      this.watchers.push(watcher);
    }
  }
}
