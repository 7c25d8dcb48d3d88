// How an app's connection finds its protocol era, from its definition: a stdio server and a
// direct remote are probed once and remembered (eraMemory.ts), unless a direct app's args hold
// mcp-remote's `--protocol` (protocolChoice.ts), which it honours as mcp-remote would; an app
// through mcp-remote speaks 2025 to the pool (mcp-remote negotiates with the remote itself).
import type { ConnectionOptions } from '../session/connection';
import type { EraMemory } from '../session/eraMemory';
import { protocolArg, protocolChoice } from '../protocolChoice';
import type { AppSpec } from '../types';

export type NegotiationOptions = Pick<ConnectionOptions, 'negotiation' | 'era' | 'protocolVersions' | 'pinned'>;

/** `era`: where the app's verdict is remembered (undefined where the pool does not negotiate: mcp-remote). */
export function negotiationOf(run: AppSpec, era: { readonly memory: EraMemory; readonly key: string } | undefined): NegotiationOptions {
  if (!era) return { negotiation: 'legacy' };
  if (run.kind !== 'remote' || run.transport !== 'direct') return { negotiation: 'auto', era };
  const choice = protocolChoice(run.args);
  const said = `the app's "args" hold "--protocol ${protocolArg(run.args) ?? ''}"`;
  switch (choice.kind) {
    case 'auto':
      return { negotiation: 'auto', era };
    case 'legacy':
      return choice.revision
        ? {
            negotiation: 'legacy',
            protocolVersions: [choice.revision],
            pinned: `${said}: the pool offered only the 2025 revision ${choice.revision} (initialize)`,
          }
        : { negotiation: 'legacy', pinned: `${said}: the pool spoke only the 2025 era (initialize, no server/discover)` };
    case 'modern':
      return { negotiation: { pin: choice.revision }, pinned: `${said}: the pool spoke only ${choice.revision} (server/discover, no 2025 fallback)` };
  }
}
