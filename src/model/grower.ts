// Depth-wise tree growth (XGBoost's hist updater with grow_policy=depthwise): every node of a level is evaluated,
// valid splits are applied, and the children's histograms are built for the next level — the smaller child's from
// its rows, the larger one's as parent − smaller, written over the parent's buffer.
import type { Cuts } from "./cuts.js";
import { buildHistogram, histogramSize, subtractHistogram } from "./histogram.js";
import { RowPartitioner } from "./partitioner.js";
import type { QuantizedMatrix } from "./quantize.js";
import { calcWeight, evaluateSplit, type SplitCandidate } from "./split-evaluator.js";
import type { Tree } from "./tree.js";

export interface GrowParams {
  max_depth: number;
  eta: number;
  lambda: number;
  gamma: number;
  min_child_weight: number;
}

/** XGBoost's kRtEps: a split must reduce the loss by more than this. */
const RT_EPS = 1e-6;

export interface GrownTree {
  tree: Tree;
  /** bin-space split per node (training only): non-missing bin <= splitBin goes left */
  splitBin: Int32Array;
  /** the sampled rows, partitioned: node i (a leaf or not) owns rows[begin[i]..end[i]); valid until the next tree */
  rows: Uint32Array;
  begin: Int32Array;
  end: Int32Array;
}

/**
 * Reuses histogram buffers across nodes and trees (each is nFeatures × 256 × 2 doubles). A taken buffer's contents
 * are stale: builders overwrite every slot of the features they are given, and readers only read those.
 * `alloc` may hand out buffers the builder writes directly (the engine's own memory); when it returns null, a
 * plain array is used.
 */
export class HistogramPool {
  private free: Float64Array[] = [];
  constructor(
    private readonly size: number,
    private readonly alloc: () => Float64Array | null = () => null,
  ) {}
  static forFeatures(nFeatures: number): HistogramPool {
    return new HistogramPool(histogramSize(nFeatures));
  }
  take(): Float64Array {
    return this.free.pop() ?? this.alloc() ?? new Float64Array(this.size);
  }
  give(h: Float64Array): void {
    this.free.push(h);
  }
}

/** One node's split, applied to its segment of the rows. */
export interface PartitionTask {
  begin: number;
  end: number;
  feature: number;
  /** non-missing codes <= splitBin go left */
  splitBin: number;
  defaultLeft: boolean;
}

/**
 * Where histograms and partitions come from: the WebAssembly engine (hist-engine.ts) in training, the JS reference
 * otherwise.
 */
export interface HistBuilder {
  /** The array the partitions rearrange in place, holding `sampled` on return; build() reads rows from it. */
  rowsFor(sampled: Uint32Array): Uint32Array;
  /** Histogram of rows[begin..end) for the listed features into `out` (slots of other features untouched). */
  build(begin: number, end: number, features: Int32Array, out: Float64Array): void;
  /** Splits each task's segment stably (left rows first); returns each task's first right index. */
  partition(tasks: readonly PartitionTask[]): number[];
}

export function jsHistBuilder(m: QuantizedMatrix, gh: Float64Array): HistBuilder {
  let rows: Uint32Array = new Uint32Array(0);
  let part = new RowPartitioner(rows);
  return {
    rowsFor(sampled) {
      rows = sampled;
      part = new RowPartitioner(rows);
      return rows;
    },
    partition(tasks) {
      return tasks.map((t) => part.split(m, t.begin, t.end, t.feature, t.splitBin, t.defaultLeft));
    },
    build(begin, end, features, out) {
      for (let k = 0; k < features.length; k++) out.fill(0, features[k] << 9, (features[k] + 1) << 9);
      buildHistogram(m, rows, begin, end, gh, features, out);
    },
  };
}

export function growTree(
  m: QuantizedMatrix,
  cuts: Cuts,
  /** interleaved (gradient, hessian) per row */
  gh: Float64Array,
  sampledRows: Uint32Array,
  features: Int32Array,
  p: GrowParams,
  pool: HistogramPool = HistogramPool.forFeatures(m.nFeatures),
  builder: HistBuilder = jsHistBuilder(m, gh),
): GrownTree {
  const rows = builder.rowsFor(sampledRows);
  const left: number[] = [-1];
  const right: number[] = [-1];
  const parent: number[] = [2147483647];
  const feature: number[] = [0];
  const threshold: number[] = [0];
  const defaultLeft: number[] = [0];
  const gainArr: number[] = [0];
  const splitBin: number[] = [-1];
  const begin: number[] = [0];
  const end: number[] = [sampledRows.length];
  let g0 = 0;
  let h0 = 0;
  for (let i = 0; i < sampledRows.length; i++) {
    g0 += gh[2 * sampledRows[i]];
    h0 += gh[2 * sampledRows[i] + 1];
  }
  const sumG: number[] = [g0];
  const sumH: number[] = [h0];
  const hists = new Map<number, Float64Array>();
  if (p.max_depth > 0 && sampledRows.length > 0) {
    const h = pool.take();
    builder.build(0, sampledRows.length, features, h);
    hists.set(0, h);
  }
  let level = [0];
  for (let depth = 0; depth < p.max_depth && level.length > 0; depth++) {
    // evaluate every node of the level, partition all the chosen splits at once (in parallel in the engine), then
    // number the children in level order
    const chosen: { node: number; c: SplitCandidate }[] = [];
    for (const node of level) {
      const hist = hists.get(node);
      if (!hist) continue;
      const c = evaluateSplit(hist, sumG[node], sumH[node], cuts, features, p);
      if (!c || !(c.gain > RT_EPS) || c.gain < p.gamma || c.leftH === 0 || c.rightH === 0) {
        hists.delete(node);
        pool.give(hist);
        continue;
      }
      chosen.push({ node, c });
    }
    const mids = builder.partition(
      chosen.map(({ node, c }) => ({
        begin: begin[node],
        end: end[node],
        feature: c.feature,
        splitBin: c.splitBin,
        defaultLeft: c.defaultLeft,
      })),
    );
    const splits: [number, number, number][] = [];
    for (let i = 0; i < chosen.length; i++) {
      const { node, c } = chosen[i];
      const mid = mids[i];
      const l = left.length;
      const r = l + 1;
      for (const [id, b, e, g, h] of [
        [l, begin[node], mid, c.leftG, c.leftH],
        [r, mid, end[node], c.rightG, c.rightH],
      ]) {
        left[id] = -1;
        right[id] = -1;
        parent[id] = node;
        feature[id] = 0;
        threshold[id] = 0;
        defaultLeft[id] = 0;
        gainArr[id] = 0;
        splitBin[id] = -1;
        begin[id] = b;
        end[id] = e;
        sumG[id] = g;
        sumH[id] = h;
      }
      left[node] = l;
      right[node] = r;
      feature[node] = c.feature;
      threshold[node] = c.threshold;
      defaultLeft[node] = c.defaultLeft ? 1 : 0;
      gainArr[node] = c.gain;
      splitBin[node] = c.splitBin;
      splits.push([node, l, r]);
    }
    const next: number[] = [];
    const needHist = depth + 1 < p.max_depth;
    for (const [node, l, r] of splits) {
      next.push(l, r);
      const ph = hists.get(node)!;
      hists.delete(node);
      if (!needHist) {
        pool.give(ph);
        continue;
      }
      const small = end[l] - begin[l] <= end[r] - begin[r] ? l : r;
      const large = small === l ? r : l;
      const sh = pool.take();
      builder.build(begin[small], end[small], features, sh);
      subtractHistogram(ph, sh, features, ph);
      hists.set(small, sh);
      hists.set(large, ph);
    }
    level = next;
  }
  for (const h of hists.values()) pool.give(h);
  const n = left.length;
  const tree: Tree = {
    left: Int32Array.from(left),
    right: Int32Array.from(right),
    parent: Int32Array.from(parent),
    feature: Int32Array.from(feature),
    threshold: new Float32Array(n),
    defaultLeft: Uint8Array.from(defaultLeft),
    baseWeight: new Float32Array(n),
    gain: Float32Array.from(gainArr),
    cover: Float32Array.from(sumH),
  };
  for (let i = 0; i < n; i++) {
    const w = calcWeight(sumG[i], sumH[i], p);
    tree.baseWeight[i] = w;
    tree.threshold[i] = left[i] === -1 ? w * p.eta : threshold[i];
  }
  return {
    tree,
    splitBin: Int32Array.from(splitBin),
    rows,
    begin: Int32Array.from(begin),
    end: Int32Array.from(end),
  };
}
