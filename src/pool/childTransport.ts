// An MCP Transport over the stdio of a child process that the pool spawned and owns.
// Framing and message validation are the SDK's (ReadBuffer / serializeMessage); this class
// only moves bytes. The SDK's StdioClientTransport spawns its own child, which would hide the
// process tree from us (it signals only the direct child on close) — hence this thin layer.
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { ReadBuffer, serializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

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

  private readonly buffer: ReadBuffer;
  private closed = false;
  /** Lines on stdout that were not JSON-RPC (servers that print logs to stdout). */
  garbageLines = 0;

  constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    maxMessageBytes: number,
  ) {
    this.buffer = new ReadBuffer({ maxBufferSize: maxMessageBytes });
  }

  start(): Promise<void> {
    this.child.stdout.on('data', (chunk: Buffer) => {
      try {
        this.buffer.append(chunk);
      } catch (e) {
        this.onerror?.(e as Error);
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

  private draining = false;

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
          let message: JSONRPCMessage | null;
          try {
            message = this.buffer.readMessage();
          } catch (e) {
            this.garbageLines++;
            this.onerror?.(new Error(`server printed a line that is not JSON-RPC: ${(e as Error).message.slice(0, 200)}`));
            continue;
          }
          if (message === null) return;
          this.onmessage?.(message);
          if (!('id' in message)) await settleMicrotasks();
        }
      } finally {
        this.draining = false;
      }
    })();
  }

  send(message: JSONRPCMessage): Promise<void> {
    const stdin = this.child.stdin;
    if (this.closed || !stdin.writable || stdin.destroyed || this.child.exitCode !== null || this.child.signalCode !== null) {
      return Promise.reject(new NotSentError('the server process is not running'));
    }
    return new Promise((resolve) => {
      // Once write() is called the bytes may reach the child: from here on it counts as sent.
      if (stdin.write(serializeMessage(message))) resolve();
      else {
        stdin.once('drain', resolve);
        stdin.once('close', resolve); // the child died with a full pipe: its exit is reported as a close
      }
    });
  }

  /** Stops reading and tells the SDK the connection is over; the process is stopped by its owner. */
  close(): Promise<void> {
    this.handleClose();
    return Promise.resolve();
  }

  private handleClose(): void {
    if (this.closed) return;
    this.closed = true;
    this.buffer.clear();
    this.onclose?.();
  }
}

function settleMicrotasks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
