// Masks secrets before any text leaves the pool (logs, stderr lines, errors).

const MASK = '••••';
const PATTERNS: RegExp[] = [
  // Authorization: Bearer xyz / Basic xyz (also inside --header arguments)
  // (a scheme with nothing after it, as before a ${secret:…} reference, is not the credential)
  /\b(authorization\s*[:=]\s*"?)(?:(bearer|basic|token)\s+)?(?!(?:bearer|basic|token)\s)[^\s"',]+/gi,
  // bare bearer tokens
  /\b(bearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi,
  // access_token=..., "refresh_token": "...", api_key: ..., client_secret ...
  /\b((?:access|refresh|id)_?token|api[_-]?key|client[_-]?secret|password|secret)("?\s*[:=]\s*"?)[^\s"',&]+/gi,
  // well-known token shapes: GitHub, Slack, OpenAI/Anthropic-style keys, JWTs
  /\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|xox[abprs]-[A-Za-z0-9-]{10,}|sk-[A-Za-z0-9_-]{16,})\b/g,
  /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\b/g,
  // credentials inside a URL: scheme://user:password@host (also percent-encoded)
  /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@"'<>]+@/gi,
  // secret-looking query or fragment parameters: ?token=…, &api_key=…, #access_token=…, &sig=…,
  // and an OAuth authorization code (?code=…; not code_challenge, which is public)
  /([?&#;](?:code|[\w.-]*(?:token|key|secret|passw(?:or)?d|pwd|auth|sig|signature|credential|session)[\w.-]*)=)[^&#\s"'<>]+/gi,
];
const SECRET_PARAMETER = PATTERNS[PATTERNS.length - 1];
/**
 * A reference to a stored secret, `${secret:NAME}` (or `${secret:…}` in a message): it names a
 * secret and is not one, so it reads whole; the text around it is masked on its own.
 */
const SECRET_REFERENCE = /(\$\{secret:[^\s{}]*\})/;

/** Whether `url` carries a secret-looking query or fragment parameter (`?token=…`, `&api_key=…`). */
export function hasSecretParameter(url: string): boolean {
  SECRET_PARAMETER.lastIndex = 0;
  return SECRET_PARAMETER.test(url);
}

export class Redactor {
  private readonly secrets = new Set<string>();
  private _version = 0;

  /** Changes whenever a secret is added: text masked before may need masking again. */
  get version(): number {
    return this._version;
  }

  /** Values that must never appear in output (e.g. header values from settings or SecretStorage). */
  addSecret(value: string | undefined): void {
    if (value && value.length >= 4 && !this.secrets.has(value)) {
      this.secrets.add(value);
      this._version++;
    }
  }

  redact(text: string): string {
    // split keeps the references (the capture group) at the odd indices
    return text
      .split(SECRET_REFERENCE)
      .map((part, i) => (i % 2 ? part : this.mask(part)))
      .join('');
  }

  private mask(text: string): string {
    let out = text;
    for (const s of this.secrets) out = out.split(s).join(MASK);
    out = out.replace(PATTERNS[0], (_m, prefix: string, scheme?: string) => `${prefix}${scheme ? `${scheme} ` : ''}${MASK}`);
    out = out.replace(PATTERNS[1], (_m, prefix: string) => `${prefix}${MASK}`);
    out = out.replace(PATTERNS[2], (_m, key: string, sep: string) => `${key}${sep}${MASK}`);
    out = out.replace(PATTERNS[3], MASK).replace(PATTERNS[4], MASK);
    out = out.replace(PATTERNS[5], (_m, scheme: string) => `${scheme}${MASK}@`);
    out = out.replace(PATTERNS[6], (_m, key: string) => `${key}${MASK}`);
    return out;
  }

  /**
   * A JSON value (a server's log data) with its secrets masked: every string in it, then the JSON
   * text as a whole, for secrets that show only next to their key (`"password": "…"`). Should the
   * masked text no longer parse, the masked text itself is returned.
   */
  redactValue(value: unknown): unknown {
    if (typeof value === 'string') return this.redact(value);
    if (value === null || typeof value !== 'object') return value;
    const text = JSON.stringify(value, (_key, v: unknown) => (typeof v === 'string' ? this.redact(v) : v));
    const masked = this.redact(text);
    try {
      return JSON.parse(masked);
    } catch {
      return masked;
    }
  }
}
