// Row partitioner: every node owns a contiguous segment of one row-index array; a split rearranges its segment
// in place (stable, so results never depend on timing) into the left rows followed by the right rows.
import { MISSING_BIN } from "./cuts.js";
import type { QuantizedMatrix } from "./quantize.js";

export class RowPartitioner {
  readonly rows: Uint32Array;
  private readonly scratch: Uint32Array;

  constructor(rows: Uint32Array) {
    this.rows = rows;
    this.scratch = new Uint32Array(rows.length);
  }

  /** Splits rows[begin..end) on (feature, splitBin, defaultLeft); returns the first index of the right part. */
  split(m: QuantizedMatrix, begin: number, end: number, feature: number, splitBin: number, defaultLeft: boolean) {
    const rows = this.rows;
    const scratch = this.scratch;
    const bins = m.bins;
    const off = feature * m.n;
    let l = begin;
    let r = 0;
    // branch-free: the row is written to both sides and only the side it belongs to advances (left/right is a
    // coin flip for the CPU's branch predictor)
    const missLeft = defaultLeft ? 1 : 0;
    for (let i = begin; i < end; i++) {
      const row = rows[i];
      const b = bins[off + row];
      const left = (b <= splitBin ? 1 : 0) | (b === MISSING_BIN ? missLeft : 0);
      rows[l] = row;
      scratch[r] = row;
      l += left;
      r += 1 - left;
    }
    rows.set(scratch.subarray(0, r), l);
    return l;
  }
}
