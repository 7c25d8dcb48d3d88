// Direct apps' OAuth sign-ins in VS Code's secret storage (the OS keychain in the desktop editor):
// tokens and client registrations never go to settings, files or logs. And where the browser comes
// back to after a sign-in, in a remote window.
import * as vscode from 'vscode';
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

/**
 * A sign-in's loopback redirect (http://127.0.0.1:PORT/…, on the extension host's machine) as the
 * user's browser reaches it: in a remote window (SSH, Codespaces, a code-server elsewhere) VS Code
 * forwards the port and answers with the forwarded address; locally it is the same address.
 */
export async function browserRedirect(local: string): Promise<string> {
  return (await vscode.env.asExternalUri(vscode.Uri.parse(local))).toString(true);
}
