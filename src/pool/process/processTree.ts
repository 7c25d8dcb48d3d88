// Owning a whole process tree. On POSIX every pooled process leads its own process group
// (spawned detached), so a wrapper (npx, sh -c) and the real server below it are signalled
// together. On Linux, membership comes from the process table (treeMembers.ts): the tree's
// environment cookie finds descendants that left the group or the session, and every signal
// goes only to a process whose identity (pid + start time, or the cookie) was checked just
// before, so a pid reused by another program is never signalled. Without /proc (macOS) the
// group and the root are signalled. On Windows `taskkill /T` walks the tree.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { hasProcTable, procTable, startTimeOf, TreeMembership, type TreeIdentity } from './treeMembers';

const isWindows = process.platform === 'win32';

function signal(target: number, sig: NodeJS.Signals | 0): boolean {
  try {
    process.kill(target, sig);
    return true;
  } catch {
    return false;
  }
}

/** A process tree rooted at a child we spawned detached (so its pid is also its group id), marked with `cookie`. */
export class ProcessTree {
  private readonly membership?: TreeMembership;

  constructor(
    readonly pid: number,
    cookie: string,
  ) {
    // The child exists from spawn() on (its start time is its fork's, kept across exec). If it is
    // already gone, start 0 matches no live process: only the cookie finds what it left behind.
    if (hasProcTable) this.membership = new TreeMembership({ pid, start: startTimeOf(pid) ?? 0, cookie });
  }

  /** What the watchdog needs to find this tree's members on its own (Linux). */
  get identity(): TreeIdentity | undefined {
    return this.membership?.tree;
  }

  /** Records the current members, so they are still found after their parent died. */
  refresh(): void {
    this.membership?.scan();
  }

  /** Sends `sig` to every live member and to the process groups they are in, checked just before. */
  async signal(sig: 'SIGTERM' | 'SIGKILL'): Promise<void> {
    if (isWindows) {
      await taskkill(this.pid, sig === 'SIGKILL');
      return;
    }
    if (!this.membership) {
      signal(-this.pid, sig);
      signal(this.pid, sig);
      return;
    }
    const members = this.membership.scan();
    for (const group of members.groups) signal(-group, sig);
    for (const pid of members.pids.keys()) signal(pid, sig);
  }

  /** True while any member of the tree is still running (zombies are dead: they only wait to be reaped). */
  alive(): boolean {
    if (isWindows) return signal(this.pid, 0);
    if (!this.membership) return signal(-this.pid, 0) || signal(this.pid, 0);
    // The whole table only once the members seen so far are gone: a scan reads every process
    // (≈ 8 ms with 500), and a stop asks this every 25 ms.
    return this.membership.knownAlive() || this.membership.scan().pids.size > 0;
  }

  /** SIGKILL to every member, again to any found later (forked between a scan and its signal), until none is left or `ms` passed. */
  async kill(ms: number): Promise<boolean> {
    const end = Date.now() + ms;
    for (;;) {
      await this.signal('SIGKILL');
      if (await this.waitGone(Math.min(250, Math.max(0, end - Date.now())))) return true;
      if (Date.now() >= end) return false;
    }
  }

  /** Waits until no member is running, up to `ms`; resolves to whether the tree is gone. */
  async waitGone(ms: number): Promise<boolean> {
    const end = Date.now() + ms;
    for (;;) {
      if (!this.alive()) return true;
      if (Date.now() >= end) return false;
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}

function taskkill(pid: number, force: boolean): Promise<void> {
  return new Promise((resolve) => {
    const args = ['/PID', String(pid), '/T', ...(force ? ['/F'] : [])];
    execFile('taskkill', args, { windowsHide: true }, () => resolve());
  });
}

/** Resident memory of the tree in bytes (Linux /proc; undefined elsewhere). */
export function treeRss(pid: number): number | undefined {
  let total = 0;
  let any = false;
  for (const p of [pid, ...descendants(pid)]) {
    try {
      const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${p}/status`, 'utf8'));
      if (m) {
        total += Number(m[1]) * 1024;
        any = true;
      }
    } catch {
      // gone
    }
  }
  return any ? total : undefined;
}

/** All descendants of `pid` (children, grandchildren, …) found in the process table. */
function descendants(pid: number): number[] {
  const table = procTable() ?? [];
  const found: number[] = [];
  const queue = [pid];
  while (queue.length) {
    const parent = queue.shift()!;
    for (const p of table) {
      if (p.ppid === parent && !found.includes(p.pid)) {
        found.push(p.pid);
        queue.push(p.pid);
      }
    }
  }
  return found;
}
