import type { FeatureSchema, ReferenceProfile } from "../features/index.js";
import { type LiveWindow, windowFromColumns } from "./drift.js";

/**
 * A bounded, uniformly sampled window of the rows the service scored (reservoir sampling, Algorithm R):
 * memory is capacity × features floats however long the service runs. Seeded, so tests are repeatable.
 */
export class LiveSample {
  readonly rows: Float32Array;
  readonly scores: Float64Array;
  private seen = 0;
  private state: number;
  constructor(
    readonly width: number,
    readonly capacity = 5000,
    seed = 1,
  ) {
    this.rows = new Float32Array(width * capacity);
    this.scores = new Float64Array(capacity);
    this.state = seed >>> 0 || 1;
  }
  private rand(): number {
    // xorshift32: cheap, and good enough to pick reservoir slots.
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state / 4294967296;
  }
  get size(): number {
    return Math.min(this.seen, this.capacity);
  }
  get total(): number {
    return this.seen;
  }
  add(row: ArrayLike<number>, score: number): void {
    let slot = this.seen;
    this.seen++;
    if (slot >= this.capacity) {
      slot = Math.floor(this.rand() * this.seen);
      if (slot >= this.capacity) return;
    }
    this.rows.set(row, slot * this.width);
    this.scores[slot] = score;
  }
  clear(): void {
    this.seen = 0;
  }
  /** The window in the reference profile's column layout. */
  toWindow(schema: FeatureSchema, profile: ReferenceProfile): LiveWindow {
    const n = this.size;
    const col = (j: number) => {
      const c = new Float32Array(n);
      for (let i = 0; i < n; i++) c[i] = this.rows[i * this.width + j];
      return c;
    };
    return windowFromColumns(schema, profile, (j) => col(j), n, this.scores.slice(0, n));
  }
}
