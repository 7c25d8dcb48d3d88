// Setting one key of a JSON (or JSONC) file in place: comments, key order, other keys and the
// file's indentation stay as they were; only the entry's own text changes.
import { applyEdits, modify } from 'jsonc-parser/lib/esm/main.js';

/** The file's indentation, as its first indented line shows it (2 spaces when it has none). */
function indentation(text: string): { insertSpaces: boolean; tabSize: number } {
  const m = /^([ \t]+)\S/m.exec(text);
  if (!m) return { insertSpaces: true, tabSize: 2 };
  if (m[1].startsWith('\t')) return { insertSpaces: false, tabSize: 1 };
  return { insertSpaces: true, tabSize: m[1].length };
}

/** `text` with `value` at `path` (objects created as needed); an empty text becomes a new document. */
export function setJson(text: string, path: readonly string[], value: unknown): string {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const edits = modify(text, [...path], value, { formattingOptions: { ...indentation(text), eol } });
  const out = applyEdits(text, edits);
  return out.endsWith(eol) ? out : out + eol;
}
