// Once per entry, never again after "Don't Ask Again": when the hosts on this machine have entries
// that start their own mcp-remote (or a pooled app's own command), say so and offer to route them
// through the pool. Nothing is written from here: "Review…" runs Route Clients Through the Pool…,
// which shows the diff first.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Disposable } from '../common/lifecycle';
import type { HostConfigs } from '../gatewayHost/hostConfigs';
import { hostLabel, type RouteOffer } from '../hosts';
import { Commands } from '../manifest/commands';
import { ROUTE_OFFERS_NEVER_KEY, ROUTE_OFFERS_SEEN_KEY } from '../manifest/storage';

const REVIEW = 'Review…';
const NEVER = "Don't Ask Again";

export class RouteOfferNotifier extends Disposable {
  private showing = false;

  constructor(
    private readonly hosts: HostConfigs,
    private readonly memento: vscode.Memento,
  ) {
    super();
    this._register(hosts.onDidChange(() => void this.check()));
  }

  private async check(): Promise<void> {
    if (this.showing || this.memento.get<boolean>(ROUTE_OFFERS_NEVER_KEY)) return;
    const seen = new Set(this.memento.get<string[]>(ROUTE_OFFERS_SEEN_KEY) ?? []);
    const fresh = this.hosts.offers().filter((o) => !seen.has(keyOf(o)));
    if (!fresh.length) return;
    for (const o of fresh) seen.add(keyOf(o));
    await this.memento.update(ROUTE_OFFERS_SEEN_KEY, [...seen].slice(-500));
    this.showing = true;
    try {
      const pick = await vscode.window.showInformationMessage(
        `MCP Pool: ${summary(fresh)}. Run ${fresh.length === 1 ? 'it' : 'them'} through the warm pool instead?`,
        REVIEW,
        NEVER,
      );
      if (pick === REVIEW) await vscode.commands.executeCommand(Commands.routeClients);
      else if (pick === NEVER) await this.memento.update(ROUTE_OFFERS_NEVER_KEY, true);
    } finally {
      this.showing = false;
    }
  }
}

function keyOf(o: RouteOffer): string {
  return `${o.file.path}#${o.entry}`;
}

/** `Claude Code's "atlassian" and Codex's "atlassian", "github" start a server of their own`. */
function summary(offers: readonly RouteOffer[]): string {
  const byHost = new Map<string, string[]>();
  for (const o of offers) {
    // the portable .mcp.json is read by several hosts: named as what it is
    const who = o.file.scope === 'workspace' && path.basename(o.file.path) === '.mcp.json' ? "this folder's .mcp.json" : hostLabel(o.file.host);
    byHost.set(who, [...(byHost.get(who) ?? []), `"${o.entry}"`]);
  }
  const parts = [...byHost].map(([who, entries]) => `${who}'s ${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ` and ${entries.length - 3} more` : ''}`);
  return `${parts.join(' and ')} start${offers.length === 1 ? 's' : ''} a server of ${offers.length === 1 ? 'its' : 'their'} own`;
}
