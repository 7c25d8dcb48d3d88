// The pool's watchdog: a tiny process that outlives nothing. The pool tells it, on stdin, which
// process trees it owns: "+<root pid>[ <start time> <cookie>]" and "-<root pid>"; it answers
// "?<n>" with "!<n>" on stdout (the pool's heartbeat: a frozen watchdog is replaced).
// "f+<folder, URI-encoded>" names a folder of secret files a process reads at start ("f-<folder>":
// the pool removed it); the watchdog removes those left when it ends the trees
// (src/pool/process/argvSecrets.ts). When stdin
// closes — the pool stopped normally, or the editor's extension host died, even by SIGKILL —
// every tree still listed is ended (SIGTERM, then SIGKILL), so no server outlives the editor.
// On Linux a tree's members are found as the pool finds them (src/pool/process/treeMembers.ts: the
// environment cookie, pid + start time checked before each signal); elsewhere its process
// group is signalled. Bundled to dist/reaper.js.
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { basename } from 'node:path';
import { hasProcTable, procTable, TreeMembership } from '../pool/process/treeMembers';

/** Folders of secret files the pool has not removed yet. */
const secretDirs = new Set<string>();
/** Root pid → its members (Linux), or undefined: signal the root's group. */
const trees = new Map<number, TreeMembership | undefined>();
const graceMs = Number(process.argv[2] ?? 1500);
const parent = process.ppid;
let buffered = '';
let ending = false;

/** Signals every tree; resolves to whether anything was left to signal. */
function signalAll(sig: NodeJS.Signals): boolean {
  const table = hasProcTable ? procTable() : undefined;
  let any = false;
  for (const [root, membership] of trees) {
    if (process.platform === 'win32') {
      execFile('taskkill', ['/PID', String(root), '/T', '/F'], { windowsHide: true }, () => undefined);
      any = true;
      continue;
    }
    if (!membership) {
      try {
        process.kill(-root, sig);
        any = true;
      } catch {
        trees.delete(root); // the group is gone
      }
      continue;
    }
    const members = membership.scan(table);
    if (members.pids.size === 0) {
      trees.delete(root);
      continue;
    }
    any = true;
    for (const group of members.groups) kill(-group, sig);
    for (const pid of members.pids.keys()) kill(pid, sig);
  }
  return any;
}

function kill(target: number, sig: NodeJS.Signals): void {
  try {
    process.kill(target, sig);
  } catch {
    // gone meanwhile
  }
}

/** Removes the secret folders still listed (only ours: named as argvSecrets.ts names them). */
function removeSecretDirs(): void {
  for (const dir of secretDirs) {
    if (!basename(dir).startsWith('mcp-pool-secrets-')) continue;
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // nothing more to do
    }
  }
  secretDirs.clear();
}

function end(): void {
  if (ending) return;
  ending = true;
  removeSecretDirs();
  if (!signalAll('SIGTERM')) process.exit(0);
  setTimeout(() => {
    // SIGKILL until nothing is left (a member may fork between a scan and its signal), briefly.
    let rounds = 0;
    const round = () => {
      if (!signalAll('SIGKILL') || ++rounds >= 20) process.exit(0);
      setTimeout(round, 50);
    };
    round();
  }, graceMs);
}

function onLine(line: string): void {
  if (line[0] === '?') {
    process.stdout.write(`!${line.slice(1)}\n`);
    return;
  }
  if (line[0] === 'f') {
    let dir: string;
    try {
      dir = decodeURIComponent(line.slice(2));
    } catch {
      return; // not a path the pool wrote
    }
    if (line[1] === '+') secretDirs.add(dir);
    else secretDirs.delete(dir);
    return;
  }
  const [head, start, cookie] = line.split(' ');
  const root = Number(head.slice(1));
  if (!Number.isInteger(root) || root <= 1) return;
  if (head[0] === '-') {
    trees.delete(root);
    return;
  }
  if (head[0] !== '+') return;
  const membership = hasProcTable && cookie && /^\d+$/.test(start) ? new TreeMembership({ pid: root, start: Number(start), cookie }) : undefined;
  trees.set(root, membership);
}

process.stdout.on('error', () => undefined); // the host is gone: stdin's end says so
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk: string) => {
  buffered += chunk;
  const lines = buffered.split('\n');
  buffered = lines.pop() ?? '';
  for (const line of lines) onLine(line);
});
process.stdin.on('end', end);
process.stdin.on('error', end);
function hostAlive(): boolean {
  if (process.ppid !== parent) return false; // re-parented: the host is gone
  try {
    process.kill(parent, 0);
    return true;
  } catch {
    return false;
  }
}

// Belt and braces: a parent that vanished without closing the pipe (its pid is re-parented).
// Every few seconds the trees' members are also recorded, so one whose parent died is still known.
let ticks = 0;
setInterval(() => {
  if (!hostAlive()) return end();
  if (ending || ++ticks % 3 !== 0 || ![...trees.values()].some(Boolean)) return;
  const table = procTable();
  for (const membership of trees.values()) membership?.scan(table);
}, 1000).unref();
// A signal to the watchdog alone (a stray kill, a terminal hang-up) must not end the servers of a
// host that is alive: keep watching. Once the host is gone, a signal ends them like a closed pipe.
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(sig, () => {
    if (!hostAlive()) end();
  });
}
