// What carries each app's session, made in one place: a process link (a stdio server, or mcp-remote
// for a remote app) or a direct HTTP link. The pool builds one LinkFactory with everything links
// need (the launcher, the fetch, the sign-ins and their redirect, the watchdog); an app only asks
// it for its link and never knows which kind it got.
import type { Emitter } from '../../common/emitter';
import { specProblem } from '../definitions';
import type { ExternalRedirect } from '../direct/directAuth';
import { type FetchLike, strategyOf } from '../direct/directTransport';
import { HttpLink } from '../direct/httpLink';
import type { SignIns } from '../direct/signIn';
import type { Link } from '../link';
import { launchCommand, type McpRemoteLauncher, preflight } from '../process/launch';
import { ProcessLink } from '../process/processLink';
import type { Watchdog } from '../process/watchdog';
import type { Redactor } from '../redact';
import type { PoolSettings } from '../settings';
import type { AppSpec, PoolEvent } from '../types';

export interface LinkFactoryOptions {
  /** Read at each start: a changed launcher applies to the next start. */
  readonly settings: () => PoolSettings;
  readonly launcher: () => McpRemoteLauncher;
  readonly fetch: FetchLike;
  readonly signIns: SignIns;
  readonly externalRedirect?: ExternalRedirect;
  readonly watchdog?: Watchdog;
  readonly redactor: Redactor;
  /** Where each link's log lines go (as `stderr` events of its app). */
  readonly events: Emitter<PoolEvent>;
}

/** Makes one link for one start; `onAuthUrl` is for the link to call when the user is asked to sign in. */
export type LinkMaker = (onAuthUrl: (url: string) => void) => Link;

export class LinkFactory {
  constructor(private readonly opts: LinkFactoryOptions) {}

  /**
   * What will carry the app's next session. Checks first what can be checked without starting
   * anything, and throws a message naming the app and the field when its command (or mcp-remote's
   * launcher) cannot be run.
   */
  prepare(spec: AppSpec): LinkMaker {
    // a spec from the API, or with secrets resolved into it, is checked before anything is built from it
    const problem = specProblem(spec);
    if (problem) throw new Error(`app ${JSON.stringify(String(spec.name).slice(0, 64))}: ${problem}`);
    const { redactor, events, settings } = this.opts;
    const onLog = (line: string) => events.fire({ type: 'stderr', app: spec.name, line });
    const redact = (line: string) => redactor.redact(line);
    if (spec.kind === 'remote' && spec.transport === 'direct') {
      return (onAuthUrl) => {
        const s = settings();
        return new HttpLink({
          url: spec.url,
          headers: spec.headers,
          fetch: this.opts.fetch,
          // mcp-remote's --transport, when the app has it (imported definitions do), means the same here
          strategy: strategyOf(spec.args),
          signIn: {
            app: spec.name,
            signIns: this.opts.signIns,
            clientName: `${s.clientInfo.name} (${spec.name})`,
            clientMetadataUrl: s.oauthClientMetadataUrl || undefined,
            externalRedirect: this.opts.externalRedirect,
          },
          onAuthUrl,
          logLines: s.stderrLines,
          maxMessageBytes: s.maxMessageBytes,
          stopGraceMs: s.stopGraceMs,
          onLog,
          redact,
        });
      };
    }
    const launch = launchCommand(spec, this.opts.launcher());
    preflight(spec.name, launch, spec.kind === 'remote' ? 'launcher' : 'command');
    return (onAuthUrl) => {
      const s = settings();
      return new ProcessLink({
        launch,
        stderrLines: s.stderrLines,
        maxMessageBytes: s.maxMessageBytes,
        stopGraceMs: s.stopGraceMs,
        onStderr: onLog,
        redact,
        // mcp-remote's sign-in prompt (a stdio server printing one is just printing)
        onAuthUrl: spec.kind === 'remote' ? onAuthUrl : undefined,
        watchdog: this.opts.watchdog,
      });
    };
  }
}
