// The forest's WebAssembly scorer (kernel: wasm/forest.wat): the same routing as Forest.marginAt, the same float32
// sums, faster. Each Forest owns one instance with its nodes packed 16 bytes each in the module's memory, plus a
// buffer of rows that tables are transposed into a block at a time. Each feature goes into a row twice (missing as
// +Infinity, then as -Infinity) and every node reads the copy that sends missing values its learned way, so the
// walk needs no NaN test (see forest.wat). That needs finite split thresholds: ForestKernel.supports() checks, and
// Forest walks in JS otherwise.
import type { FeatureTable } from "../features/index.js";
import { WA, WASM_PAGE, type WasmMemory, wasmModule } from "../util/wasm.js";
import { FOREST_WASM } from "./wasm/forest-wasm.js";

type Margins = (
  nodes: number,
  values: number,
  roots: number,
  depths: number,
  T: number,
  rows: number,
  nRows: number,
  rowBytes: number,
  base: number,
  out: number,
) => void;

/** rows transposed and scored per call (a tree-major walk of small blocks measured no faster) */
const BLOCK_ROWS = 256;

export interface ForestArrays {
  child: Int32Array;
  feature: Int32Array;
  threshold: Float32Array;
  value: Float32Array;
  missRight: Uint8Array;
  roots: Int32Array;
  depths: Int32Array;
  baseMargin: number;
  nFeatures: number;
}

export class ForestKernel {
  private readonly memory: WasmMemory;
  private readonly margins: Margins;
  private readonly at: {
    nodes: number;
    values: number;
    roots: number;
    depths: number;
    rows: number;
    out: number;
  };
  private readonly rows: Float32Array;
  private readonly out: Float64Array;
  private readonly T: number;
  private readonly F: number;
  private readonly base: number;

  /** true when every split threshold is finite (always for trained or XGBoost-imported models) */
  static supports(f: ForestArrays): boolean {
    for (let i = 0; i < f.child.length; i++) {
      if (f.child[i] !== i && !Number.isFinite(f.threshold[i])) return false;
    }
    return true;
  }

  constructor(f: ForestArrays) {
    const N = f.child.length;
    const T = f.roots.length;
    const F = Math.max(1, f.nFeatures);
    let top = 0;
    const take = (bytes: number) => {
      const at = top;
      top = Math.ceil((top + bytes) / 64) * 64;
      return at;
    };
    const at = {
      nodes: take(16 * N),
      values: take(4 * N),
      roots: take(4 * T),
      depths: take(4 * T),
      rows: take(8 * F * BLOCK_ROWS),
      out: take(8 * BLOCK_ROWS),
    };
    const pages = Math.ceil(top / WASM_PAGE) + 1;
    this.memory = new WA.Memory({ initial: pages, maximum: pages });
    const buf = this.memory.buffer;
    const ints = new Int32Array(buf, at.nodes, 4 * N);
    const floats = new Float32Array(buf, at.nodes, 4 * N);
    for (let i = 0; i < N; i++) {
      ints[4 * i] = 16 * f.child[i]; // byte offsets: the kernel adds them to the nodes' base as they are
      // the feature's copy with missing as +Infinity (goes right) or -Infinity (goes left)
      ints[4 * i + 1] = 4 * (2 * f.feature[i] + (f.missRight[i] ? 0 : 1));
      floats[4 * i + 2] = f.threshold[i];
    }
    new Float32Array(buf, at.values, N).set(f.value);
    const roots = new Int32Array(buf, at.roots, T);
    for (let t = 0; t < T; t++) roots[t] = 16 * f.roots[t];
    new Int32Array(buf, at.depths, T).set(f.depths);
    this.rows = new Float32Array(buf, at.rows, 2 * F * BLOCK_ROWS);
    this.out = new Float64Array(buf, at.out, BLOCK_ROWS);
    this.at = at;
    this.T = T;
    this.F = F;
    this.base = Math.fround(f.baseMargin);
    const memory = this.memory;
    const kernels = new WA.Instance(wasmModule(FOREST_WASM), { env: { memory } }).exports;
    this.margins = kernels.margins as Margins;
  }

  /** Margin of one row in schema order (NaN = missing). */
  marginRow(row: ArrayLike<number>): number {
    const rows = this.rows;
    for (let f = 0; f < this.F; f++) {
      const v = row[f];
      const missing = Number.isNaN(v);
      rows[2 * f] = missing ? Number.POSITIVE_INFINITY : v;
      rows[2 * f + 1] = missing ? Number.NEGATIVE_INFINITY : v;
    }
    return this.run(1);
  }

  /** Margins of every row of a column-major table, a block of rows at a time. */
  marginTable(table: FeatureTable, out: Float64Array): Float64Array {
    const F = this.F;
    const n = table.n;
    const cols = table.columns;
    const rows = this.rows;
    for (let start = 0; start < n; start += BLOCK_ROWS) {
      const len = Math.min(BLOCK_ROWS, n - start);
      const W = 2 * F;
      for (let f = 0; f < cols.length; f++) {
        const col = cols[f];
        for (let i = 0, o = 2 * f; i < len; i++, o += W) {
          const v = col[start + i];
          const missing = Number.isNaN(v);
          rows[o] = missing ? Number.POSITIVE_INFINITY : v;
          rows[o + 1] = missing ? Number.NEGATIVE_INFINITY : v;
        }
      }
      this.runBlock(len);
      out.set(this.out.subarray(0, len), start);
    }
    return out;
  }

  private run(nRows: number): number {
    this.runBlock(nRows);
    return this.out[0];
  }

  private runBlock(nRows: number): void {
    const a = this.at;
    this.margins(a.nodes, a.values, a.roots, a.depths, this.T, a.rows, nRows, 8 * this.F, this.base, a.out);
  }
}
