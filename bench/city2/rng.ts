// A small seeded generator (sfc32, seeded through splitmix32 of a hashed key), independent of src/data/synth's
// xoshiro streams: the second city shares no random draws and no code with the first beyond the export formats.

function splitmix32(a: number): () => number {
  return () => {
    a = (a + 0x9e3779b9) | 0;
    let t = a ^ (a >>> 16);
    t = Math.imul(t, 0x21f0aaad);
    t ^= t >>> 15;
    t = Math.imul(t, 0x735a2d97);
    return (t ^ (t >>> 15)) >>> 0;
  };
}

function hashKey(parts: (number | string)[]): number {
  let h = 2166136261;
  for (const p of parts) {
    const s = String(p);
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
    h = Math.imul(h ^ 0x2c, 16777619);
  }
  return h >>> 0;
}

export class Rand {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spare: number | null = null;
  constructor(...key: (number | string)[]) {
    const s = splitmix32(hashKey(key));
    this.a = s();
    this.b = s();
    this.c = s();
    this.d = s();
    for (let i = 0; i < 12; i++) this.u();
  }
  /** uniform [0, 1) */
  u(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }
  range(lo: number, hi: number): number {
    return lo + (hi - lo) * this.u();
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.u() * (hi - lo + 1));
  }
  normal(): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    let x = 0;
    let y = 0;
    let r = 0;
    do {
      x = 2 * this.u() - 1;
      y = 2 * this.u() - 1;
      r = x * x + y * y;
    } while (r === 0 || r >= 1);
    const f = Math.sqrt((-2 * Math.log(r)) / r);
    this.spare = y * f;
    return x * f;
  }
  poisson(mean: number): number {
    if (mean <= 0) return 0;
    if (mean > 40) return Math.max(0, Math.round(mean + Math.sqrt(mean) * this.normal()));
    const l = Math.exp(-mean);
    let k = 0;
    let p = 1;
    for (;;) {
      p *= this.u();
      if (p <= l) return k;
      k++;
    }
  }
  /** failures before the first success, success probability p */
  geometric(p: number): number {
    return Math.floor(Math.log(1 - this.u()) / Math.log(1 - p));
  }
  gamma(shape: number, scale: number): number {
    // Marsaglia–Tsang (shape ≥ 1; boosted below 1).
    if (shape < 1) return this.gamma(shape + 1, scale) * this.u() ** (1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = this.u();
      if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v * scale;
    }
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.u() * xs.length)];
  }
  /** index drawn with probability ∝ weights (linear scan: small lists only) */
  weighted(weights: readonly number[], total?: number): number {
    let t = (total ?? weights.reduce((s, w) => s + w, 0)) * this.u();
    for (let i = 0; i < weights.length; i++) {
      t -= weights[i];
      if (t < 0) return i;
    }
    return weights.length - 1;
  }
}
