// Proposed app names: the source's name, or `name-2`, `name-3`… when an existing app or an earlier
// candidate already uses it. Names compare trimmed and ignoring case, as the validator does.

export class NameAllocator {
  /** Trimmed lower-cased name → the name exactly as first written (an existing settings key, or a proposed name). */
  private readonly taken = new Map<string, string>();

  constructor(existingNames: readonly string[]) {
    for (const n of existingNames) this.reserve(n);
  }

  /** The name to propose for `wanted`, and the name it clashed with if it had to change. */
  allocate(wanted: string): { name: string; clash?: string } {
    const base = wanted.trim();
    const clash = this.taken.get(base.toLowerCase());
    if (clash === undefined) {
      this.reserve(base);
      return { name: base };
    }
    let n = 2;
    while (this.taken.has(`${base}-${n}`.toLowerCase())) n++;
    const name = `${base}-${n}`;
    this.reserve(name);
    return { name, clash };
  }

  private reserve(name: string): void {
    const key = name.trim().toLowerCase();
    if (!this.taken.has(key)) this.taken.set(key, name);
  }
}
