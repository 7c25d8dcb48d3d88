// Out of file descriptors: a spawn (its pipes), a file or a socket fails with EMFILE (this
// process's limit) or ENFILE (the system's). The message says so and with numbers, instead of what
// happens to break next (Node creates no stdio streams for such a spawn: a TypeError on null).
// Counting needs a descriptor too (to list /proc/self/fd), so one is kept spare and given up for it.
import { closeSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { devNull } from 'node:os';

let spare: number | undefined;

function openSpare(): void {
  if (spare !== undefined) return;
  try {
    spare = openSync(devNull, 'r'); // libuv opens it close-on-exec: no child inherits it
  } catch {
    spare = undefined;
  }
}

/** Keeps one descriptor in reserve for tooManyOpenFiles (called when the pool starts its first process). */
export function reserveDescriptor(): void {
  openSpare();
}

/** Whether an error is the want of file descriptors. */
export function isOutOfDescriptors(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return code === 'EMFILE' || code === 'ENFILE';
}

/** How many descriptors this process holds and may hold (Linux), or undefined where that cannot be read. */
export function descriptorUse(): { open?: number; limit?: number } {
  if (spare !== undefined) {
    try {
      closeSync(spare);
    } catch {
      // already closed
    }
    spare = undefined;
  }
  const out: { open?: number; limit?: number } = {};
  try {
    out.open = readdirSync('/proc/self/fd').length - 1; // less the one listing it
  } catch {
    // not Linux, or not even one descriptor free
  }
  try {
    const m = /^Max open files\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    if (m) out.limit = Number(m[1]);
  } catch {
    // idem
  }
  openSpare();
  return out;
}

/** "too many open files (…)", with the numbers where they can be read and what to do. */
export function tooManyOpenFiles(e?: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENFILE') return 'too many open files on this system (ENFILE: the system-wide limit is reached; close programs, or raise fs.file-max)';
  const { open, limit } = descriptorUse();
  const held = open === undefined ? '' : `the process has ${open} descriptors open${limit === undefined ? '' : ` of its limit of ${limit}`}; `;
  return `too many open files (${held}raise \`ulimit -n\` for the editor, or find what holds them: ls -l /proc/${process.pid}/fd)`;
}
