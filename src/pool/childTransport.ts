// An MCP Transport over the stdio of a child process that the pool spawned and owns.
// Lines are framed in linear time by LineFramer; serialization and message validation are the
// SDK's (serializeMessage / deserializeMessage); this class only moves bytes. The SDK's StdioClientTransport spawns its own child, which would hide the
// process tree from us (it signals only the direct child on close) — hence this thin layer.
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { deserializeMessage, serializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { findMessageId, LineFramer, type OversizedLine } from './lineFramer';

/** The message was provably never handed to the child: it is safe to send it elsewhere. */
export class NotSentError extends Error {
  constructor(reason: string) {
    super(`message not sent: ${reason}`);
    this.name = 'NotSentError';
  }
}

/** Whether `e` (or an error it was caused by) says the request was never written to the server. */
export function isNotSent(e: unknown): boolean {
  for (let cur = e as { cause?: unknown } | undefined, i = 0; cur && i < 5; cur = cur.cause as typeof cur, i++) {
    if (cur instanceof NotSentError) return true;
  }
  return false;
}

export class ChildProcessTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  private readonly framer: LineFramer;
  /** Complete lines not yet handed to the SDK. */
  private readonly lines: string[] = [];
  private closed = false;
  private draining = false;
  /** The one wait for room of the back-pressured writes (see waitForRoom). */
  private room?: Promise<void>;
  /** Lines on stdout that were not JSON-RPC (servers that print logs to stdout). */
  garbageLines = 0;

  /**
   * `maxMessageBytes` bounds a message in either direction: a line from the server (longer ones
   * are dropped; four times that without a line break ends the connection) and what may be
   * queued for a server that does not read.
   */
  constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly maxMessageBytes: number,
  ) {
    this.framer = new LineFramer(maxMessageBytes, (line) => this.lines.push(line), (line) => this.oversized(line));
  }

  start(): Promise<void> {
    this.child.stdout.on('data', (chunk: Buffer) => {
      if (this.closed) return;
      this.framer.push(chunk);
      // A server that writes on and on without a line break is broken (and would keep the host
      // busy): past four times the message limit its connection ends, with the reason.
      if (this.framer.unfinishedBytes > 4 * this.maxMessageBytes) {
        this.onerror?.(new Error(`the server wrote ${megabytes(this.framer.unfinishedBytes)} without a line break; it is stopped`));
        this.handleClose();
        return;
      }
      this.drain();
    });
    this.child.stdout.on('end', () => this.handleClose());
    this.child.on('exit', () => this.handleClose());
    // EPIPE: the child is gone, or stopped reading its input. Either way no request can reach it
    // any more: the connection is over now (requests in flight fail at once, not at their timeout).
    this.child.stdin.on('error', (e) => {
      this.onerror?.(e);
      this.handleClose();
    });
    this.child.stdout.on('error', (e) => this.onerror?.(e));
    return Promise.resolve();
  }

  /**
   * Hands messages to the SDK in order. The SDK runs notification handlers one microtask
   * later but settles responses at once, so a progress notification followed by its response
   * in the same chunk would lose the progress; after each notification we let it run first.
   */
  private drain(): void {
    if (this.draining) return;
    this.draining = true;
    void (async () => {
      try {
        for (;;) {
          const line = this.lines.shift();
          if (line === undefined) return;
          let message: JSONRPCMessage;
          try {
            message = deserializeMessage(line);
          } catch (e) {
            this.garbageLines++;
            this.onerror?.(new Error(`server printed a line that is not JSON-RPC: ${(e as Error).message.slice(0, 200)}`));
            continue;
          }
          this.onmessage?.(message);
          if (!('id' in message)) await settleMicrotasks();
        }
      } finally {
        this.draining = false;
      }
    })();
  }

  /**
   * A line over the limit: a response whose id shows is answered with an error of its own (the
   * call fails now, with the reason, instead of at its timeout); the server keeps serving.
   */
  private oversized(line: OversizedLine): void {
    const [size, limit] = [megabytes(line.bytes), megabytes(this.maxMessageBytes)];
    this.onerror?.(new Error(`a message of ${size} from the server exceeds the limit of ${limit} (maxMessageBytes); dropped`));
    const id = findMessageId(line);
    if (id === undefined) return;
    this.lines.push(JSON.stringify({ jsonrpc: '2.0', id, error: { code: -32603, message: `response of ${size} exceeds the limit of ${limit}` } }));
  }

  send(message: JSONRPCMessage): Promise<void> {
    const stdin = this.child.stdin;
    if (this.closed || !stdin.writable || stdin.destroyed || this.child.exitCode !== null || this.child.signalCode !== null) {
      return Promise.reject(new NotSentError('the server process is not running'));
    }
    const data = serializeMessage(message);
    // A server that stopped reading its input: what is queued for it has a bound. Beyond it the
    // connection is over (the tree is ended) and this message, never written, may go to a fresh process.
    const queued = stdin.writableLength;
    if (queued > 0 && queued + Buffer.byteLength(data) > this.maxMessageBytes) {
      const error = new NotSentError(`the server stopped reading its input (${megabytes(queued)} queued for it); it is restarted`);
      this.onerror?.(error);
      // Closed after this rejection has reached its request (it was never sent: it may be retried);
      // closing first would fail it as 'connection closed' like the requests that did reach the server.
      setImmediate(() => this.handleClose());
      return Promise.reject(error);
    }
    // Once write() is called the bytes may reach the child: from here on it counts as sent.
    return stdin.write(data) ? Promise.resolve() : this.waitForRoom();
  }

  /**
   * One wait for room shared by every back-pressured write (not a pair of listeners each): it
   * ends with 'drain', or with the end of the pipe (the child died with it full: its exit is
   * reported as a close), and takes its listeners with it.
   */
  private waitForRoom(): Promise<void> {
    const stdin = this.child.stdin;
    this.room ??= new Promise<void>((resolve) => {
      const done = () => {
        stdin.off('drain', done);
        stdin.off('close', done);
        this.room = undefined;
        resolve();
      };
      stdin.on('drain', done);
      stdin.on('close', done);
    });
    return this.room;
  }

  /** Stops reading and tells the SDK the connection is over; the process is stopped by its owner. */
  close(): Promise<void> {
    this.handleClose();
    return Promise.resolve();
  }

  private handleClose(): void {
    if (this.closed) return;
    this.closed = true;
    this.framer.clear();
    this.lines.length = 0;
    this.onclose?.();
  }
}

function settleMicrotasks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
