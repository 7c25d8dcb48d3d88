// The options and vocabulary of an MCP session (mcpSession.ts): what it tells the app, how it is
// configured, the era it speaks, the limits of one request.
import type { Client, ResponseCacheStore } from '@modelcontextprotocol/client';
import type { McpError } from '@modelcontextprotocol/sdk/types.js';
import type { ClientHooks } from './clientHooks';
import type { LivenessOptions } from './liveness';
import type { LogLevel } from '../types';

/** How a session finds its era (McpSessionOptions.negotiation): SDK v2's `versionNegotiation.mode`. */
export type Negotiation = 'auto' | 'legacy' | { readonly pin: string };

/** What a server tells the client on its own, beyond tools/list_changed. */
export type ServerNotice =
  | { readonly kind: 'resourcesChanged' }
  | { readonly kind: 'resourceUpdated'; readonly uri: string }
  | { readonly kind: 'promptsChanged' }
  | { readonly kind: 'log'; readonly level: LogLevel; readonly logger?: string; readonly data: unknown };

export interface McpSessionOptions {
  /** The app this session belongs to: named in every hook call. */
  readonly app: string;
  readonly clientInfo: { name: string; version: string };
  /** What the host answers when the server asks (roots, elicitation, sampling); declared only where given. */
  readonly hooks?: ClientHooks;
  /** How long a hook may take before the server is told the host did not answer. */
  readonly hookTimeoutMs: number;
  readonly onToolsChanged: () => void;
  /** Resource and prompt list changes, resource updates and log messages (after the session dropped its cached listings). */
  readonly onNotice: (notice: ServerNotice) => void;
  /** Protocol-level problems (garbage, unknown responses): not fatal, a line for the log. */
  readonly onProtocolError: (message: string) => void;
  /** Pings while tool calls are in flight (liveness.ts); the session supplies the ping. */
  readonly liveness: Omit<LivenessOptions, 'ping'>;
  /**
   * How the session asks whether the server is there (alive()): 'era' pings a 2025 server and
   * sends server/discover to a modern one (that era has no ping); 'discover' always sends
   * server/discover: the other end is a proxy that answers ping itself (mcp-remote --protocol
   * auto) but forwards server/discover to the remote (a 2025 remote's "method not found" is an
   * answer too).
   */
  readonly probe?: 'era' | 'discover';
  /**
   * How the era is found when no verdict is given to connect(): 'auto' probes with server/discover
   * (on the connection itself) and falls back to initialize; 'legacy' initializes at once (a link
   * whose other end bridges the eras itself: mcp-remote --protocol auto; a direct app whose args say
   * --protocol legacy); `{ pin }`: the modern era at exactly that revision, no fallback.
   */
  readonly negotiation: Negotiation;
  /** The revisions initialize may offer and accept (a pinned 2025 revision); the SDK's by default. */
  readonly protocolVersions?: readonly string[];
  /** How long the era probe may go unanswered before the server counts as legacy (a silent stdio server). */
  readonly probeTimeoutMs: number;
  /** A request was refused with UnsupportedProtocolVersion: the era this connection speaks is not the server's (any more). */
  readonly onEraRefused?: (e: McpError) => void;
  /**
   * The SDK's response cache (2026-07-28 cache hints: ttlMs, cacheScope), shared by the successive
   * sessions of one app (pooledApp.ts): a restart within a listing's ttl lists nothing again.
   */
  readonly responseCache?: ResponseCacheStore;
}

/** The era a connection speaks, once connected: what the app shows, and what the pool remembers for the next start. */
export type NegotiatedEra =
  | { readonly kind: 'legacy'; readonly protocolVersion: string }
  | { readonly kind: 'modern'; readonly protocolVersion: string; readonly discover: NonNullable<ReturnType<Client['getDiscoverResult']>> };

/** How long one request may take and who may cancel it. */
export interface RequestLimits {
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}
