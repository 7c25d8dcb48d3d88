// The setting mcpPool.remoteTransport "auto" reaches a remote app directly. Where a direct start
// fails in a way another client may get past (the server answered, but would not take MCP as the
// pool's HTTP client sent it; or the direct sign-in failed at the authorization server:
// direct/httpFailure.ts AnsweredOtherwise), the same start tries mcp-remote at once. If mcp-remote
// starts, that is remembered for the server and authorization context (dated: after a day the next
// start tries directly again), said once in the app's log and shown in its hover. If it fails too,
// nothing is remembered and the start fails naming both.
import { mcpRemoteMayHandle } from '../direct/httpFailure';
import { hasSecretParameter } from '../redact';
import { type EraMemory, ROUTE_VERDICT_MS, routeKey } from '../session/eraMemory';
import type { AppSpec, RemoteAppSpec } from '../types';

/** A remote app that "auto" made direct (not one whose definition or setting asks for direct). */
function autoDirect(spec: AppSpec): spec is RemoteAppSpec {
  return spec.kind === 'remote' && spec.transport === 'direct' && spec.transportChoice !== undefined;
}

function throughMcpRemote(spec: RemoteAppSpec, reason: string, at: number): RemoteAppSpec {
  const until = new Date(at + ROUTE_VERDICT_MS).toISOString().slice(0, 16).replace('T', ' ');
  return {
    ...spec,
    transport: 'mcp-remote',
    transportChoice: `through mcp-remote: a direct start failed (${reason}) and mcp-remote got through; direct is tried again after ${until} UTC`,
  };
}

export class AutoRoute {
  constructor(private readonly memory: EraMemory) {}

  /** The definition to run: `spec`, or the same through mcp-remote where a direct start failed lately. */
  route(spec: AppSpec): AppSpec {
    if (!autoDirect(spec)) return spec;
    const via = this.memory.route(routeKey(spec.url, spec.headers));
    return via ? throughMcpRemote(spec, via.reason, via.at) : spec;
  }

  /** After a failed start of `spec`: the definition to try now through mcp-remote, or undefined. */
  fallBack(spec: AppSpec, failure: unknown, reason: string): RemoteAppSpec | undefined {
    if (!autoDirect(spec) || !mcpRemoteMayHandle(failure)) return undefined;
    // a key in the URL would be on mcp-remote's command line, which every user of the machine can read (ps)
    if (hasSecretParameter(spec.url)) return undefined;
    return throughMcpRemote(spec, reason, Date.now());
  }

  /** Direct is tried again at the next start (a restart, a sign-out): the remembered route is forgotten. */
  forget(spec: AppSpec): boolean {
    if (!autoDirect(spec) || !this.memory.route(routeKey(spec.url, spec.headers))) return false;
    this.memory.forget(routeKey(spec.url, spec.headers));
    return true;
  }

  /** mcp-remote got through where the direct start of `spec` failed for `reason`. */
  remember(spec: AppSpec, reason: string): void {
    if (autoDirect(spec)) this.memory.rememberRoute(routeKey(spec.url, spec.headers), reason);
  }
}
