// Which apps the user allowed to sample (send prompts to a language model on their behalf).
// Remembered in the extension's global state; revocable per app. vscode-free: any Memento-like store.
import type { MementoLike } from '../invoke/argumentMemory';
import { SAMPLING_CONSENT_KEY } from '../manifest/storage';

export class SamplingConsent {
  constructor(private readonly store: MementoLike) {}

  private apps(): string[] {
    const raw = this.store.get<unknown>(SAMPLING_CONSENT_KEY);
    return Array.isArray(raw) ? raw.filter((x): x is string => typeof x === 'string') : [];
  }

  allowed(app: string): boolean {
    return this.apps().includes(app);
  }

  async allow(app: string): Promise<void> {
    if (!this.allowed(app)) await this.store.update(SAMPLING_CONSENT_KEY, [...this.apps(), app]);
  }

  /** Returns whether the app had consent. */
  async revoke(app: string): Promise<boolean> {
    const apps = this.apps();
    if (!apps.includes(app)) return false;
    await this.store.update(
      SAMPLING_CONSENT_KEY,
      apps.filter((a) => a !== app),
    );
    return true;
  }
}
