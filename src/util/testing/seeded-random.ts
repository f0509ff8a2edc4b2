/**
 * @module util/testing/seeded-random
 * A small seeded pseudo-random generator (mulberry32) for property and fuzz tests: the same seed
 * gives the same sequence, so any failure can be replayed with `FUZZ_SEED=<seed>`.
 */

export class SeededRandom {
  private state: number;

  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }

  /** The seed from FUZZ_SEED, else a fresh one; tests print it so a failing run can be repeated. */
  static fromEnvironment(env: Record<string, string | undefined> = process.env): SeededRandom {
    const given = Number.parseInt(env.FUZZ_SEED ?? "", 10);
    return new SeededRandom(Number.isFinite(given) ? given : Math.floor(Math.random() * 2 ** 31));
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error("pick from an empty list");
    return items[this.int(0, items.length - 1)] as T;
  }

  /** Random bytes (as a Buffer) of the given length. */
  bytes(length: number): Buffer {
    const out = Buffer.alloc(length);
    for (let i = 0; i < length; i++) out[i] = this.int(0, 255);
    return out;
  }

  /** A string of `count` pieces drawn from `alphabet` (pieces may be several characters long). */
  text(alphabet: readonly string[], count: number): string {
    let out = "";
    for (let i = 0; i < count; i++) out += this.pick(alphabet);
    return out;
  }
}
