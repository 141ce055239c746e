import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { RodentError } from "../../errors.js";
import type { DatasetName } from "../records.js";

/** Tell the workers how to read a file's rows (its header), before its pieces. */
export type FarmRequest =
  | { type: "file"; fileId: number; dataset: DatasetName; columns: string[] }
  | { type: "piece"; fileId: number; id: number; buffer: ArrayBuffer }
  | { type: "done"; fileId: number };

/** One parsed piece: valid rows as NDJSON bytes with key, date and null mask; bad rows with their cells. */
export interface PieceResult {
  id: number;
  /** Data rows in the piece (valid + rejected). */
  n: number;
  keys: string[];
  dates: string[];
  nulls: Int32Array;
  /** The valid rows' NDJSON lines as UTF-8, each ending in a newline; line i ends at ends[i] (exclusive). */
  text: ArrayBuffer;
  ends: Int32Array;
  /** Rejected rows, by 1-based row number within the piece, in row order. */
  rejects: { row: number; field: string; reason: string; cells: string[] }[];
}

type Reply = PieceResult | { id: number; error: string } | { ready: true };

// Workers run this folder's parse-worker module: .js in dist/; .ts under tsx and vitest, where the worker (which
// inherits no loader hooks on Node 20) first registers tsx's ESM hooks on its own thread.
const HERE = fileURLToPath(import.meta.url);
const EXT = path.extname(HERE);

function workerSource(): { source: string | URL; eval: boolean } {
  const entry = new URL(`./parse-worker${EXT}`, import.meta.url);
  if (EXT !== ".ts") return { source: entry, eval: false };
  const tsxApi = path.join(path.dirname(createRequire(HERE).resolve("tsx/package.json")), "dist/esm/api/index.mjs");
  const boot = `import(${JSON.stringify(pathToFileURL(tsxApi).href)})
  .then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); })
  .catch((e) => { require("node:worker_threads").parentPort.postMessage({ id: -1, error: String((e && e.stack) || e) }); });`;
  return { source: boot, eval: true };
}

/** Pieces in flight per worker: enough to keep every worker busy while the main thread writes. */
const IN_FLIGHT_PER_WORKER = 3;

/**
 * Worker threads that parse and validate CSV pieces (decode, split, map, JSON-encode: most of an ingest's CPU)
 * while the main thread sorts, dedupes, hashes and compresses. Results come back in piece order, so the output
 * is byte-identical to a single-threaded run.
 */
export class ParseFarm {
  private readonly waiting = new Map<number, { resolve: (r: PieceResult) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  private nextFile = 0;
  private failure: Error | null = null;
  /** Pieces sent to workers by every farm of this process (tests check that the workers really ran). */
  static piecesParsed = 0;

  private constructor(private readonly workers: Worker[]) {
    for (const w of workers) {
      w.on("message", (m: Reply) => this.onReply(m));
      w.on("error", (e) => this.fail(e));
      w.on("exit", (code) => this.fail(new RodentError("RODENT_ERR_INTERNAL", `parse worker exited (${code})`)));
    }
  }

  /** Start `n` workers (default: one per core, at most 4) and wait until they have loaded. */
  static async start(n = Math.max(1, Math.min(4, availableParallelism()))): Promise<ParseFarm> {
    const { source, eval: isEval } = workerSource();
    // A young generation big enough for a few pieces in flight: fewer scavenges that copy live rows around.
    const workers = Array.from(
      { length: n },
      () => new Worker(source, { eval: isEval, resourceLimits: { maxYoungGenerationSizeMb: 48 } }),
    );
    const ready = workers.map(
      (w) =>
        new Promise<void>((resolve, reject) => {
          const onMessage = (m: Reply) => {
            if ("ready" in m) resolve();
            else if ("error" in m)
              reject(new RodentError("RODENT_ERR_INTERNAL", `parse worker failed to start: ${m.error}`));
          };
          w.on("message", onMessage);
          w.once("error", reject);
        }),
    );
    try {
      await Promise.all(ready);
    } catch (e) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw e;
    }
    for (const w of workers) w.removeAllListeners("message").removeAllListeners("error");
    return new ParseFarm(workers);
  }

  get size(): number {
    return this.workers.length;
  }

  private onReply(m: Reply): void {
    if ("ready" in m) return;
    const w = this.waiting.get(m.id);
    if (!w) return;
    this.waiting.delete(m.id);
    if ("error" in m) w.reject(new Error(m.error));
    else w.resolve(m);
  }

  private fail(e: Error): void {
    if (this.failure) return;
    this.failure = e;
    for (const w of this.waiting.values()) w.reject(e);
    this.waiting.clear();
  }

  /** Parse one file's pieces on the workers; yields the results in piece order. */
  async *parse(dataset: DatasetName, columns: string[], pieces: AsyncIterable<Buffer>): AsyncGenerator<PieceResult> {
    const fileId = this.nextFile++;
    for (const w of this.workers) w.postMessage({ type: "file", fileId, dataset, columns } satisfies FarmRequest);
    const queue: Promise<PieceResult>[] = [];
    const max = IN_FLIGHT_PER_WORKER * this.workers.length;
    let k = 0;
    try {
      for await (const piece of pieces) {
        if (this.failure) throw this.failure;
        const id = this.nextId++;
        ParseFarm.piecesParsed++;
        const done = new Promise<PieceResult>((resolve, reject) => this.waiting.set(id, { resolve, reject }));
        done.catch(() => {}); // observed below, in order; a failure must not be unhandled meanwhile
        queue.push(done);
        // The piece owns its ArrayBuffer (see readCsvPieces): transfer it, no copy.
        const buffer = piece.buffer as ArrayBuffer;
        this.workers[k++ % this.workers.length]!.postMessage(
          { type: "piece", fileId, id, buffer } satisfies FarmRequest,
          [buffer],
        );
        if (queue.length >= max) yield await queue.shift()!;
      }
      while (queue.length > 0) yield await queue.shift()!;
    } finally {
      for (const w of this.workers) w.postMessage({ type: "done", fileId } satisfies FarmRequest);
    }
  }

  async close(): Promise<void> {
    this.failure ??= new RodentError("RODENT_ERR_INTERNAL", "parse farm closed");
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
