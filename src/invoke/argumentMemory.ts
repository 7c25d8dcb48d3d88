// The last arguments used per app and tool, offered as defaults next time. Kept in the
// extension's global state; values of secret-looking arguments are never stored. vscode-free:
// it takes any Memento-like store.
import { ARGUMENT_MEMORY_KEY } from '../manifest/storage';
import { withoutSecrets } from './secretArgs';

export interface MementoLike {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): PromiseLike<void>;
}

interface Entry {
  readonly args: Record<string, unknown>;
  readonly at: number;
}

/** Most app/tool pairs remembered; the least recently used go first. */
const MAX_ENTRIES = 200;
/** Arguments larger than this (as JSON) are not remembered. */
const MAX_ENTRY_CHARS = 32 * 1024;

export class ArgumentMemory {
  constructor(private readonly store: MementoLike) {}

  private static key(app: string, tool: string): string {
    return `${app}\u0000${tool}`;
  }

  private entries(): Record<string, Entry> {
    const raw = this.store.get<Record<string, Entry>>(ARGUMENT_MEMORY_KEY);
    return raw && typeof raw === 'object' ? raw : {};
  }

  /** The arguments last used for this tool of this app (without secrets), if any. */
  get(app: string, tool: string): Record<string, unknown> | undefined {
    const e = this.entries()[ArgumentMemory.key(app, tool)];
    return e && typeof e.args === 'object' && e.args !== null ? { ...e.args } : undefined;
  }

  /** Remembers `args` minus secret-looking values; too large arguments are not kept. */
  async remember(app: string, tool: string, args: Readonly<Record<string, unknown>>): Promise<void> {
    const kept = withoutSecrets({ ...args });
    if (JSON.stringify(kept).length > MAX_ENTRY_CHARS) return;
    const all = { ...this.entries(), [ArgumentMemory.key(app, tool)]: { args: kept, at: Date.now() } };
    const keys = Object.keys(all);
    if (keys.length > MAX_ENTRIES) {
      keys.sort((a, b) => all[a].at - all[b].at);
      for (const k of keys.slice(0, keys.length - MAX_ENTRIES)) delete all[k];
    }
    await this.store.update(ARGUMENT_MEMORY_KEY, all);
  }
}
