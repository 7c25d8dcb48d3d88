// An MCP Transport over the stdio of a child process that the pool spawned and owns.
// Lines are framed in linear time by LineFramer; serialization and message validation are the
// SDK's (serializeMessage / JSONRPCMessageSchema, what its deserializeMessage runs after
// JSON.parse); this class moves bytes, and bounds what a server may send that nobody asked for
// (SendBudget): each line is parsed and told apart (an answer to one of the client's requests, or
// unsolicited) as it arrives, before anything is queued or dispatched, so a flood costs the host
// no more than the budget allows and is stopped with the reason. The SDK's StdioClientTransport
// spawns its own child, which would hide the process tree from us (it signals only the direct
// child on close) — hence this thin layer.
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { type JSONRPCMessage, parseJSONRPCMessage, serializeMessage, type Transport } from '@modelcontextprotocol/client';
import { NotSentError } from '../link';
import { findMessageId, LineFramer, type OversizedLine } from './lineFramer';
import { type BudgetBreach, describeBreach, SendBudget, type UnsolicitedKind } from '../sendBudget';

type RequestId = string | number;

/** A line parsed as JSON (validated as JSON-RPC when it is handed on), or one that cannot be a JSON-RPC message (parsed only then, for the note). */
type Incoming = { readonly value: unknown } | { readonly unparsed: string };

/** The client's requests remembered until answered; past this many the oldest are forgotten. */
const MAX_PENDING = 10_000;
/** The longest the transport hands messages to the SDK before it lets the event loop turn. */
const SLICE_MS = 8;

export class ChildProcessTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  private readonly framer: LineFramer;
  /** Complete lines, parsed, not yet handed to the SDK. */
  private readonly incoming: Incoming[] = [];
  private readonly budget = new SendBudget();
  /** The client's requests not answered yet, by id: `awaited` until the client cancels it (a late answer is still no stray). */
  private readonly pending = new Map<RequestId, { awaited: boolean; token?: RequestId }>();
  /** How many of `pending` are still awaited. */
  private awaited = 0;
  /** Progress tokens of the requests in `pending`. */
  private readonly progressTokens = new Set<RequestId>();
  /** Bytes of the unfinished line already charged to the budget (they came while nothing was awaited). */
  private lineCharged = 0;
  private closed = false;
  private draining = false;
  /** The one wait for room of the back-pressured writes (see waitForRoom). */
  private room?: Promise<void>;
  /** Lines on stdout that were not JSON-RPC (servers that print logs to stdout). */
  garbageLines = 0;
  /**
   * Why this transport ended the connection itself: the server broke a bound of what it may send
   * (a flood past the budget, or bytes on and on without a line break). E.g. `sent 12,345
   * unsolicited messages in 0.4 s (limit …); stopped — check the server's logging …`.
   */
  violation?: string;

  /**
   * `maxMessageBytes` bounds a message in either direction: a line from the server (longer ones
   * are dropped; four times that without a line break ends the connection) and what may be
   * queued for a server that does not read.
   */
  constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly maxMessageBytes: number,
  ) {
    this.framer = new LineFramer(
      maxMessageBytes,
      (line, bytes) => this.ingest(line, bytes),
      (line) => this.oversized(line),
    );
  }

  /**
   * The child's pid and stderr: what makes the SDK v2 Client see a stdio transport (it recognizes one
   * by these two members), so its era probe treats a silent server as a legacy one (falls back to
   * initialize) instead of as an outage. The stderr is read by the link (processLink.ts), never here.
   */
  get pid(): number | undefined {
    return this.child.pid;
  }

  get stderr(): NodeJS.ReadableStream {
    return this.child.stderr;
  }

  start(): Promise<void> {
    this.child.stdout.on('data', (chunk: Buffer) => {
      if (this.closed) return;
      this.framer.push(chunk);
      if (this.closed) return;
      const unfinished = this.framer.unfinishedBytes;
      // A server that writes on and on without a line break is broken (and would keep the host
      // busy): past four times the message limit its connection ends, with the reason.
      if (unfinished > 4 * this.maxMessageBytes) return this.violated(`wrote ${megabytes(unfinished)} without a line break; it is stopped`);
      // While no answer is awaited, nothing the client asked for can be among bytes without a line
      // break: they are charged as they come (not only once the line ends, which may be never).
      if (this.awaited === 0 && unfinished > this.lineCharged) {
        const breach = this.budget.charge('unterminated', unfinished - this.lineCharged);
        this.lineCharged = unfinished;
        if (breach) return this.breached(breach);
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
   * A complete line, as it arrives: parsed (JSON only; the SDK validates it when it is handed on),
   * told apart — an answer to one of the client's requests, progress for one, or unsolicited —
   * and charged to the budget before it is queued. A flood is stopped here, before the SDK has
   * seen more of it than the budget allows.
   */
  private ingest(line: string, bytes: number): void {
    if (this.closed) return;
    const charged = this.lineCharged;
    this.lineCharged = 0;
    let entry: Incoming | undefined;
    let kind: UnsolicitedKind | undefined;
    const start = line.trimStart();
    if (!start) {
      kind = 'blank'; // nothing to hand on, but a flood of them keeps the host busy all the same
    } else if (!start.startsWith('{')) {
      // No JSON-RPC message (always an object): no parse here, where a flood is still being counted
      // (a failed JSON.parse costs a thrown error); the note is made when it is handed on.
      entry = { unparsed: line };
      kind = 'garbage';
    } else {
      try {
        const value: unknown = JSON.parse(line);
        entry = { value };
        kind = this.classify(value);
      } catch {
        entry = { unparsed: line };
        kind = 'garbage';
      }
    }
    if (kind) {
      const breach = this.budget.charge(kind, Math.max(0, bytes - charged));
      if (breach) return this.breached(breach);
    }
    if (entry) this.incoming.push(entry);
  }

  /** Undefined for an answer to a request of the client (which is then no longer pending). */
  private classify(value: unknown): UnsolicitedKind | undefined {
    if (typeof value !== 'object' || value === null) return 'garbage';
    const m = value as { id?: unknown; method?: unknown; params?: { progressToken?: unknown } | null };
    if (typeof m.method === 'string') {
      if (m.id !== undefined) return 'request';
      const token = m.method === 'notifications/progress' ? m.params?.progressToken : undefined;
      // (the SDK matches tokens by Number(token), as it does ids)
      const ours = isRequestId(token) && (this.progressTokens.has(token) || this.progressTokens.has(Number(token)));
      return ours ? 'progress' : 'notification';
    }
    if (m.id === undefined) return 'garbage';
    return isRequestId(m.id) && this.settle(m.id) ? undefined : 'stray-response';
  }

  /**
   * Notes what the client sends: its requests are then pending (their answers are no strays), a
   * cancel ends the wait. The SDK built the message: its shape is told by its keys (its type
   * guards would validate it all over again, on the hot path of every call).
   */
  private noteSent(message: JSONRPCMessage): void {
    if (!('method' in message)) return;
    if ('id' in message) {
      this.settle(message.id);
      const token = message.params?._meta?.progressToken;
      this.pending.set(message.id, { awaited: true, token });
      this.awaited++;
      if (token !== undefined) this.progressTokens.add(token);
      if (this.pending.size > MAX_PENDING) this.settle(this.pending.keys().next().value!);
    } else if (message.method === 'notifications/cancelled') {
      const id = (message.params as { requestId?: unknown } | undefined)?.requestId;
      const request = isRequestId(id) ? this.pending.get(id) : undefined;
      if (request?.awaited) {
        request.awaited = false;
        this.awaited--;
      }
    }
  }

  /** Whether `id` was a pending request of the client; it is not any more. */
  private settle(answered: RequestId): boolean {
    // the SDK matches answers by Number(id): an answer to request 7 with id "7" is one too
    const id = this.pending.has(answered) || typeof answered === 'number' ? answered : Number(answered);
    const request = this.pending.get(id);
    if (!request) return false;
    this.pending.delete(id);
    if (request.awaited) this.awaited--;
    if (request.token !== undefined) this.progressTokens.delete(request.token);
    return true;
  }

  private breached(breach: BudgetBreach): void {
    this.violated(describeBreach(breach));
  }

  /** The server broke a bound of what it may send: nothing more of it is read, and the connection ends with the reason. */
  private violated(reason: string): void {
    if (this.closed) return;
    this.violation = reason;
    this.onerror?.(new Error(`the server ${reason}`));
    // A flooder now meets a closed pipe instead of a host that reads on until its tree is gone.
    this.child.stdout.destroy();
    this.handleClose();
  }

  /**
   * Hands messages to the SDK in order. The SDK runs notification handlers one microtask
   * later but settles responses at once, so a progress notification followed by its response
   * in the same chunk would lose the progress; after each notification we let it run first.
   * Anything else gets a turn of the event loop every SLICE_MS, so a backlog never holds it long.
   */
  private drain(): void {
    if (this.draining) return;
    this.draining = true;
    void (async () => {
      try {
        let slice = performance.now();
        for (;;) {
          if (performance.now() - slice > SLICE_MS) {
            await settleMicrotasks();
            slice = performance.now();
          }
          const entry = this.incoming.shift();
          if (entry === undefined) return;
          let message: JSONRPCMessage;
          try {
            // a line that is not JSON throws the parser's own words, as the SDK's deserializeMessage would
            message = parseJSONRPCMessage('unparsed' in entry ? JSON.parse(entry.unparsed) : entry.value);
          } catch (e) {
            this.garbageLines++;
            this.onerror?.(new Error(`server printed a line that is not JSON-RPC: ${(e as Error).message.slice(0, 200)}`));
            continue;
          }
          this.onmessage?.(message);
          if (!('id' in message)) {
            await settleMicrotasks();
            slice = performance.now();
          }
        }
      } finally {
        this.draining = false;
      }
    })();
  }

  /**
   * A line over the limit: a response whose id shows is answered with an error of its own (the
   * call fails now, with the reason, instead of at its timeout); the server keeps serving.
   * Anything else is one more line that is not JSON-RPC; its bytes count only while no answer is
   * awaited (an answer whose id did not show is no flood).
   */
  private oversized(line: OversizedLine): void {
    if (this.closed) return;
    const charged = this.lineCharged;
    this.lineCharged = 0;
    const [size, limit] = [megabytes(line.bytes), megabytes(this.maxMessageBytes)];
    this.onerror?.(new Error(`a message of ${size} from the server exceeds the limit of ${limit} (maxMessageBytes); dropped`));
    const id = findMessageId(line);
    if (id !== undefined && this.settle(id)) {
      this.incoming.push({ value: { jsonrpc: '2.0', id, error: { code: -32603, message: `response of ${size} exceeds the limit of ${limit}` } } });
      return;
    }
    const breach = this.budget.charge('garbage', this.awaited === 0 ? Math.max(0, line.bytes - charged) : 0);
    if (breach) this.breached(breach);
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
    this.noteSent(message);
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
    this.incoming.length = 0;
    this.onclose?.();
  }
}

function isRequestId(x: unknown): x is RequestId {
  return typeof x === 'string' || typeof x === 'number';
}

function settleMicrotasks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
