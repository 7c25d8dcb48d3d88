// The process side of a connection: spawning a server's process tree, its stderr, its exit, and
// ending the whole tree (stdin close → SIGTERM → SIGKILL). It hands the MCP session a Transport
// over the process's stdio; it knows nothing of MCP. Where the reliability work lives.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { Transport } from '@modelcontextprotocol/client';
import { writeSecretFiles, type WrittenSecrets } from './argvSecrets';
import { ChildProcessTransport } from './childTransport';
import { isOutOfDescriptors, reserveDescriptor, tooManyOpenFiles } from './descriptors';
import { ProcessTree } from './processTree';
import { StderrTail } from '../stderrTail';
import { TREE_COOKIE_VAR } from './treeMembers';
import type { Watchdog } from './watchdog';
import { delay, describeExit, type Link, StartError } from '../link';
import type { ExitInfo, LaunchCommand } from '../types';

export interface ProcessLinkOptions {
  readonly launch: LaunchCommand;
  readonly stderrLines: number;
  readonly maxMessageBytes: number;
  readonly stopGraceMs: number;
  /** Receives every stderr line, already passed through `redact`. */
  readonly onStderr: (line: string) => void;
  /** Masks secrets in stderr lines, once per line, before they are kept or reported. */
  readonly redact?: (line: string) => string;
  /** mcp-remote's sign-in prompt, seen on stderr (remote apps only). */
  readonly onAuthUrl?: (url: string) => void;
  /** Watchdog that ends the tree if the pool's host dies without stopping it. */
  readonly watchdog?: Pick<Watchdog, 'track' | 'untrack' | 'secretDir'>;
}

/** A server process tree and its stdio, spawned once. */
export class ProcessLink implements Link {
  private child?: ChildProcessWithoutNullStreams;
  private transport?: ChildProcessTransport;
  private tree?: ProcessTree;
  private secrets?: WrittenSecrets;
  private readonly stderr: StderrTail;
  private exitInfo?: ExitInfo;
  private readonly exited: Promise<ExitInfo>;
  private resolveExited!: (e: ExitInfo) => void;

  constructor(private readonly opts: ProcessLinkOptions) {
    reserveDescriptor(); // so that running out of them can still be described (descriptors.ts)
    this.stderr = new StderrTail(opts.stderrLines, opts.onStderr, opts.onAuthUrl, opts.redact);
    this.exited = new Promise((r) => (this.resolveExited = r));
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  stderrTail(n?: number): string[] {
    return this.stderr.tail(n);
  }

  /** See ChildProcessTransport.violation. */
  get violation(): string | undefined {
    return this.transport?.violation;
  }

  waitExit(ms: number): Promise<ExitInfo | undefined> {
    if (this.exitInfo) return Promise.resolve(this.exitInfo);
    return Promise.race([this.exited, delay(ms).then(() => undefined)]);
  }

  open(): { transport: Transport; failed: Promise<never> } {
    const { launch } = this.opts;
    // Marks every process of the tree, descendants included, so none escapes by leaving the group.
    const cookie = randomBytes(16).toString('hex');
    let child: ChildProcessWithoutNullStreams;
    try {
      // header values and client secrets: files the process reads at start, never its command line
      this.secrets = writeSecretFiles(launch.secretFiles ?? []);
      if (this.secrets.dir) this.opts.watchdog?.secretDir(this.secrets.dir, true); // before the spawn: no window to leave it
      child = spawn(launch.command, [...launch.args, ...this.secrets.args], {
        cwd: launch.cwd,
        env: { ...launch.env, [TREE_COOKIE_VAR]: cookie },
        stdio: ['pipe', 'pipe', 'pipe'],
        shell: false,
        windowsHide: true,
        // own process group on POSIX, so the whole tree can be signalled at once
        detached: process.platform !== 'win32',
      });
    } catch (e) {
      this.dropSecrets();
      throw new StartError(`could not start "${launch.command}": ${isOutOfDescriptors(e) ? tooManyOpenFiles(e) : (e as Error).message}`, []);
    }
    // Out of descriptors, Node creates no pipes (and emits EMFILE or ENFILE next): say so now
    if (!child.stdin || !child.stdout || !child.stderr) {
      child.once('error', () => undefined);
      this.dropSecrets();
      throw new StartError(`could not start "${launch.command}": ${tooManyOpenFiles()}`, []);
    }
    this.child = child;
    this.stderr.attach(child.stderr); // read before anything else: an unread pipe can stall the child
    const spawnError = new Promise<never>((_, reject) =>
      child.once('error', (e) => {
        this.dropSecrets();
        reject(new StartError(`could not start "${launch.command}": ${isOutOfDescriptors(e) ? tooManyOpenFiles(e) : e.message}`, this.stderr.tail()));
      }),
    );
    child.once('exit', (code, signal) => {
      this.dropSecrets();
      this.exitInfo = { code, signal };
      this.resolveExited(this.exitInfo);
    });
    if (child.pid !== undefined) {
      this.tree = new ProcessTree(child.pid, cookie);
      this.opts.watchdog?.track(child.pid, this.tree.identity);
    }
    const exitedEarly = this.exited.then((exit): never => {
      throw new StartError(`server exited during start (${describeExit(exit)})`, this.stderr.tail(), exit);
    });
    const failed = Promise.race([spawnError, exitedEarly]);
    failed.catch(() => undefined);
    this.transport = new ChildProcessTransport(child, this.opts.maxMessageBytes);
    return { transport: this.transport, failed };
  }

  established(onDown: () => void): void {
    this.dropSecrets(); // read at start: the handshake is done
    this.tree?.refresh();
    // From here on, an exit or a closed stdout is a break unless close() asked for it.
    if (this.exitInfo || this.child?.stdout.readableEnded) onDown();
  }

  async endBroken(): Promise<ExitInfo> {
    // A closed stdout with a live process is a broken server too: end the tree so nothing leaks.
    const soon = await Promise.race([this.exited, delay(200).then(() => undefined)]);
    await this.tree?.kill(2000); // grandchildren of a dead wrapper, descendants that left the group
    this.release();
    return soon ?? this.exitInfo ?? { code: null, signal: null };
  }

  async close(closeSession: () => Promise<void>, force: boolean): Promise<void> {
    if (force) {
      await this.kill();
      await closeSession();
      return;
    }
    const grace = this.opts.stopGraceMs;
    this.tree?.refresh();
    try {
      this.child?.stdin.end();
    } catch {
      // already closed
    }
    await closeSession();
    if (!this.tree) return;
    if (!(await this.tree.waitGone(grace))) {
      await this.tree.signal('SIGTERM');
      if (!(await this.tree.waitGone(grace))) await this.kill();
    }
    this.release();
  }

  private async kill(): Promise<void> {
    if (!this.tree) return;
    await this.tree.kill(2000);
    this.release();
  }

  /** The secret files are read (or will never be): removed, and the watchdog told. */
  private dropSecrets(): void {
    if (!this.secrets?.dir) return;
    this.secrets.remove();
    this.opts.watchdog?.secretDir(this.secrets.dir, false);
    this.secrets = undefined;
  }

  /** The tree is gone: the watchdog need not look after it any more. */
  private release(): void {
    if (this.tree && !this.tree.alive()) this.opts.watchdog?.untrack(this.tree.pid);
  }
}
