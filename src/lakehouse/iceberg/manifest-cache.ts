/**
 * Decoded manifests and manifest lists, shared by every table object of the process. Both
 * files are immutable once written (their names carry a UUID), so a decoded copy stays true;
 * the key also holds what decoding took from outside the file (the sequence numbers and
 * snapshot id a manifest's entries inherit from its list, the spec and schema of its bounds).
 * One build opens the fact table several times (the landing's loaded days, the incremental
 * merge's affected files, the commit), and each decoded its manifests again.
 * Bounded: the oldest are dropped past MAX_ENTRIES manifest entries.
 */
const MAX_ENTRIES = 200_000;

export class DecodedFiles<T> {
  private readonly byKey = new Map<string, readonly T[]>();
  private entries = 0;

  constructor(private readonly maxEntries = MAX_ENTRIES) {}

  get(key: string, decode: () => readonly T[]): readonly T[] {
    const known = this.byKey.get(key);
    if (known) return known;
    const decoded = decode();
    this.byKey.set(key, decoded);
    this.entries += decoded.length;
    for (const [oldKey, old] of this.byKey) {
      if (this.entries <= this.maxEntries || oldKey === key) break;
      this.byKey.delete(oldKey);
      this.entries -= old.length;
    }
    return decoded;
  }
}
