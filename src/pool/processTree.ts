// Owning a whole process tree. On POSIX every pooled process leads its own process group
// (spawned detached), so a wrapper (npx, sh -c) and the real server below it are signalled
// together; descendants that moved to another group are found in the process table and
// signalled too. On Windows `taskkill /T` walks the tree.
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

const isWindows = process.platform === 'win32';

interface ProcEntry {
  readonly pid: number;
  readonly ppid: number;
  readonly pgid: number;
}

/** The live (non-zombie) processes from /proc (Linux); undefined where /proc is unavailable. */
function procTable(): ProcEntry[] | undefined {
  const out: ProcEntry[] = [];
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return undefined;
  }
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // pid (comm) state ppid ... — comm may contain spaces and parentheses
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] === 'Z') continue;
      out.push({ pid: Number(name), ppid: Number(fields[1]), pgid: Number(fields[2]) });
    } catch {
      // the process ended while we read the table
    }
  }
  return out;
}

/** All descendants of `pid` (children, grandchildren, …) found in the process table. */
export function descendants(pid: number): number[] {
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

function signal(target: number, sig: NodeJS.Signals | 0): boolean {
  try {
    process.kill(target, sig);
    return true;
  } catch {
    return false;
  }
}

export function isAlive(pid: number): boolean {
  if (isWindows) return signal(pid, 0);
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return signal(pid, 0);
  }
}

/** A process tree rooted at a child we spawned detached (so its pid is also its group id). */
export class ProcessTree {
  /** Descendants seen so far; remembered so they are still signalled after their parent died. */
  private readonly known = new Set<number>();

  constructor(readonly pid: number) {}

  /** Records the current descendants (call while the root is alive). */
  refresh(): void {
    for (const p of descendants(this.pid)) this.known.add(p);
  }

  /** Sends `sig` to every member: the group, the root, and every descendant seen. */
  async signal(sig: 'SIGTERM' | 'SIGKILL'): Promise<void> {
    if (isWindows) {
      await taskkill(this.pid, sig === 'SIGKILL');
      return;
    }
    this.refresh();
    signal(-this.pid, sig);
    signal(this.pid, sig);
    for (const p of this.known) signal(p, sig);
  }

  /** True while any member of the tree is still running (zombies are dead: they only wait to be reaped). */
  alive(): boolean {
    if (isWindows) return signal(this.pid, 0);
    if (isAlive(this.pid)) return true;
    for (const p of this.known) if (isAlive(p)) return true;
    // The group answers signals while it has any member, zombies included. A grandchild that died
    // while its parent could not reap it is re-parented to init and may stay a zombie for a while
    // (for good in containers whose init never reaps): it must not hold up a stop.
    if (!signal(-this.pid, 0)) return false;
    const table = procTable();
    return table === undefined || table.some((p) => p.pgid === this.pid);
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
