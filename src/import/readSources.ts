// Reading source files: a missing file is simply not there; anything else that goes wrong is a
// problem worth telling the user about.

import * as fs from 'node:fs';

import { parseJsonText, parseYamlText } from './parseText';
import type { LoadedDocument, ReadTextFile } from './types';

export type ReadResult = { readonly text: string } | { readonly missing: true } | { readonly error: string };

export const defaultReadFile: ReadTextFile = (file, encoding) => fs.promises.readFile(file, encoding);

/** Errors that mean "nothing there" rather than "something is wrong". */
const MISSING = new Set(['ENOENT', 'ENOTDIR']);

export async function readText(readFile: ReadTextFile, file: string): Promise<ReadResult> {
  try {
    const data = await readFile(file, 'utf8');
    return { text: typeof data === 'string' ? data : data.toString('utf8') };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException | undefined)?.code;
    if (code && MISSING.has(code)) return { missing: true };
    const reason =
      code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : err instanceof Error ? err.message : String(err);
    return { error: `cannot be read: ${reason}` };
  }
}

/** Reads and parses a file; `missing` when it does not exist. */
export async function readParsed(readFile: ReadTextFile, file: string, syntax: 'json' | 'yaml'): Promise<LoadedDocument> {
  const read = await readText(readFile, file);
  if (!('text' in read)) return read;
  return syntax === 'json' ? parseJsonText(read.text) : parseYamlText(read.text);
}
