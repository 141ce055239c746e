// The contract between the histogram engine (hist-engine.ts, the calling thread) and its worker (hist-worker.ts):
// where things sit in the shared WebAssembly memory and what one task looks like. Both sides import it, so the
// two cannot drift apart. Imports types only: it is bundled into the worker.

import type { WasmMemory, WasmModule } from "../util/wasm.js";
import type { ObjectiveSpec } from "./objective.js";

// control block (Int32 slots): task sequence, done sequence, error flag, task kind, then up to 10 arguments
export const SEQ = 0;
export const DONE = 1;
export const ERR = 2;
export const KIND = 3;
export const ARGS = 4;
export const CTRL_SLOTS = 16;
/** a task's integer arguments (slots ARGS .. ARGS + MAX_ARGS) */
export const MAX_ARGS = 10;

export const KIND_HIST = 0;
export const KIND_PARTITION = 1;
export const KIND_GRADIENT = 2;
export const KIND_LEAVES = 3;

/** the histogram kernel (histogram.wat): histograms of rows[begin..end) for the listed features */
export type HistCols = (
  bins: number,
  n: number,
  gh: number,
  rows: number,
  begin: number,
  end: number,
  feats: number,
  nf: number,
  out: number,
  scratch: number,
) => void;
/** the partition kernel (histogram.wat): splits rows[begin..end) stably, returns the first right index */
export type Partition = (
  bins: number,
  n: number,
  rows: number,
  scratch: number,
  begin: number,
  end: number,
  feature: number,
  splitBin: number,
  missLeft: number,
) => number;

/** partition task record in the engine's memory: begin, end, feature, splitBin, missLeft, then the result (mid) */
export const TASK_INTS = 6;

/** Byte offsets of the arrays both threads read or write, fixed for the engine's life (the memory never grows). */
export interface EngineLayout {
  n: number;
  ctrl: number;
  margin: number;
  label: number;
  /** 0 when the rows carry no weights */
  weight: number;
  gh: number;
  rows: number;
  leaves: number;
  tasks: number;
}

/** What the worker thread is started with (structured-cloned; the module and memory are shared, not copied). */
export interface WorkerInit {
  module: WasmModule;
  memory: WasmMemory;
  layout: EngineLayout;
  objective: ObjectiveSpec;
}
