// A small seeded PRNG (mulberry32): row and feature sampling must give the same model for the same seed,
// which Math.random cannot.
export class Mulberry32 {
  private a: number;
  constructor(seed: number) {
    this.a = seed >>> 0 || 0x9e3779b9;
  }
  /** the next 32-bit unsigned integer */
  nextU32(): number {
    this.a = (this.a + 0x6d2b79f5) >>> 0;
    let t = this.a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  /** uniform in [0, 1) */
  next(): number {
    return this.nextU32() / 4294967296;
  }
}

export function rng(seed: number): () => number {
  const g = new Mulberry32(seed);
  return () => g.next();
}

/**
 * Bernoulli row sampling: each of n rows is kept with probability p (the same draws as `next() < p`). Kept rows go
 * to kept[0..k), the others to rest[0..n-k); returns k. Branch-free, since keep/drop is unpredictable.
 */
export function sampleRows(g: Mulberry32, n: number, p: number, kept: Uint32Array, rest: Uint32Array): number {
  const threshold = Math.ceil(p * 4294967296);
  let k = 0;
  let o = 0;
  for (let i = 0; i < n; i++) {
    const keep = g.nextU32() < threshold ? 1 : 0;
    kept[k] = i;
    rest[o] = i;
    k += keep;
    o += 1 - keep;
  }
  return k;
}
