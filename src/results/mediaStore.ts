// Where images and audio returned by tools are written, so the output channel can name a file
// instead of dumping base64. One directory (under the extension's global storage), unique names,
// and only the newest MAX_FILES kept. vscode-free.
import { mkdirSync, readdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const MAX_FILES = 200;

const EXTENSIONS: Record<string, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/jpg': 'jpg',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'image/svg+xml': 'svg',
  'image/bmp': 'bmp',
  'image/tiff': 'tiff',
  'image/x-icon': 'ico',
  'audio/wav': 'wav',
  'audio/x-wav': 'wav',
  'audio/wave': 'wav',
  'audio/mpeg': 'mp3',
  'audio/mp3': 'mp3',
  'audio/ogg': 'ogg',
  'audio/webm': 'webm',
  'audio/flac': 'flac',
  'audio/aac': 'aac',
  'audio/mp4': 'm4a',
};

/** File extension for a MIME type: known ones mapped, others from the subtype, else `bin`. */
export function extensionFor(mime: string): string {
  const base = mime.split(';')[0].trim().toLowerCase();
  const known = EXTENSIONS[base];
  if (known) return known;
  const sub = /^[a-z]+\/([a-z0-9.+-]+)$/.exec(base)?.[1]?.replace(/^x-/, '').replace(/\+.*$/, '');
  return sub && /^[a-z0-9]{1,8}$/.test(sub) ? sub : 'bin';
}

function safe(part: string): string {
  return (
    part
      .replace(/[^A-Za-z0-9._-]+/g, '_')
      .replace(/^[._]+/, '')
      .slice(0, 40) || 'item'
  );
}

function stamp(d: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}-${p(d.getMilliseconds(), 3)}`;
}

export class MediaStore {
  private counter = 0;

  constructor(readonly dir: string) {}

  /** Writes `data` as `<app>-<tool>-<time>-<n>.<ext>` (never overwriting) and returns its path. */
  save(data: Buffer, mime: string, hint: readonly string[] = []): string {
    mkdirSync(this.dir, { recursive: true });
    const base = [...hint.map(safe), stamp(new Date())].join('-');
    for (;;) {
      const path = join(this.dir, `${base}-${++this.counter}.${extensionFor(mime)}`);
      try {
        writeFileSync(path, data, { flag: 'wx' });
        this.prune();
        return path;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
    }
  }

  /** Deletes all but the newest MAX_FILES files. */
  private prune(): void {
    const names = readdirSync(this.dir);
    if (names.length <= MAX_FILES) return;
    const files = names.map((name) => {
      const path = join(this.dir, name);
      try {
        return { path, mtime: statSync(path).mtimeMs };
      } catch {
        return { path, mtime: 0 };
      }
    });
    files.sort((a, b) => b.mtime - a.mtime);
    for (const f of files.slice(MAX_FILES)) {
      try {
        unlinkSync(f.path);
      } catch {
        // already gone or in use: try again next time
      }
    }
  }
}
