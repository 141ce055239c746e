// Sticky canary split: a restaurant (or a caller-chosen key) always lands on the same side, so one
// inspector never sees two models disagree about the same place from one request to the next.

/** Murmur3's finalizer: FNV alone leaves sequential ids (CAMIS) clustered in the high bits. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}

/** FNV-1a 32-bit over the UTF-16 code units of `key`, mixed, scaled to [0, 1). */
export function keyFraction(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return fmix32(h);
}

/** FNV-1a over a row's numbers (rounded to 1e-6; NaN hashes as one value), scaled to [0, 1). */
export function rowFraction(values: ArrayLike<number>): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const q = Number.isNaN(v) ? 0x7fc00000 : Math.round(v * 1e6) | 0;
    for (let s = 0; s < 32; s += 8) {
      h ^= (q >>> s) & 0xff;
      h = Math.imul(h, 0x01000193);
    }
  }
  return fmix32(h);
}

/** True when this key goes to the canary at the given share. */
export function isCanary(fraction: number, share: number): boolean {
  return fraction < share;
}
