// The 2026-07-28 clients of each app, as far as the gateway can tell: that era has no session, so
// a client is the name and version its requests carry (`_meta` clientInfo), counted while it sent
// something within the last `windowMs` (the same window an idle 2025 session is kept). Two
// instances of one client with the same name and version count once: nothing tells them apart.
import type { GatewayClient } from '../gateway';

/** At most this many clients are remembered per app (the oldest go first). */
const MAX_PER_APP = 256;

export class ModernClients {
  private readonly seen = new Map<string, Map<string, { client: GatewayClient; at: number }>>();

  constructor(
    private readonly windowMs: number,
    /** Called when an app's list of clients changed (one appeared, or one expired). */
    private readonly changed: (app: string) => void,
  ) {}

  /** A request of `app` from `client` (undefined: it did not say who it is, counted under no name). */
  saw(app: string, client: GatewayClient | undefined): void {
    if (!client) return;
    let clients = this.seen.get(app);
    if (!clients) this.seen.set(app, (clients = new Map<string, { client: GatewayClient; at: number }>()));
    const key = JSON.stringify([client.name, client.version ?? '']);
    const isNew = !clients.has(key);
    clients.delete(key);
    clients.set(key, { client, at: Date.now() });
    while (clients.size > MAX_PER_APP) clients.delete(clients.keys().next().value!);
    if (isNew) this.changed(app);
  }

  of(app: string): GatewayClient[] {
    const now = Date.now();
    return [...(this.seen.get(app)?.values() ?? [])].filter((c) => now - c.at <= this.windowMs).map((c) => c.client);
  }

  /** Forgets clients quiet for longer than the window, saying so per app. */
  sweep(): void {
    const now = Date.now();
    for (const [app, clients] of this.seen) {
      let gone = false;
      for (const [key, c] of clients) if (now - c.at > this.windowMs) gone = clients.delete(key) || gone;
      if (!clients.size) this.seen.delete(app);
      if (gone) this.changed(app);
    }
  }

  forget(app: string): void {
    if (this.seen.delete(app)) this.changed(app);
  }
}

/** Who a modern request says it comes from (`_meta` io.modelcontextprotocol/clientInfo). */
export function clientOf(envelope: unknown): GatewayClient | undefined {
  const info = (envelope as Record<string, unknown> | undefined)?.['io.modelcontextprotocol/clientInfo'] as { name?: unknown; version?: unknown } | undefined;
  if (typeof info?.name !== 'string' || !info.name) return undefined;
  return { name: info.name.slice(0, 200), ...(typeof info.version === 'string' ? { version: info.version.slice(0, 100) } : {}) };
}
