// Who belongs to a pooled process tree, from the operating system's process table (Linux /proc).
// Shared by the pool (processTree.ts) and its watchdog (src/reaper/main.ts).
//
// Every tree the pool spawns carries a cookie in its environment (TREE_COOKIE_VAR=<random>),
// which children inherit. A member is a live process that is
//   - the root, or a pid seen before as a member, with the same start time (so a reused pid is
//     never taken for ours);
//   - or started no earlier than the root and carries the cookie (found even if it left the
//     process group or started its own session: setsid, double forks, detached spawns);
//   - or a child of a member, or in a process group one of our processes created.
// What still escapes: a process that starts itself with an empty or different environment
// *and* leaves both its parent's group and session *and* whose parent dies (e.g. `env -i setsid`
// run by a server that then exits). cgroups would close that gap; they are not available to
// an editor extension everywhere.
import { readdirSync, readFileSync } from 'node:fs';

export const TREE_COOKIE_VAR = 'MCP_POOL_TREE';

export interface ProcEntry {
  readonly pid: number;
  readonly ppid: number;
  readonly pgid: number;
  /** Start time in clock ticks since boot: with the pid, a process's identity. */
  readonly start: number;
}

/** What identifies a tree: its root (pid and start time) and its environment cookie. */
export interface TreeIdentity {
  readonly pid: number;
  readonly start: number;
  readonly cookie: string;
}

/** Parses /proc/<pid>/stat; undefined if gone or a zombie (a zombie is dead: it only waits to be reaped). */
export function readProc(pid: number): ProcEntry | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // pid (comm) state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime stime
  // cutime cstime priority nice num_threads itrealvalue starttime … — comm may hold spaces and ')'
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  if (f[0] === 'Z' || f[0] === 'X') return undefined;
  return { pid, ppid: Number(f[1]), pgid: Number(f[2]), start: Number(f[19]) };
}

/** The live processes, or undefined where there is no /proc (macOS, Windows). */
export function procTable(): ProcEntry[] | undefined {
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return undefined;
  }
  const out: ProcEntry[] = [];
  for (const name of names) {
    if (name.charCodeAt(0) < 48 || name.charCodeAt(0) > 57) continue;
    const p = readProc(Number(name));
    if (p) out.push(p);
  }
  return out;
}

/** Whether /proc works here: the identity checks and the cookie need it. */
export const hasProcTable = (() => {
  try {
    return readProc(process.pid) !== undefined;
  } catch {
    return false;
  }
})();

/** Whether `pid`'s environment carries `cookie` (false if unreadable: another user's, or gone). */
export function hasCookie(pid: number, cookie: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/environ`).includes(`${TREE_COOKIE_VAR}=${cookie}\0`);
  } catch {
    return false;
  }
}

/** The start time of `pid` now, undefined if it is gone. */
export function startTimeOf(pid: number): number | undefined {
  return readProc(pid)?.start;
}

export interface Members {
  /** Live members: pid → start time. */
  readonly pids: ReadonlyMap<number, number>;
  /** Process groups safe to signal as a whole: each has a live member and was created by one of ours. */
  readonly groups: readonly number[];
}

/** The members of one tree over time: what was seen is remembered, with each pid's start time. */
export class TreeMembership {
  /** Live members at the last scan: pid → start time (the root from the start). */
  private readonly known = new Map<number, number>();
  /** Every pid that was ever a member: a group one of them created is ours while it has members. */
  private readonly ever = new Set<number>();
  /** Processes (pid:start) checked and found without the cookie: a process never gains it later. */
  private notOurs = new Set<string>();

  constructor(readonly tree: TreeIdentity) {
    this.known.set(tree.pid, tree.start);
    this.ever.add(tree.pid);
  }

  /** Whether a member seen at the last scan still runs: a few reads, not a scan of the whole table. */
  knownAlive(): boolean {
    for (const [pid, start] of this.known) if (startTimeOf(pid) === start) return true;
    return false;
  }

  /** The tree's live members in `table` (default: the process table now). */
  scan(table: readonly ProcEntry[] | undefined = procTable()): Members {
    if (!table) return { pids: new Map(), groups: [] };
    const { tree } = this;
    const byPid = new Map(table.map((p) => [p.pid, p]));
    const members = new Map<number, number>();
    for (const [pid, start] of this.known) {
      if (byPid.get(pid)?.start === start) members.set(pid, start);
    }
    const checked = new Set<string>();
    for (const p of table) {
      if (members.has(p.pid) || p.start < tree.start) continue;
      const key = `${p.pid}:${p.start}`;
      checked.add(key);
      if (this.notOurs.has(key)) continue;
      if (hasCookie(p.pid, tree.cookie)) members.set(p.pid, p.start);
      else this.notOurs.add(key);
    }
    this.notOurs = new Set([...this.notOurs].filter((k) => checked.has(k)));
    // Children of members, and members of the groups our processes created, until nothing is added.
    const groupsOf = () => {
      const groups = new Set<number>();
      for (const pid of members.keys()) {
        const g = byPid.get(pid)!.pgid;
        if (this.ever.has(g) || members.has(g)) groups.add(g);
      }
      return groups;
    };
    let groups = groupsOf();
    for (let grew = true; grew;) {
      grew = false;
      for (const p of table) {
        if (members.has(p.pid) || p.start < tree.start) continue;
        if (members.has(p.ppid) || groups.has(p.pgid)) {
          members.set(p.pid, p.start);
          grew = true;
        }
      }
      if (grew) groups = groupsOf();
    }
    this.known.clear();
    for (const [pid, start] of members) {
      this.known.set(pid, start);
      this.ever.add(pid);
    }
    return { pids: members, groups: [...groups] };
  }
}
