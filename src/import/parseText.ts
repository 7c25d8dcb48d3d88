// Text → value for the two syntaxes we read. Errors say where (line:column) and why, but never
// quote the file: config files hold tokens, and these messages are shown to the user.

// The ESM build: the package's UMD main hides its requires from esbuild and breaks when bundled.
import { parse as parseJsonc, type ParseError, printParseErrorCode } from 'jsonc-parser/lib/esm/main.js';
import { load as loadYaml, YAMLException } from 'js-yaml';

export type ParsedText = { readonly value: unknown } | { readonly error: string };

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function position(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return `line ${line}, column ${column}`;
}

/** JSON with comments and trailing commas, as VS Code's mcp.json allows. Empty text is `undefined`. */
export function parseJsonText(raw: string): ParsedText {
  const text = stripBom(raw);
  if (!text.trim()) return { value: undefined };
  const errors: ParseError[] = [];
  const value: unknown = parseJsonc(text, errors, { allowTrailingComma: true, disallowComments: false });
  if (errors.length) {
    const e = errors[0];
    const reason = printParseErrorCode(e.error)
      .replace(/([a-z])([A-Z])/g, '$1 $2')
      .toLowerCase();
    return { error: `invalid JSON at ${position(text, e.offset)}: ${reason}` };
  }
  return { value };
}

/** A single YAML document. Empty text is `undefined`. */
export function parseYamlText(raw: string): ParsedText {
  const text = stripBom(raw);
  try {
    return { value: loadYaml(text) ?? undefined };
  } catch (err) {
    if (err instanceof YAMLException) {
      const where = err.mark ? ` at line ${err.mark.line + 1}, column ${err.mark.column + 1}` : '';
      return { error: `invalid YAML${where}: ${err.reason}` };
    }
    throw err;
  }
}
