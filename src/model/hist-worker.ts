// The histogram engine's worker thread: it waits on the control block in shared memory and runs the task the
// calling thread posted (see hist-engine.ts: a histogram of some features, partitions of some nodes, the gradients
// of a row range through the Objective, the leaf values of some segments), then signals done.
// Not imported at run time: scripts/build-wasm.mjs bundles this module (with objective.ts and hist-protocol.ts)
// into wasm/hist-worker-js.ts, which the engine starts with `eval`, so the same worker runs from src/ (tsx,
// vitest), from dist/ and in the image, with nothing to resolve on disk.
import { workerData } from "node:worker_threads";
import { WA } from "../util/wasm.js";
import {
  ARGS,
  CTRL_SLOTS,
  DONE,
  ERR,
  type HistCols,
  KIND,
  KIND_GRADIENT,
  KIND_HIST,
  KIND_LEAVES,
  KIND_PARTITION,
  MAX_ARGS,
  type Partition,
  SEQ,
  TASK_INTS,
  type WorkerInit,
} from "./hist-protocol.js";
import { objectiveFor } from "./objective.js";

const { module, memory, layout, objective: spec } = workerData as WorkerInit;
const buf = memory.buffer;
const ctrl = new Int32Array(buf, layout.ctrl, CTRL_SLOTS);
const n = layout.n;
const margin = new Float64Array(buf, layout.margin, n);
const label = new Float32Array(buf, layout.label, n);
const weight = layout.weight ? new Float32Array(buf, layout.weight, n) : null;
const gh = new Float64Array(buf, layout.gh, 2 * n);
const rows = new Uint32Array(buf, layout.rows, n);
const objective = objectiveFor(spec);

function fail(): void {
  Atomics.store(ctrl, ERR, 1);
  Atomics.store(ctrl, DONE, -2);
  Atomics.notify(ctrl, DONE);
}

let histCols: HistCols;
let partition: Partition;
try {
  const k = new WA.Instance(module, { env: { memory } }).exports;
  histCols = k.histCols as HistCols;
  partition = k.partition as Partition;
} catch (e) {
  fail();
  throw e;
}

/** margin[rows[i]] += value for the leaf segments [from, to) of the list: (begin, end, value) triples */
function addLeaves(from: number, to: number): void {
  const seg = new Float64Array(buf, layout.leaves, 3 * to);
  for (let s = from; s < to; s++) {
    const v = seg[3 * s + 2];
    for (let i = seg[3 * s], e = seg[3 * s + 1]; i < e; i++) margin[rows[i]] += v;
  }
}

/** partition tasks [from, to) of the task list: (begin, end, feature, splitBin, missLeft) → mid */
function partitionTasks(bins: number, nRows: number, rowsAt: number, from: number, to: number, scratch: number): void {
  const t = new Int32Array(buf, layout.tasks, TASK_INTS * to);
  for (let i = from; i < to; i++) {
    const o = TASK_INTS * i;
    t[o + 5] = partition(bins, nRows, rowsAt, scratch, t[o], t[o + 1], t[o + 2], t[o + 3], t[o + 4]);
  }
}

let seen = 0;
for (;;) {
  Atomics.wait(ctrl, SEQ, seen);
  const seq = Atomics.load(ctrl, SEQ);
  if (seq < 0) break;
  seen = seq;
  try {
    const a = ctrl.subarray(ARGS, ARGS + MAX_ARGS);
    const kind = Atomics.load(ctrl, KIND);
    if (kind === KIND_HIST) histCols(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9]);
    else if (kind === KIND_GRADIENT) objective.gradient(margin, label, weight, gh, a[0], a[1]);
    else if (kind === KIND_LEAVES) addLeaves(a[0], a[1]);
    else if (kind === KIND_PARTITION) partitionTasks(a[0], a[1], a[2], a[3], a[4], a[5]);
    else throw new Error(`histogram worker: unknown task kind ${kind}`);
  } catch (e) {
    fail();
    throw e;
  }
  Atomics.store(ctrl, DONE, seq);
  Atomics.notify(ctrl, DONE);
}
