// Client side of the watchdog (src/reaper/main.ts): one per pool, started with the first
// server, told about every process tree the pool owns (its root pid, and on Linux the root's
// start time and the tree's environment cookie). If the pool's host dies without stopping
// them, the watchdog does. The client remembers every tree it was told about, so a watchdog
// that dies (killed, crashed) is replaced at once and told everything again. While it looks after
// trees it is asked "?<n>" every second and must answer "!<n>" on its stdout within a few seconds:
// one that does not (stopped by SIGSTOP, hung) is killed — it is our own child, not yet reaped, so
// its pid is still its own — and replaced the same way.
import { spawn, type ChildProcess } from 'node:child_process';
import type { TreeIdentity } from './treeMembers';

/** Restarts allowed per minute before giving up on a watchdog that keeps dying. */
const MAX_RESTARTS_PER_MINUTE = 5;

export interface HeartbeatOptions {
  /** How often the watchdog is asked whether it is alive (default 1 s). */
  readonly intervalMs: number;
  /** How long it may take to answer before it is killed and replaced (default 5 s). */
  readonly deadlineMs: number;
}

export const DEFAULT_HEARTBEAT: HeartbeatOptions = { intervalMs: 1000, deadlineMs: 5000 };

export class Watchdog {
  private child?: ChildProcess;
  /** Root pid → the line that tells a watchdog about the tree. */
  private readonly tracked = new Map<number, string>();
  /** Folder → the line that tells a watchdog about it: secret files it removes if the host dies. */
  private readonly secretDirs = new Map<string, string>();
  private closed = false;
  private readonly restarts: number[] = [];
  private heartbeat?: NodeJS.Timeout;
  private seq = 0;
  /** The question not yet answered: its number, when it was asked, and heartbeat ticks since. */
  private waiting?: { seq: number; since: number; ticks: number };
  /** The watchdog killed for not answering, so its exit is told as such. */
  private unresponsive?: ChildProcess;

  constructor(
    private readonly script: string,
    private readonly graceMs: number,
    private readonly execPath = process.execPath,
    /** Told when a watchdog died and was replaced (or could not be): for the pool's log. */
    private readonly onNotice: (message: string) => void = () => undefined,
    private readonly beat: HeartbeatOptions = DEFAULT_HEARTBEAT,
  ) {}

  /** The watchdog's pid, once started. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  track(root: number, identity?: TreeIdentity): void {
    const line = identity ? `+${root} ${identity.start} ${identity.cookie}` : `+${root}`;
    this.tracked.set(root, line);
    this.send(line);
  }

  /**
   * A folder of secret files a process is about to read (told before it is spawned, so no host
   * death leaves it behind), or that the pool removed (`held` false).
   */
  secretDir(dir: string, held: boolean): void {
    const line = `f${held ? '+' : '-'}${encodeURIComponent(dir)}`;
    if (held) this.secretDirs.set(dir, line);
    else if (!this.secretDirs.delete(dir)) return;
    this.send(line);
  }

  untrack(root: number): void {
    this.tracked.delete(root);
    if (this.child) this.send(`-${root}`);
  }

  private send(line: string): void {
    const child = this.ensure();
    if (child?.stdin?.writable) child.stdin.write(`${line}\n`);
  }

  private ensure(): ChildProcess | undefined {
    if (this.closed) return undefined;
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) return this.child;
    try {
      const child = spawn(this.execPath, [this.script, String(this.graceMs)], {
        stdio: ['pipe', 'pipe', 'ignore'],
        env: { ELECTRON_RUN_AS_NODE: '1' },
        detached: true, // its own group: a signal to the editor's group must not take it down first
        shell: false,
        windowsHide: true,
      });
      this.child = child;
      child.on('error', () => {
        if (this.child === child) this.child = undefined;
      });
      child.on('exit', (code, signal) => this.onExit(child, code, signal));
      child.stdin?.on('error', () => undefined);
      child.stdout?.setEncoding('utf8');
      child.stdout?.on('data', (chunk: string) => this.answered(child, chunk));
      child.stdout?.on('error', () => undefined);
      child.unref();
      (child.stdin as { unref?: () => void } | null)?.unref?.();
      (child.stdout as { unref?: () => void } | null)?.unref?.();
      this.waiting = undefined;
      this.startHeartbeat();
    } catch {
      this.child = undefined; // no watchdog: the pool still stops its processes itself
    }
    return this.child;
  }

  private startHeartbeat(): void {
    if (this.heartbeat) return;
    this.heartbeat = setInterval(() => this.tick(), this.beat.intervalMs);
    this.heartbeat.unref();
  }

  /** Asks the watchdog whether it is alive, or ends it when its answer is overdue. */
  private tick(): void {
    const child = this.child;
    if (!child || !this.tracked.size || child.exitCode !== null || child.signalCode !== null) {
      this.waiting = undefined; // nothing to look after: a frozen watchdog harms nothing yet
      return;
    }
    if (!this.waiting) {
      this.waiting = { seq: ++this.seq, since: Date.now(), ticks: 0 };
      if (child.stdin?.writable) child.stdin.write(`?${this.waiting.seq}\n`);
      return;
    }
    // Overdue in both clock time and our own ticks (a host whose loop was blocked, or asleep, has
    // not been able to read the answer: that is not the watchdog's fault).
    if (++this.waiting.ticks * this.beat.intervalMs < this.beat.deadlineMs || Date.now() - this.waiting.since < this.beat.deadlineMs) return;
    const overdue = this.waiting.seq;
    // after the I/O of this turn of the loop: an answer already in the pipe is read first
    setImmediate(() => {
      if (this.child !== child || this.waiting?.seq !== overdue) return;
      this.unresponsive = child;
      child.kill('SIGKILL'); // ours and not yet reaped (no exit seen): the pid is still this watchdog
    });
  }

  private answered(child: ChildProcess, chunk: string): void {
    if (child !== this.child || !this.waiting) return;
    if (chunk.split('\n').includes(`!${this.waiting.seq}`)) this.waiting = undefined;
  }

  /** A watchdog that exits while the pool still owns processes is replaced at once and told them all. */
  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (child !== this.child || this.closed) return;
    this.child = undefined;
    this.waiting = undefined;
    if (!this.tracked.size) return;
    const now = Date.now();
    while (this.restarts.length && now - this.restarts[0] > 60_000) this.restarts.shift();
    const how =
      this.unresponsive === child
        ? `did not answer for ${this.beat.deadlineMs / 1000} s, stopped or hung: killed by the pool`
        : signal
          ? `killed by ${signal}`
          : `exit code ${code}`;
    if (this.restarts.length >= MAX_RESTARTS_PER_MINUTE) {
      this.onNotice(
        `the watchdog (pid ${child.pid}) ended (${how}) for the ${MAX_RESTARTS_PER_MINUTE + 1}th time in a minute; not restarting it: servers are still stopped with the pool, but not if the editor crashes`,
      );
      return;
    }
    this.restarts.push(now);
    const next = this.ensure();
    if (next?.stdin?.writable) next.stdin.write([...this.tracked.values(), ...this.secretDirs.values()].map((line) => `${line}\n`).join(''));
    this.onNotice(
      `the watchdog (pid ${child.pid}) ended (${how}); restarted it (pid ${next?.pid ?? '?'}) with ${this.tracked.size} process tree${this.tracked.size === 1 ? '' : 's'}`,
    );
  }

  /** Ends the watchdog (after the pool stopped everything itself). */
  close(): void {
    this.closed = true;
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    this.child?.stdin?.end();
    this.child = undefined;
  }
}
