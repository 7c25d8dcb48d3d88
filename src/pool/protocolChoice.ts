// mcp-remote's `--protocol legacy|auto|<revision>` in a remote app's args (imported definitions
// carry it): what it asks of the pool's own session when the app is reached directly. `auto` (the
// default) probes the era and remembers it; `legacy` initializes at once, never asks
// server/discover and remembers nothing; a revision pins it: 2026-07-28 connects in the modern era
// at exactly that revision (SDK v2's `versionNegotiation: { pin }`, no fallback), a 2025 revision
// initializes offering only it and accepts no other. mcp-remote 0.15.1 itself knows only `legacy`
// and `auto` (it ignores anything else and runs legacy).
import { SUPPORTED_PROTOCOL_VERSIONS } from '@modelcontextprotocol/client';

/** The 2025 revisions (initialize), as the SDK speaks them. */
export const LEGACY_REVISIONS: readonly string[] = SUPPORTED_PROTOCOL_VERSIONS;
/** The revisions of the modern era (server/discover, no session) the pool speaks. */
export const MODERN_REVISIONS: readonly string[] = ['2026-07-28'];

export type ProtocolChoice =
  | { readonly kind: 'auto' }
  /** `revision`: a pinned 2025 revision (initialize offers it alone). */
  | { readonly kind: 'legacy'; readonly revision?: string }
  | { readonly kind: 'modern'; readonly revision: string };

/** The value of `--protocol` in `args` (`--protocol X` or `--protocol=X`; the last one wins), or undefined without one. */
export function protocolArg(args: readonly string[]): string | undefined {
  let value: string | undefined;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--protocol') value = args[++i] ?? '';
    else if (args[i].startsWith('--protocol=')) value = args[i].slice('--protocol='.length);
  }
  return value;
}

/** What `--protocol <value>` asks for; undefined for a value that is none of them. */
export function parseProtocol(value: string): ProtocolChoice | undefined {
  if (value === 'auto') return { kind: 'auto' };
  if (value === 'legacy') return { kind: 'legacy' };
  if (LEGACY_REVISIONS.includes(value)) return { kind: 'legacy', revision: value };
  if (MODERN_REVISIONS.includes(value)) return { kind: 'modern', revision: value };
  return undefined;
}

/** A direct app's choice (auto without `--protocol`; definitions.ts refuses a bad value before it gets here). */
export function protocolChoice(args: readonly string[]): ProtocolChoice {
  const value = protocolArg(args);
  return (value !== undefined && parseProtocol(value)) || { kind: 'auto' };
}

/** Why `--protocol` in `args` is not one the pool can follow (undefined when absent or valid), in words for the definition's problems. */
export function protocolProblem(args: readonly string[]): string | undefined {
  const value = protocolArg(args);
  if (value === undefined || parseProtocol(value)) return undefined;
  const shown = JSON.stringify(value.slice(0, 40));
  return `"--protocol ${shown.slice(1, -1)}" is not legacy, auto or a protocol revision (${[...MODERN_REVISIONS, ...LEGACY_REVISIONS].join(', ')})`;
}
