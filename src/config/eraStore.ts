// The protocol era the pool found for each server, kept in the extension's global state so the
// next session of the editor starts a known server without a probe (eraMemory.ts: a modern
// server's discover result adopted with zero round trips, a legacy one initialized at once).
// vscode-free: it takes any Memento-like store (context.globalState in the editor).
//
// Bounded: at most MAX_STORED_CHARS in all, the newest verdicts first; a verdict larger than
// MAX_VERDICT_CHARS (a discover result with long instructions) is not kept (that server is probed
// once per session). Nothing secret: keys are hashes (`process:<hex>`, `http:<hex>`, `via:<hex>`; any other key is
// not stored), values are what servers declare to every client. A verdict that is wrong is corrected
// by the pool (a refused modern verdict is forgotten, a legacy one is re-probed after a day).
import type { EraVerdictStore, ServerVerdict } from '../pool';
import { ERA_VERDICTS_KEY } from '../manifest/storage';

export interface MementoLike {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): PromiseLike<void>;
}

/** The whole store, as JSON, at most this long. */
export const MAX_STORED_CHARS = 256 * 1024;
/** One verdict, as JSON, at most this long. */
export const MAX_VERDICT_CHARS = 16 * 1024;
/** A hashed key: a kind, a colon, hex. */
const HASHED_KEY = /^[a-z]{1,16}:[0-9a-f]{16,128}$/;

export class MementoEraStore implements EraVerdictStore {
  constructor(
    private readonly state: MementoLike,
    private readonly onError: (message: string) => void = () => undefined,
  ) {}

  load(): Readonly<Record<string, ServerVerdict>> | undefined {
    const raw = this.state.get<unknown>(ERA_VERDICTS_KEY);
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
    // the pool checks each verdict's shape; only hashed keys are taken
    return Object.fromEntries(Object.entries(raw as Record<string, ServerVerdict>).filter(([k]) => HASHED_KEY.test(k)));
  }

  save(all: Readonly<Record<string, ServerVerdict>>): void {
    void Promise.resolve(this.state.update(ERA_VERDICTS_KEY, bounded(all))).catch((e: unknown) =>
      this.onError(`could not save the protocol eras of servers: ${e instanceof Error ? e.message : String(e)}`),
    );
  }
}

/** The newest verdicts with hashed keys that fit the bounds, oldest first. */
export function bounded(all: Readonly<Record<string, ServerVerdict>>): Record<string, ServerVerdict> {
  const newestFirst = Object.entries(all)
    .filter(([k]) => HASHED_KEY.test(k))
    .sort(([, a], [, b]) => b.at - a.at);
  const kept: [string, ServerVerdict][] = [];
  let size = 2;
  for (const [k, v] of newestFirst) {
    const chars = JSON.stringify(k).length + JSON.stringify(v).length + 2;
    if (chars > MAX_VERDICT_CHARS || size + chars > MAX_STORED_CHARS) continue;
    kept.push([k, v]);
    size += chars;
  }
  // oldest first, as the pool's memory keeps them (it lets the first go when it is full)
  return Object.fromEntries(kept.reverse());
}
