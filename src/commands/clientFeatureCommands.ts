// Commands about what servers may ask of the editor: taking back an app's access to the
// language model (given with "Always Allow" when it first asked to sample).
import * as vscode from 'vscode';
import type { SamplingConsent } from '../clientFeatures';
import { Commands } from '../manifest/commands';
import type { Pool } from '../pool';
import { pickApp } from './appPicker';
import type { CommandTable } from './registry';
import { appNameOf, type AppArg } from '../views/treeNodes';

export function clientFeatureCommands(deps: { pool: Pool; consent: SamplingConsent }): CommandTable {
  return {
    /** Returns whether the app had access. */
    [Commands.revokeSampling]: async (arg?: AppArg) => {
      const app =
        appNameOf(arg) ??
        (await pickApp(deps.pool, {
          title: 'MCP Pool: Revoke Language Model Access',
          placeHolder: 'App that may no longer sample without asking',
          filter: (s) => deps.consent.allowed(s.name),
          noneMessage: 'no app has access to the language model',
        }));
      if (!app) return false;
      const had = await deps.consent.revoke(app);
      vscode.window.setStatusBarMessage(
        had ? `MCP Pool: "${app}" will ask again before using a language model` : `MCP Pool: "${app}" had no standing access to a language model`,
        5000,
      );
      return had;
    },
  };
}
