// Values that look like credentials written in clear text. The warnings name the field only,
// never the value.

import { definitionFields } from './definitionFields';
import type { AppDefinition } from './types';

const ADVICE = 'store it with MCP Pool: Store Secret and use ${secret:name} instead';
const SECRET_NAME = /token|key|secret|password|passwd|credential/i;
const SECRET_HEADER = /^(proxy-)?authorization$|token|key|secret|password|cookie/i;
const AUTH_SCHEME = /^(bearer|basic|token)\s+\S/i;
/** A flag such as --api-key or --token=…, whose value is a credential. */
const SECRET_FLAG = /^--?[A-Za-z0-9-]*(token|key|secret|password)[A-Za-z0-9-]*(=(.*))?$/i;
const SECRET_QUERY = /token|key|secret|password|passwd|signature|^sig$|^auth/i;

/** Literal: non-empty and not (partly) a placeholder such as ${input:x}. */
function literal(value: string): boolean {
  return value.trim() !== '' && !value.includes('${');
}

export function plaintextSecretWarnings(def: AppDefinition): string[] {
  const warnings: string[] = [];
  const fields = definitionFields(def);
  const warn = (field: string) => warnings.push(`${field} looks like a secret written in clear text; ${ADVICE}`);
  for (let i = 0; i < fields.length; i++) {
    const { field, key = '', group, value } = fields[i];
    switch (group) {
      case 'headers':
        if (literal(value) && (SECRET_HEADER.test(key) || AUTH_SCHEME.test(value))) warn(field);
        break;
      case 'env':
        if (literal(value) && (SECRET_NAME.test(key) || AUTH_SCHEME.test(value))) warn(field);
        break;
      case 'args': {
        const m = SECRET_FLAG.exec(value);
        if (!m) break;
        if (m[2] !== undefined) {
          if (literal(m[3])) warn(field);
        } else {
          const next = fields[i + 1];
          if (next?.group === 'args' && !next.value.startsWith('-') && literal(next.value)) warn(next.field);
        }
        break;
      }
      case 'url':
        warnings.push(...urlWarnings(value));
        break;
      default:
        break;
    }
  }
  return warnings;
}

function urlWarnings(value: string): string[] {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return [];
  }
  const out: string[] = [];
  if (url.password) out.push(`url contains a password; ${ADVICE}`);
  for (const [name, v] of url.searchParams) {
    if (SECRET_QUERY.test(name) && literal(v))
      out.push(`url query parameter "${name}" looks like a secret written in clear text; settings are stored as plain text`);
  }
  return out;
}
