// The histogram engine: the learner's hot loop (about 80% of training time) in WebAssembly, on one or two threads.
// It owns one shared WebAssembly memory holding the column-major bin codes, the interleaved gradient pairs, the
// row-index array the partitioner rearranges, and the output histograms. With nthread ≥ 2 a worker thread builds
// the second half of the listed features while the caller builds the first half; every feature's histogram is
// computed by the same kernel from the same rows in the same order, so the model is bit-identical for any nthread.
// The worker is hist-worker.ts (typed, linted), bundled by scripts/build-wasm.mjs into wasm/hist-worker-js.ts; the
// two sides share their layout and task kinds through hist-protocol.ts.
import { Worker } from "node:worker_threads";
import { RodentError } from "../errors.js";
import { WA, WASM_PAGE, type WasmMemory, wasmModule } from "../util/wasm.js";
import type { HistBuilder, PartitionTask } from "./grower.js";
import {
  ARGS,
  CTRL_SLOTS,
  DONE,
  type EngineLayout,
  ERR,
  type HistCols,
  KIND,
  KIND_GRADIENT,
  KIND_HIST,
  KIND_LEAVES,
  KIND_PARTITION,
  type Partition,
  SEQ,
  TASK_INTS,
  type WorkerInit,
} from "./hist-protocol.js";
import { HIST_STRIDE } from "./histogram.js";
import { type Objective, type ObjectiveSpec, objectiveFor } from "./objective.js";
import { HIST_WORKER_JS } from "./wasm/hist-worker-js.js";
import { HISTOGRAM_WASM } from "./wasm/histogram-wasm.js";

/** The worker's code (hist-worker.ts, bundled by scripts/build-wasm.mjs), decoded once per process. */
let workerSource: string | null = null;

const FEATURE_BYTES = HIST_STRIDE * 16;
const SCRATCH_BYTES = 4 * FEATURE_BYTES;
/** below this many (row, feature) updates a build stays on the calling thread: waking the worker costs more */
const PARALLEL_MIN_UPDATES = 64 * 1024;
/** the same for partitions, in rows */
const PARALLEL_MIN_ROWS = 16 * 1024;
/** a worker that has not answered in this long is taken for dead (the caller would otherwise wait forever) */
const WORKER_TIMEOUT_MS = 120_000;
/** partition tasks per call (one per node of a level); more are done in several calls */
const MAX_TASKS = 1024;

export interface HistEngineOptions {
  n: number;
  nFeatures: number;
  /** 1 = calling thread only; ≥ 2 adds one worker thread (the machine this targets has two cores) */
  nthread: number;
  /** histogram buffers to reserve in the engine's memory, written in place by the kernel (others are copied) */
  histograms?: number;
  /** the loss gradients() computes (default binary:logistic) */
  objective?: ObjectiveSpec;
  /** reserve a per-row weight array (`weight`), which gradients() then applies */
  weighted?: boolean;
}

export class HistEngine implements HistBuilder {
  readonly n: number;
  readonly nFeatures: number;
  /** column-major bin codes: bins[f * n + r]; fill before the first build */
  readonly bins: Uint8Array;
  /** the row-index array of the current tree (partitioned in place by the grower) */
  readonly rows: Uint32Array;
  /** training margins, labels and weights, shared with the worker (gradients() and addLeaves() use them) */
  readonly margin: Float64Array;
  readonly label: Float32Array;
  readonly weight: Float32Array | null;
  /** interleaved (gradient, hessian) per row, as the histogram kernel reads them */
  readonly gh: Float64Array;
  readonly objective: Objective;
  private readonly memory: WasmMemory;
  private readonly histCols: HistCols;
  private readonly partitionKernel: Partition;
  private readonly tasks: Int32Array;
  private readonly feats: Int32Array;
  private readonly out: Float64Array;
  private readonly ctrl: Int32Array;
  private readonly at: {
    bins: number;
    gh: number;
    rows: number;
    feats: number;
    out: number;
    scratch: number[];
    rowScratch: number[];
  };
  private readonly leaves: Float64Array;
  private worker: Worker | null = null;
  private seq = 0;
  private readonly histSlots: { at: number; left: number };

  constructor(opts: HistEngineOptions) {
    const { n, nFeatures: F } = opts;
    this.n = n;
    this.nFeatures = F;
    let top = 0;
    const take = (bytes: number) => {
      const at = top;
      top = Math.ceil((top + bytes) / 64) * 64;
      return at;
    };
    const ctrlAt = take(CTRL_SLOTS * 4);
    const feats = take(4 * F);
    const out = take(FEATURE_BYTES * F);
    const scratch = [take(SCRATCH_BYTES), take(SCRATCH_BYTES)];
    const tasks = take(4 * TASK_INTS * MAX_TASKS);
    const leaves = take(8 * 3 * MAX_TASKS);
    const margin = take(8 * n);
    const label = take(4 * n);
    const weight = opts.weighted ? take(4 * n) : 0;
    const rowScratch = [take(4 * n), opts.nthread >= 2 ? take(4 * n) : 0];
    const gh = take(16 * n);
    const rows = take(4 * n);
    const bins = take(n * F);
    const nHist = Math.max(0, opts.histograms ?? 0);
    const hists = take(FEATURE_BYTES * F * nHist);
    const pages = Math.ceil(top / WASM_PAGE) + 1;
    if (pages > 65536) {
      throw new RodentError(
        "RODENT_ERR_INVALID_ARGUMENT",
        `training table too large for one learner: ${n} rows × ${F} features needs ${(top / 2 ** 30).toFixed(1)} GiB of histogram memory (limit 4 GiB); train on fewer rows`,
      );
    }
    this.memory = new WA.Memory({ initial: pages, maximum: pages, shared: true });
    const buf = this.memory.buffer;
    this.at = { bins, gh, rows, feats, out, scratch, rowScratch };
    this.margin = new Float64Array(buf, margin, n);
    this.label = new Float32Array(buf, label, n);
    this.weight = weight ? new Float32Array(buf, weight, n) : null;
    this.leaves = new Float64Array(buf, leaves, 3 * MAX_TASKS);
    this.tasks = new Int32Array(buf, tasks, TASK_INTS * MAX_TASKS);
    this.histSlots = { at: hists, left: nHist };
    this.ctrl = new Int32Array(buf, ctrlAt, CTRL_SLOTS);
    this.feats = new Int32Array(buf, feats, F);
    this.out = new Float64Array(buf, out, 2 * HIST_STRIDE * F);
    this.gh = new Float64Array(buf, gh, 2 * n);
    this.rows = new Uint32Array(buf, rows, n);
    this.bins = new Uint8Array(buf, bins, n * F);
    const spec = opts.objective ?? { name: "binary:logistic" };
    this.objective = objectiveFor(spec);
    const memory = this.memory;
    const kernels = new WA.Instance(wasmModule(HISTOGRAM_WASM), { env: { memory } }).exports;
    this.histCols = kernels.histCols as HistCols;
    this.partitionKernel = kernels.partition as Partition;
    if (opts.nthread >= 2) {
      const layout: EngineLayout = { n, ctrl: ctrlAt, margin, label, weight, gh, rows, leaves, tasks };
      const init: WorkerInit = { module: wasmModule(HISTOGRAM_WASM), memory, layout, objective: spec };
      workerSource ??= Buffer.from(HIST_WORKER_JS, "base64").toString("utf8");
      this.worker = new Worker(workerSource, { eval: true, workerData: init });
      // a forgotten engine must not keep the process alive; close() is still the normal way out
      this.worker.unref();
    }
  }

  /** A histogram buffer inside the engine's memory (the kernel writes it in place), or null when none is left. */
  allocHistogram(): Float64Array | null {
    const s = this.histSlots;
    if (s.left === 0) return null;
    const h = new Float64Array(this.memory.buffer, s.at, 2 * HIST_STRIDE * this.nFeatures);
    s.at += FEATURE_BYTES * this.nFeatures;
    s.left--;
    return h;
  }

  get threads(): number {
    return this.worker ? 2 : 1;
  }

  rowsFor(sampled: Uint32Array): Uint32Array {
    if (sampled.length > this.n) {
      throw new RodentError("RODENT_ERR_INVALID_ARGUMENT", `${sampled.length} sampled rows for a ${this.n}-row table`);
    }
    this.rows.set(sampled);
    return this.rows.subarray(0, sampled.length);
  }

  /**
   * Histogram of rows[begin..end) for the listed features into `out` (layout of histogram.ts; other features'
   * slots are left untouched).
   */
  build(begin: number, end: number, features: Int32Array, out: Float64Array): void {
    const nf = features.length;
    if (nf === 0) return;
    this.feats.set(features);
    const { at } = this;
    // in place when `out` lives in this memory, else through the engine's own buffer and a copy
    const inPlace = out.buffer === this.memory.buffer;
    const outAt = inPlace ? out.byteOffset : at.out;
    const rowsN = end - begin;
    const split = this.worker && rowsN * nf >= PARALLEL_MIN_UPDATES && nf >= 2 ? nf >> 1 : nf;
    const seq =
      split < nf
        ? this.post(KIND_HIST, [
            at.bins,
            this.n,
            at.gh,
            at.rows,
            begin,
            end,
            at.feats + 4 * split,
            nf - split,
            outAt,
            at.scratch[1],
          ])
        : 0;
    this.histCols(at.bins, this.n, at.gh, at.rows, begin, end, at.feats, split, outAt, at.scratch[0]);
    if (seq) this.waitWorker(seq);
    if (inPlace) return;
    const src = this.out;
    for (let k = 0; k < nf; k++) {
      const o = features[k] * HIST_STRIDE * 2;
      out.set(src.subarray(o, o + HIST_STRIDE * 2), o);
    }
  }

  /**
   * Gradients of every row through the objective, from `margin`, `label` and `weight` into `gh`: the first half of
   * the rows here, the second half on the worker. Both threads run the same Objective.gradient, so the numbers are
   * the same for any nthread.
   */
  gradients(): void {
    const n = this.n;
    const half = this.worker && n >= PARALLEL_MIN_ROWS ? n >> 1 : n;
    const seq = half < n ? this.post(KIND_GRADIENT, [half, n]) : 0;
    this.objective.gradient(this.margin, this.label, this.weight, this.gh, 0, half);
    if (seq) this.waitWorker(seq);
  }

  /**
   * margin[rows[i]] += value for each leaf segment (begin, end, value) of the rows the grower partitioned, on the
   * worker when there is one, while `meanwhile` (the caller's other work on other rows) runs here.
   */
  addLeaves(segments: readonly { begin: number; end: number; value: number }[], meanwhile: () => void): void {
    const k = segments.length;
    if (!this.worker || k > MAX_TASKS) {
      // one thread, or a tree too deep for one batch of leaves (more than 10 levels): all here
      const { margin, rows } = this;
      for (const { begin, end, value } of segments) for (let j = begin; j < end; j++) margin[rows[j]] += value;
      meanwhile();
      return;
    }
    const seg = this.leaves;
    for (let i = 0; i < k; i++) {
      seg[3 * i] = segments[i].begin;
      seg[3 * i + 1] = segments[i].end;
      seg[3 * i + 2] = segments[i].value;
    }
    const seq = this.post(KIND_LEAVES, [0, k]);
    meanwhile();
    this.waitWorker(seq);
  }

  /** Hands the worker one task (its kind and up to 10 integer arguments); returns the sequence to wait for. */
  private post(kind: number, args: number[]): number {
    const c = this.ctrl;
    for (let i = 0; i < args.length; i++) c[ARGS + i] = args[i];
    c[KIND] = kind;
    const seq = ++this.seq;
    Atomics.store(c, SEQ, seq);
    Atomics.notify(c, SEQ);
    return seq;
  }

  /**
   * Splits each task's segment of `rows` stably, left rows first (see the kernel), and returns the first right
   * index of each. With a worker, the tasks are cut into two runs of about equal rows, one per thread; a partition
   * is exact, so the result does not depend on who did it.
   */
  partition(tasks: readonly PartitionTask[]): number[] {
    const mids: number[] = [];
    for (let from = 0; from < tasks.length; from += MAX_TASKS) {
      mids.push(...this.partitionBatch(tasks.slice(from, from + MAX_TASKS)));
    }
    return mids;
  }

  private partitionBatch(tasks: readonly PartitionTask[]): number[] {
    const t = this.tasks;
    const k = tasks.length;
    let total = 0;
    for (let i = 0; i < k; i++) {
      const task = tasks[i];
      const o = TASK_INTS * i;
      t[o] = task.begin;
      t[o + 1] = task.end;
      t[o + 2] = task.feature;
      t[o + 3] = task.splitBin;
      t[o + 4] = task.defaultLeft ? 1 : 0;
      total += task.end - task.begin;
    }
    // the caller's run: tasks [0, cut); the worker's: [cut, k)
    let cut = k;
    if (this.worker && k >= 2 && total >= PARALLEL_MIN_ROWS) {
      let acc = 0;
      cut = 0;
      while (cut < k - 1 && acc + (tasks[cut].end - tasks[cut].begin) <= total / 2)
        acc += tasks[cut].end - tasks[cut++].begin;
      if (cut === 0) cut = 1;
    }
    const { at } = this;
    const seq = cut < k ? this.post(KIND_PARTITION, [at.bins, this.n, at.rows, cut, k, at.rowScratch[1]]) : 0;
    for (let i = 0; i < cut; i++) {
      const o = TASK_INTS * i;
      t[o + 5] = this.partitionKernel(
        at.bins,
        this.n,
        at.rows,
        at.rowScratch[0],
        t[o],
        t[o + 1],
        t[o + 2],
        t[o + 3],
        t[o + 4],
      );
    }
    if (seq) this.waitWorker(seq);
    const mids = new Array<number>(k);
    for (let i = 0; i < k; i++) mids[i] = t[TASK_INTS * i + 5];
    return mids;
  }

  private waitWorker(seq: number): void {
    const c = this.ctrl;
    const deadline = performance.now() + WORKER_TIMEOUT_MS;
    for (;;) {
      const done = Atomics.load(c, DONE);
      if (done === seq || Atomics.load(c, ERR) !== 0) break;
      if (performance.now() > deadline) {
        throw new RodentError("RODENT_ERR_INTERNAL", "histogram worker thread stopped answering; retry with nthread=1");
      }
      Atomics.wait(c, DONE, done, 1000);
    }
    if (Atomics.load(c, ERR) !== 0) {
      throw new RodentError("RODENT_ERR_INTERNAL", "histogram worker thread failed; retry with nthread=1");
    }
  }

  /** Stops the worker thread (idempotent). */
  close(): void {
    if (!this.worker) return;
    Atomics.store(this.ctrl, SEQ, -1);
    Atomics.notify(this.ctrl, SEQ);
    void this.worker.terminate();
    this.worker = null;
  }
}
