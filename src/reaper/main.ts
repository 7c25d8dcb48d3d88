// The pool's watchdog: a tiny process that outlives nothing. The pool tells it, on stdin, which
// process groups it owns ("+<pgid>" / "-<pgid>"). When stdin closes — the pool stopped normally,
// or the editor's extension host died, even by SIGKILL — every group still listed is ended
// (SIGTERM, then SIGKILL), so no server outlives the editor. Bundled to dist/reaper.js.
import { execFile } from 'node:child_process';

const groups = new Set<number>();
const graceMs = Number(process.argv[2] ?? 1500);
const parent = process.ppid;
let buffered = '';
let ending = false;

function signalAll(sig: NodeJS.Signals): void {
  for (const pgid of groups) {
    if (process.platform === 'win32') {
      execFile('taskkill', ['/PID', String(pgid), '/T', '/F'], { windowsHide: true }, () => undefined);
      continue;
    }
    try {
      process.kill(-pgid, sig);
    } catch {
      groups.delete(pgid); // the group is gone
    }
  }
}

function end(): void {
  if (ending) return;
  ending = true;
  if (groups.size === 0) process.exit(0);
  signalAll('SIGTERM');
  setTimeout(() => {
    signalAll('SIGKILL');
    process.exit(0);
  }, graceMs);
}

process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk: string) => {
  buffered += chunk;
  const lines = buffered.split('\n');
  buffered = lines.pop() ?? '';
  for (const line of lines) {
    const pgid = Number(line.slice(1));
    if (!Number.isInteger(pgid) || pgid <= 1) continue;
    if (line[0] === '+') groups.add(pgid);
    else if (line[0] === '-') groups.delete(pgid);
  }
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
setInterval(() => {
  if (!hostAlive()) end();
}, 1000).unref();
// A signal to the watchdog alone (a stray kill, a terminal hang-up) must not end the servers of a
// host that is alive: keep watching. Once the host is gone, a signal ends them like a closed pipe.
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(sig, () => {
    if (!hostAlive()) end();
  });
}
