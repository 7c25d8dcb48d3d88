// Client side of the watchdog (src/reaper/main.ts): one per pool, started with the first
// server, told about every process group the pool owns. If the pool's host dies without
// stopping them, the watchdog does.
import { spawn, type ChildProcess } from 'node:child_process';

export class Reaper {
  private child?: ChildProcess;

  constructor(
    private readonly script: string,
    private readonly graceMs: number,
    private readonly execPath = process.execPath,
  ) {}

  /** The watchdog's pid, once started. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  track(pgid: number): void {
    this.send(`+${pgid}`);
  }

  untrack(pgid: number): void {
    this.send(`-${pgid}`);
  }

  private send(line: string): void {
    if (line.startsWith('-') && !this.child) return;
    const child = this.ensure();
    if (child?.stdin?.writable) child.stdin.write(`${line}\n`);
  }

  private ensure(): ChildProcess | undefined {
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) return this.child;
    try {
      this.child = spawn(this.execPath, [this.script, String(this.graceMs)], {
        stdio: ['pipe', 'ignore', 'ignore'],
        env: { ELECTRON_RUN_AS_NODE: '1' },
        detached: true, // its own group: a signal to the editor's group must not take it down first
        shell: false,
        windowsHide: true,
      });
      this.child.on('error', () => (this.child = undefined));
      this.child.stdin?.on('error', () => undefined);
      this.child.unref();
      (this.child.stdin as { unref?: () => void } | null)?.unref?.();
    } catch {
      this.child = undefined; // no watchdog: the pool still stops its processes itself
    }
    return this.child;
  }

  /** Ends the watchdog (after the pool stopped everything itself). */
  close(): void {
    this.child?.stdin?.end();
    this.child = undefined;
  }
}
