// The pool as the source of resource documents (resourceDocuments.ts): reads go to the app, a
// subscription is asked for only when its server declared resources.subscribe, and the pool's
// `resourceUpdated` events tell which open document to read again.
import type * as vscode from 'vscode';
import type { Pool } from '../pool';
import type { ResourceSource } from './resourceDocuments';

export function poolResourceSource(pool: Pool): ResourceSource {
  return {
    readResource: (app, uri) => pool.readResource(app, uri),
    subscribe: async (app, uri) => {
      if (!pool.snapshot(app)?.capabilities?.subscribe) return false;
      await pool.subscribeResource(app, uri);
      return true;
    },
    unsubscribe: (app, uri) => pool.unsubscribeResource(app, uri),
    onDidUpdate: (listener): vscode.Disposable => {
      const sub = pool.onEvent((e) => {
        if (e.type === 'resourceUpdated') listener(e.app, e.uri);
      });
      return { dispose: () => void sub.dispose() };
    },
  };
}
