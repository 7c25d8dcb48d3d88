// Secrets referenced from settings as ${secret:NAME} live in VS Code's SecretStorage (the OS
// keychain in the desktop editor), never in settings files. They are resolved just before an
// app starts and registered with the redactor so they never reach a log.
import type * as vscode from 'vscode';
import { SECRET_PREFIX as PREFIX } from '../manifest/storage';
import type { AppSpec, DefinitionProblem, Redactor } from '../pool';

const REF = /\$\{secret:([A-Za-z0-9_.-]+)\}/g;

export function secretKey(name: string): string {
  return PREFIX + name;
}

export function isValidSecretName(name: string): boolean {
  return /^[A-Za-z0-9_.-]+$/.test(name);
}

/** Replaces ${secret:NAME} in header and env values; apps with a missing secret are reported and left out. */
export async function resolveSecrets(
  specs: readonly AppSpec[],
  storage: vscode.SecretStorage,
  redactor: Redactor,
): Promise<{ specs: AppSpec[]; problems: DefinitionProblem[] }> {
  const problems: DefinitionProblem[] = [];
  const out: AppSpec[] = [];
  for (const spec of specs) {
    let missing = false;
    const resolveMap = async (map: Readonly<Record<string, string>>, field: string) => {
      const result: Record<string, string> = {};
      for (const [k, v] of Object.entries(map)) {
        let value = v;
        for (const m of [...v.matchAll(REF)]) {
          const secret = await storage.get(secretKey(m[1]));
          if (secret === undefined) {
            problems.push({
              app: spec.name,
              field: `${field}.${k}`,
              message: `secret "${m[1]}" is not stored; run "MCP Pool: Store Secret…" with that name`,
              severity: 'error',
            });
            missing = true;
            continue;
          }
          redactor.addSecret(secret);
          value = value.split(m[0]).join(secret);
        }
        result[k] = value;
      }
      return result;
    };
    const env = await resolveMap(spec.env, 'env');
    const resolved: AppSpec = spec.kind === 'remote' ? { ...spec, env, headers: await resolveMap(spec.headers, 'headers') } : { ...spec, env };
    if (!missing) out.push(resolved);
  }
  return { specs: out, problems };
}
