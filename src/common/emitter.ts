import type { IDisposable } from './lifecycle';

export type Event<T> = (listener: (e: T) => void) => IDisposable;

/** A minimal typed event emitter (the pool must not depend on vscode.EventEmitter). */
export class Emitter<T> implements IDisposable {
  private listeners = new Set<(e: T) => void>();

  readonly event: Event<T> = (listener) => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };

  fire(e: T): void {
    for (const l of [...this.listeners]) {
      try {
        l(e);
      } catch (err) {
        // A faulty listener must not break the pool; report it where a developer will see it.
        console.error('[mcp-pool] event listener failed:', err);
      }
    }
  }

  dispose(): void {
    this.listeners.clear();
  }
}
