// Setting one key of a JSON (or JSONC) file in place: comments, key order, other keys and the
// file's indentation stay as they were; only the entry's own text changes.
import { applyEdits, modify, stripComments } from 'jsonc-parser/lib/esm/main.js';
import { parseJsonText, type ParsedText } from '../import/parseText';

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

/** A host's JSON file as a value: a file of comments only holds no value yet (undefined), as an empty one. */
export function readJson(text: string): ParsedText {
  const parsed = parseJsonText(text);
  return 'error' in parsed && !stripComments(text.replace(/^\uFEFF/, '')).trim() ? { value: undefined } : parsed;
}
