// Direct apps' OAuth sign-ins in VS Code's secret storage (the OS keychain in the desktop editor):
// tokens and client registrations never go to settings, files or logs.
import type * as vscode from 'vscode';
import { SIGN_IN_PREFIX } from '../manifest/storage';
import type { SignInStore, StoredSignIn } from '../pool';

export class SecretSignInStore implements SignInStore {
  constructor(private readonly secrets: vscode.SecretStorage) {}

  async get(key: string): Promise<StoredSignIn | undefined> {
    const raw = await this.secrets.get(SIGN_IN_PREFIX + key);
    if (!raw) return undefined;
    try {
      return JSON.parse(raw) as StoredSignIn;
    } catch {
      return undefined; // unreadable: as if signed out (the next start signs in again)
    }
  }

  async set(key: string, value: StoredSignIn): Promise<void> {
    await this.secrets.store(SIGN_IN_PREFIX + key, JSON.stringify(value));
  }

  async delete(key: string): Promise<void> {
    await this.secrets.delete(SIGN_IN_PREFIX + key);
  }

  /** Secret storage is shared by the editor's windows: each window's pool hears the others' changes. */
  onDidChange(listener: (key: string) => void): vscode.Disposable {
    return this.secrets.onDidChange((e) => e.key.startsWith(SIGN_IN_PREFIX) && listener(e.key.slice(SIGN_IN_PREFIX.length)));
  }
}
