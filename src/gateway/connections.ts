// The gateway's sockets: what a local caller without the token can make it hold. Node's own
// deadlines close a connection whose headers or body trickle; this keeps the count bounded on
// top: connections that have not yet carried a request with the token ("unproven") are capped,
// the oldest closed first, so a flood of them never takes the place of an authorised client;
// all connections are capped too (idle keep-alive ones closed first). An accept that fails
// (too many open files) is reported, never thrown: the server's 'error' would take the host down.
import { readFileSync } from 'node:fs';
import type { Server as HttpServer } from 'node:http';
import type { Socket } from 'node:net';

export interface ConnectionLimits {
  readonly maxUnprovenConnections: number;
  readonly maxConnections: number;
}

/** What the gateway did to keep its sockets bounded (for its log and the tests). */
export interface ConnectionCounts {
  /** Unproven connections closed to make room for a new one. */
  evicted: number;
  /** New connections refused because every connection was busy at maxConnections. */
  refused: number;
  /** Accepts that failed (EMFILE: the host is out of file descriptors). */
  acceptErrors: number;
}

/**
 * The connection caps fitted to the host's file descriptor limit: each at most its share of the
 * limit (GATEWAY_DEFAULTS says why), so that sockets alone never take the descriptors the pool
 * needs for its processes and pipes. Unchanged where the limit cannot be read (not Linux).
 */
export function fitToDescriptors(
  limits: ConnectionLimits,
  shares: { readonly connections: number; readonly unproven: number },
  fdLimit = descriptorLimit(),
): ConnectionLimits {
  if (fdLimit === undefined) return limits;
  return {
    maxConnections: Math.max(8, Math.min(limits.maxConnections, Math.floor(fdLimit * shares.connections))),
    maxUnprovenConnections: Math.max(4, Math.min(limits.maxUnprovenConnections, Math.floor(fdLimit * shares.unproven))),
  };
}

/** This process's soft limit on open files (Linux: /proc/self/limits); undefined when unknown or unlimited. */
export function descriptorLimit(): number | undefined {
  try {
    const m = /^Max open files\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

export class Connections {
  /** Connections without an authorised request yet, oldest first (a Map keeps insertion order). */
  private readonly unproven = new Map<Socket, number>();
  private readonly open = new Set<Socket>();
  readonly counts: ConnectionCounts = { evicted: 0, refused: 0, acceptErrors: 0 };
  private lastAcceptError = 0;

  constructor(
    private readonly server: HttpServer,
    private readonly limits: ConnectionLimits,
    private readonly log: (line: string) => void,
  ) {
    server.on('connection', (socket: Socket) => this.accepted(socket));
    server.on('error', (e: NodeJS.ErrnoException) => this.acceptFailed(e));
  }

  get size(): number {
    return this.open.size;
  }

  /** The socket carried a request with the token: it is no longer a candidate for eviction. */
  proven(socket: Socket): void {
    this.unproven.delete(socket);
  }

  private accepted(socket: Socket): void {
    this.open.add(socket);
    this.unproven.set(socket, Date.now());
    socket.once('close', () => {
      this.open.delete(socket);
      this.unproven.delete(socket);
    });
    if (this.unproven.size > this.limits.maxUnprovenConnections) {
      const [oldest] = this.unproven.keys();
      this.unproven.delete(oldest);
      oldest.destroy();
      if (this.counts.evicted++ % 1000 === 0)
        this.log(
          `gateway: more than ${this.limits.maxUnprovenConnections} connections without a valid token are open (a local process is flooding the gateway?); the oldest are closed (${this.counts.evicted} so far)`,
        );
    }
    if (this.open.size <= this.limits.maxConnections) return;
    this.server.closeIdleConnections();
    let live = 0;
    for (const s of this.open) if (!s.destroyed) live++;
    if (live <= this.limits.maxConnections) return;
    socket.destroy();
    if (this.counts.refused++ % 1000 === 0)
      this.log(`gateway: ${this.limits.maxConnections} connections are open and busy (the limit); new connections are refused (${this.counts.refused} so far)`);
  }

  private acceptFailed(e: NodeJS.ErrnoException): void {
    // an error while starting to listen (a port in use) is the starter's to report
    if (!this.server.listening) return;
    this.counts.acceptErrors++;
    // one line per 10 s at most: a flood would otherwise flood the log too
    const now = Date.now();
    if (now - this.lastAcceptError < 10_000) return;
    this.lastAcceptError = now;
    const why =
      e.code === 'EMFILE' || e.code === 'ENFILE'
        ? `too many open files (${e.code}): the extension host is at its file descriptor limit; connections are closed until descriptors are free again`
        : `${e.code ?? ''} ${e.message}`.trim();
    this.log(`gateway: could not accept a connection: ${why} (${this.open.size} gateway connections open)`);
  }
}
