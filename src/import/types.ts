// Shared vocabulary of the importer. Nothing in src/import imports `vscode`.

/** Which tool wrote a config file (and so which shape it has). */
export type ImportFormat = 'vscode' | 'claude' | 'cursor' | 'tasak';

/** Whether a file belongs to the user (home/profile) or to one workspace folder. */
export type ImportScope = 'user' | 'workspace';

/** A file that may hold MCP server definitions. It need not exist. */
export interface ImportSource {
  readonly path: string;
  readonly format: ImportFormat;
  readonly scope: ImportScope;
}

// The definition shapes are the pool's (one source of truth for what `mcpPool.apps` holds).
import type { AppDefinition, RemoteAppDefinition, StdioAppDefinition } from '../pool';
export type { AppDefinition, RemoteAppDefinition, StdioAppDefinition };

/** One server found in a source, converted and validated, ready to be offered to the user. */
export interface ImportCandidate {
  /** Proposed app name: the original one, or with a `-2`, `-3`… suffix if that is taken. */
  readonly name: string;
  /** The name in the source file. */
  readonly originalName: string;
  readonly kind: 'remote' | 'stdio';
  readonly source: ImportSource;
  /** The settings JSON for `mcpPool.apps[name]`; passes parseAppDefinitions without errors. */
  readonly definition: AppDefinition;
  /** Things the user should know before importing (never contains secret values). */
  readonly warnings: string[];
  /** The existing app name (or the name of an earlier candidate) this one collided with. */
  readonly clash?: string;
}

/** A file or an entry that could not be imported. */
export interface ImportProblem {
  /** Path of the file concerned. */
  readonly source: string;
  readonly message: string;
}

export interface ImportScan {
  readonly candidates: ImportCandidate[];
  readonly problems: ImportProblem[];
}

/** A source or referenced file once read and parsed. */
export type LoadedDocument = { readonly value: unknown } | { readonly missing: true } | { readonly error: string };

/** Reads a text file; rejects with a Node-style error (`code: 'ENOENT'` when it is missing). */
export type ReadTextFile = (path: string, encoding: 'utf8') => Promise<string | Buffer>;

/** A server as a source describes it, before conversion into our definition. */
export type ServerEntry =
  | {
      readonly kind: 'stdio';
      readonly command: string;
      readonly args: string[];
      readonly env: Record<string, string>;
      readonly cwd?: string;
    }
  | {
      readonly kind: 'remote';
      readonly url: string;
      /** mcp-remote transport strategy implied by the source's transport type. */
      readonly transport?: 'http-only' | 'sse-only';
      readonly headers: Record<string, string>;
      readonly env: Record<string, string>;
    };

/** One entry of a source file: a server, or the reason it cannot be imported. */
export interface SourceEntry {
  /** The entry's key in the source file. */
  readonly name: string;
  /** How messages refer to the entry, e.g. `server "github"`. */
  readonly label: string;
  readonly server?: ServerEntry;
  /** Set when the entry cannot be imported; `server` is then undefined. */
  readonly problem?: string;
  readonly warnings: string[];
  readonly description?: string;
}

/** What a format parser makes of one file. */
export interface FormatResult {
  readonly entries: SourceEntry[];
  /** Problems with the file as a whole. */
  readonly problems: string[];
}

/** Thrown by field readers; the entry is reported with this message and skipped. */
export class EntryError extends Error {}
