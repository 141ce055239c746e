import { createHash } from "node:crypto";
import type { ObjectStore } from "../data/index.js";
import { isRodentError } from "../errors.js";

// Idempotent steps: a step's output is recorded under a key hashed from its inputs, the code version and its
// parameters. A rerun with the same key reuses the record (after checking it still points at something real)
// unless forced. Records live in the object store, so steps running in separate pods share them.

export type StepStatus = "ran" | "reused" | "failed";

/** JSON with object keys sorted at every level, so equal values always hash equal. */
export function canonicalJson(v: unknown): string {
  return JSON.stringify(v, (_k, val) =>
    val && typeof val === "object" && !Array.isArray(val)
      ? Object.fromEntries(
          Object.keys(val as object)
            .sort()
            .map((k) => [k, (val as Record<string, unknown>)[k]]),
        )
      : val,
  );
}

export function stepKey(parts: { step: string; inputs: unknown; params?: unknown; codeVersion: string }): string {
  return createHash("sha256")
    .update(canonicalJson({ s: parts.step, i: parts.inputs, p: parts.params ?? null, c: parts.codeVersion }))
    .digest("hex")
    .slice(0, 24);
}

export interface StepRecord<O> {
  step: string;
  key: string;
  inputs: unknown;
  params: unknown;
  codeVersion: string;
  output: O;
  finishedAt: string;
  durationMs: number;
}

export class StepCache {
  constructor(
    readonly store: ObjectStore,
    readonly prefix = "pipeline/steps",
  ) {}

  recordKey(step: string, key: string): string {
    return `${this.prefix}/${step}/${key}.json`;
  }

  async get<O>(step: string, key: string): Promise<StepRecord<O> | null> {
    try {
      return JSON.parse((await this.store.get(this.recordKey(step, key))).toString("utf8")) as StepRecord<O>;
    } catch (e) {
      if (isRodentError(e, "RODENT_ERR_NOT_FOUND")) return null;
      if (e instanceof SyntaxError) return null; // a damaged record is as good as none: rerun
      throw e;
    }
  }

  async put<O>(rec: StepRecord<O>): Promise<void> {
    await this.store.put(this.recordKey(rec.step, rec.key), JSON.stringify(rec));
  }
}

export interface CachedResult<O> {
  output: O;
  status: "ran" | "reused";
  key: string;
  durationMs: number;
}

/**
 * Run `fn` unless a record for the same step key exists (and `valid` accepts its output); record the output after
 * a successful run. A failing fn records nothing, so the next run tries again.
 */
export async function cachedStep<O>(
  cache: StepCache,
  spec: {
    step: string;
    inputs: unknown;
    params?: unknown;
    codeVersion: string;
    force?: boolean;
    valid?: (output: O) => Promise<boolean>;
  },
  fn: (key: string) => Promise<O>,
): Promise<CachedResult<O>> {
  const key = stepKey(spec);
  const t0 = Date.now();
  if (!spec.force) {
    const rec = await cache.get<O>(spec.step, key);
    if (rec && (!spec.valid || (await spec.valid(rec.output)))) {
      return { output: rec.output, status: "reused", key, durationMs: Date.now() - t0 };
    }
  }
  const output = await fn(key);
  const durationMs = Date.now() - t0;
  await cache.put({
    step: spec.step,
    key,
    inputs: spec.inputs,
    params: spec.params ?? null,
    codeVersion: spec.codeVersion,
    output,
    finishedAt: new Date().toISOString(),
    durationMs,
  });
  return { output, status: "ran", key, durationMs };
}
