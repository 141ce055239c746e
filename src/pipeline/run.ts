import type { Config } from "../config/index.js";
import type { SynthOptions } from "../data/index.js";
import { isRodentError, RodentError } from "../errors.js";
import type { Logger } from "../util/log.js";
import { openPipelineContext, type PipelineContext } from "./context.js";
import { orderNodes } from "./definition.js";
import { DEFAULT_GATE_POLICY, type GatePolicy } from "./gate-policy.js";
import { MODEL_NAME, VERSION_TAGS } from "./promotion.js";
import { resolveTrainingSource, type SourceOrigin } from "./source-rule.js";
import { type EvaluationOutput, evaluateStep } from "./steps/evaluate.js";
import { type FeaturesOutput, featuresStep } from "./steps/features.js";
import { type IngestOutput, ingestStep } from "./steps/ingest.js";
import { promoteStep } from "./steps/promote.js";
import { type RegisterOutput, registerStep } from "./steps/register.js";
import type { StepResult } from "./steps/step-result.js";
import { type TrainReport, trainStep } from "./steps/train.js";
import { type ValidateOutput, validateStep } from "./steps/validate.js";

/** `rodent pipeline run --json`, exactly (issue 4 §2). */
export interface PipelineResult {
  /** The source this run trained on (canonical: synth:SEED, dir:ABSOLUTE_PATH, socrata); null if not resolved. */
  source: string | null;
  snapshot: string | null;
  steps: { name: string; status: "ran" | "reused" | "failed" }[];
  candidate: { version: string; gate: { passed: boolean; reasons: string[] } } | null;
  champion: { version: string } | null;
}

/** The same run with timings and every step's output, for the human summary and for tests. */
export interface PipelineDetails {
  durations: Record<string, number>;
  source?: string;
  sourceOrigin?: SourceOrigin;
  ingest?: IngestOutput;
  validate?: ValidateOutput;
  features?: FeaturesOutput;
  train?: TrainReport;
  evaluate?: EvaluationOutput;
  register?: RegisterOutput;
}

export interface RunPipelineOptions {
  config: Config;
  log: Logger;
  /**
   * "synth[:SEED]", "dir:PATH" or "socrata" (`--source`). Unset: config.source (RODENT_SOURCE), else the
   * champion's recorded source, else the embedded demo's synth:1 (source-rule.ts). Another source than the
   * champion's fails with RODENT_ERR_SOURCE_MISMATCH unless allowSourceChange.
   */
  source?: string;
  allowSourceChange?: boolean;
  /** Training parameter overrides (`--param NAME=VALUE`). */
  params?: Record<string, string>;
  force?: boolean;
  /** Move champion to a passing candidate (default true; the embedded default auto-promotes). */
  promote?: boolean;
  policy?: GatePolicy;
  /** Options of the synthetic city when the source is synth (tests use a small one). */
  synth?: Partial<SynthOptions>;
}

/** A failed pipeline run: the original error, with the partial result (which step failed) attached. */
export class PipelineFailure extends RodentError {
  constructor(
    cause: unknown,
    readonly result: PipelineResult,
    readonly pipelineDetails: PipelineDetails,
  ) {
    const code = isRodentError(cause) ? cause.code : "RODENT_ERR_INTERNAL";
    const failed = result.steps.find((s) => s.status === "failed")?.name ?? "?";
    super(code, `pipeline step ${failed} failed: ${(cause as Error)?.message ?? String(cause)}`, { result }, { cause });
  }
}

interface Values {
  source: string;
  snapshot: string;
  validated: ValidateOutput;
  features: FeaturesOutput;
  candidate: TrainReport;
  evaluation: EvaluationOutput;
  registered: RegisterOutput;
  promoted: boolean;
}
type Name = keyof Values;

interface Node {
  name: string;
  inputs: Name[];
  outputs: Name[];
  /** null: skipped (not listed in the result), e.g. promote with --no-promote or a refused candidate */
  run(v: Values, ctx: PipelineContext): Promise<StepResult<unknown> | null>;
}

/** The CT loop: ingest → validate → features → train → evaluate → register → promote. */
function ctNodes(opts: RunPipelineOptions, details: PipelineDetails): Node[] {
  return [
    {
      name: "ingest",
      inputs: ["source"],
      outputs: ["snapshot"],
      run: async (v, ctx) => {
        const resolved = await resolveTrainingSource(ctx, {
          requested: opts.source,
          configured: opts.config.source,
          allowChange: opts.allowSourceChange,
          synthSeed: opts.synth?.seed,
        });
        v.source = details.source = resolved.source;
        details.sourceOrigin = resolved.origin;
        const r = await ingestStep(ctx, { source: v.source, synth: opts.synth });
        v.snapshot = r.output.snapshot;
        details.ingest = r.output;
        return r;
      },
    },
    {
      name: "validate",
      inputs: ["snapshot"],
      outputs: ["validated"],
      run: async (v, ctx) => {
        const r = await validateStep(ctx, { snapshot: v.snapshot });
        v.validated = details.validate = r.output;
        return r;
      },
    },
    {
      name: "features",
      inputs: ["snapshot", "validated"],
      outputs: ["features"],
      run: async (v, ctx) => {
        const r = await featuresStep(ctx, { snapshot: v.snapshot });
        v.features = details.features = r.output;
        return r;
      },
    },
    {
      name: "train",
      inputs: ["features"],
      outputs: ["candidate"],
      run: async (v, ctx) => {
        const r = await trainStep(ctx, { features: v.features, params: opts.params });
        v.candidate = details.train = r.output;
        return r;
      },
    },
    {
      name: "evaluate",
      inputs: ["candidate"],
      outputs: ["evaluation"],
      run: async (v, ctx) => {
        const r = await evaluateStep(ctx, { candidate: v.candidate.run, against: "champion", policy: opts.policy });
        v.evaluation = details.evaluate = r.output;
        return r;
      },
    },
    {
      name: "register",
      inputs: ["candidate", "evaluation"],
      outputs: ["registered"],
      run: async (v, ctx) => {
        const r = await registerStep(ctx, {
          run: v.candidate.run,
          gate: v.evaluation.gate,
          allowSourceChange: opts.allowSourceChange,
        });
        v.registered = details.register = r.output;
        return r;
      },
    },
    {
      name: "promote",
      inputs: ["registered"],
      outputs: ["promoted"],
      run: async (v, ctx) => {
        const reg = v.registered;
        if (opts.promote === false || !reg.gate.passed) return null;
        const mv = await ctx.registry.getModelVersion(MODEL_NAME, reg.version);
        // A version rolled back once is not auto-promoted again by a rerun; promote it by hand if wanted.
        if (VERSION_TAGS.rolledBackAt in mv.tags) {
          ctx.log.warn({ version: reg.version }, "candidate was rolled back before; not promoting it again");
          return null;
        }
        const r = await promoteStep(ctx, { version: reg.version, to: "champion" });
        v.promoted = true;
        return r;
      },
    },
  ];
}

/** Run the whole CT loop; see runPipelineDetailed for timings and step outputs. */
export async function runPipeline(opts: RunPipelineOptions): Promise<PipelineResult> {
  return (await runPipelineDetailed(opts)).result;
}

export async function runPipelineDetailed(
  opts: RunPipelineOptions,
): Promise<{ result: PipelineResult; details: PipelineDetails }> {
  const ctx = await openPipelineContext(opts.config, opts.log, { force: opts.force });
  const details: PipelineDetails = { durations: {} };
  const result: PipelineResult = { source: null, snapshot: null, steps: [], candidate: null, champion: null };
  const values = {} as Values;
  const nodes = orderNodes(ctNodes({ ...opts, policy: opts.policy ?? DEFAULT_GATE_POLICY }, details), ["source"]);
  try {
    for (const node of nodes) {
      const t0 = Date.now();
      let r: StepResult<unknown> | null;
      try {
        r = await node.run(values, ctx);
      } catch (e) {
        details.durations[node.name] = Date.now() - t0;
        result.steps.push({ name: node.name, status: "failed" });
        result.snapshot = values.snapshot ?? null;
        result.source = values.source ?? null;
        await fillChampion(ctx, result).catch(() => {});
        opts.log.error({ step: node.name, err: (e as Error).message }, "pipeline step failed");
        throw new PipelineFailure(e, result, details);
      }
      details.durations[node.name] = Date.now() - t0;
      if (r) result.steps.push({ name: node.name, status: r.status });
      opts.log.info({ step: node.name, status: r?.status ?? "skipped", ms: details.durations[node.name] }, "step");
    }
    result.snapshot = values.snapshot;
    result.source = values.source;
    if (values.registered) {
      result.candidate = { version: values.registered.version, gate: values.registered.gate };
    }
    await fillChampion(ctx, result);
    return { result, details };
  } finally {
    await ctx.close();
  }
}

async function fillChampion(ctx: PipelineContext, result: PipelineResult): Promise<void> {
  await ctx.registry.createRegisteredModel(MODEL_NAME);
  const c = await ctx.registry.getAlias(MODEL_NAME, "champion");
  result.champion = c ? { version: c.version } : null;
}
