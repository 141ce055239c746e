import type { DatasetName, SynthOptions } from "../../data/index.js";
import { type DatasetSummary, ingest, readManifest } from "../../data/index.js";
import { isRodentError } from "../../errors.js";
import type { PipelineContext } from "../context.js";
import { cachedStep } from "../step-cache.js";
import type { StepResult } from "./step-result.js";

/** The embedded demo's source: used only on an empty registry when no source is given (source-rule.ts). */
export const DEFAULT_SOURCE = "synth:1";

export interface IngestOutput {
  snapshot: string;
  source: string;
  datasets: Partial<Record<DatasetName, DatasetSummary>>;
  /** The data stage found an identical snapshot (same content hash) and reused it. */
  contentReused: boolean;
}

/**
 * Ingest a source into a snapshot (the data stage validates and quarantines on the way in).
 * A synthetic city is a pure function of its options, so its snapshot is reused by key without regenerating it;
 * other sources are always read (new records may have arrived) and reused when the content is unchanged.
 */
export async function ingestStep(
  ctx: PipelineContext,
  input: { source: string; synth?: Partial<SynthOptions> },
): Promise<StepResult<IngestOutput>> {
  const { source } = input;
  const run = async (): Promise<IngestOutput> => {
    const r = await ingest({ store: ctx.store, config: ctx.config, source, log: ctx.log, synth: input.synth });
    return { snapshot: r.snapshot, source, datasets: r.datasets, contentReused: r.reused };
  };
  if (source.startsWith("synth")) {
    const synth = { ...(input.synth ?? {}) } as Record<string, unknown>;
    delete synth.dataDir; // where calibration data sits does not change the city
    const r = await cachedStep(
      ctx.cache,
      {
        step: "ingest",
        inputs: { source, synth },
        codeVersion: ctx.code.version,
        force: ctx.force,
        valid: async (o) => {
          try {
            await readManifest(ctx.store, o.snapshot);
            return true;
          } catch (e) {
            if (isRodentError(e, "RODENT_ERR_NOT_FOUND")) return false;
            throw e;
          }
        },
      },
      run,
    );
    // Regenerated (new code version) but identical content: the snapshot is the same one, so report reuse.
    return r.status === "ran" && r.output.contentReused ? { ...r, status: "reused" } : r;
  }
  const t0 = Date.now();
  const output = await run();
  return { status: output.contentReused ? "reused" : "ran", output, durationMs: Date.now() - t0 };
}
