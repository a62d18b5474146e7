/**
 * The one seeded random source of the test and bench data: mulberry32, small and fast,
 * so a seed names a data set exactly (Math.random would make failures unreplayable).
 * Shared by the random differential worlds and the sample library generator.
 */

const HEX = "0123456789abcdef";

/** mulberry32: small, fast, good enough for test data; same seed → same stream. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)] as T;
  }
  some<T>(xs: readonly T[], max: number): T[] {
    const copy = [...xs];
    const out: T[] = [];
    const n = this.int(0, Math.min(max, copy.length));
    for (let i = 0; i < n; i++) out.push(copy.splice(Math.floor(this.next() * copy.length), 1)[0] as T);
    return out;
  }
  /** A v4-shaped uuid (version nibble 4, variant nibble 8) drawn from the stream. */
  uuid(): string {
    // A plain loop (not Array.from + join): the generator draws ~10^5 of these per run.
    let hex = "";
    for (let i = 0; i < 32; i++) hex += HEX[this.int(0, 15)];
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  }
}
