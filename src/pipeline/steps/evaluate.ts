import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { isRodentError, RodentError } from "../../errors.js";
import { isoOfDay } from "../../features/index.js";
import { type EvalMetrics, evaluateScores, subsetTable, timeSplit } from "../../model/index.js";
import type { ModelVersion } from "../../tracking/index.js";
import type { PipelineContext } from "../context.js";
import {
  type BaselineMetrics,
  baselineMetrics,
  type OracleMetrics,
  oracleMetrics,
  pick,
} from "../evaluation-report.js";
import { decideGate, type GateDecision } from "../gate.js";
import { DEFAULT_GATE_POLICY, type GatePolicy } from "../gate-policy.js";
import { loadRunModel } from "../model-loader.js";
import { MODEL_NAME, VERSION_TAGS } from "../promotion.js";
import { cachedStep } from "../step-cache.js";
import { featuresStep, loadTrainingSet } from "./features.js";
import type { StepResult } from "./step-result.js";
import { SPLIT } from "./train.js";

export interface EvaluationOutput {
  candidate: { run: string; version: string | null; snapshot: string };
  champion: { run: string; version: string } | null;
  /** The held-out window both were scored on: the candidate snapshot's test window. */
  window: { snapshot: string; rows: number; from: string | null; to: string | null };
  metrics: { candidate: EvalMetrics; champion: EvalMetrics | null };
  /** The same window ranked by the baselines and (on synthetic data) the oracle, for reference. */
  baselines: Record<string, BaselineMetrics>;
  oracle: OracleMetrics | null;
  /** Why the champion was not compared, when it was not. */
  note: string | null;
  policy: GatePolicy;
  gate: GateDecision;
}

/** A candidate named by version number ("3") or run id. */
export async function resolveCandidate(
  ctx: PipelineContext,
  ref: string,
): Promise<{ run: string; version: ModelVersion | null; snapshot: string }> {
  let version: ModelVersion | null = null;
  let run = ref;
  if (/^\d+$/.test(ref)) {
    version = await ctx.registry.getModelVersion(MODEL_NAME, ref);
    run = version.runId;
  }
  const r = await ctx.tracker.getRun(run);
  const snapshot = r.tags["rodent.snapshot_id"];
  if (!snapshot) {
    throw new RodentError("RODENT_ERR_NOT_FOUND", `run ${run} has no rodent.snapshot_id tag: not a training run`, {
      run,
    });
  }
  return { run, version, snapshot };
}

async function resolveAgainst(ctx: PipelineContext, against: string): Promise<ModelVersion | null> {
  await ctx.registry.createRegisteredModel(MODEL_NAME);
  if (/^\d+$/.test(against)) return ctx.registry.getModelVersion(MODEL_NAME, against);
  return ctx.registry.getAlias(MODEL_NAME, against);
}

/**
 * Score the candidate and the model `against` (an alias, default champion, or a version) on the same held-out
 * rows — the candidate snapshot's test window — and decide the gate. The decision and every number behind it
 * go to the candidate's run (tags, metrics, gate.json). Keyed by candidate, opponent and policy.
 */
export async function evaluateStep(
  ctx: PipelineContext,
  input: { candidate: string; against?: string; policy?: GatePolicy },
): Promise<StepResult<EvaluationOutput>> {
  const policy = input.policy ?? DEFAULT_GATE_POLICY;
  const cand = await resolveCandidate(ctx, input.candidate);
  const opponent = await resolveAgainst(ctx, input.against ?? "champion");
  const vsSelf = opponent !== null && opponent.runId === cand.run;
  return cachedStep(
    ctx.cache,
    {
      step: "evaluate",
      inputs: { candidate: cand.run, against: vsSelf ? null : (opponent?.version ?? null) },
      params: policy,
      codeVersion: ctx.code.version,
      force: ctx.force,
    },
    async () => {
      const f = await featuresStep(ctx, { snapshot: cand.snapshot });
      const ts = await loadTrainingSet(ctx, f.output);
      const test = timeSplit(ts.day, SPLIT).test;
      const testTable = subsetTable(ts.table, test);
      const label = pick(ts.label, test);
      const day = pick(ts.day, test);
      const borough = pick(ts.borough, test);
      const score = (m: Awaited<ReturnType<typeof loadRunModel>>) =>
        evaluateScores({ label, score: m.predictProba(testTable), day, borough });

      const candidateModel = await loadRunModel(ctx.tracker, cand.run);
      candidateModel.assertSchema(ts.table.schema);
      const candidate = score(candidateModel);

      let champion: EvalMetrics | null = null;
      let note: string | null = null;
      if (opponent && !vsSelf) {
        const m = await loadRunModel(ctx.tracker, opponent.runId).catch((e) => {
          // A champion whose model cannot be read must not block a sound candidate (promoting one repairs
          // serving); say so in the reasons. A failing backend is still an error.
          if (isRodentError(e, "RODENT_ERR_NOT_FOUND") || isRodentError(e, "RODENT_ERR_MODEL")) {
            note = `champion v${opponent.version}'s model could not be loaded (${(e as Error).message}): only the floors apply`;
            return null;
          }
          throw e;
        });
        if (!m) {
          /* note set above */
        } else {
          try {
            m.assertSchema(ts.table.schema);
            champion = score(m);
          } catch (e) {
            if (!isRodentError(e, "RODENT_ERR_SCHEMA_MISMATCH")) throw e;
            note = `champion v${opponent.version} reads feature schema ${m.schema.version}, the candidate ${ts.table.schema.version} (${e.message}): not comparable on the same rows, only the floors apply`;
          }
        }
      } else if (vsSelf) {
        note = `the candidate is already version ${opponent!.version} (${input.against ?? "champion"}); only the floors apply`;
      }
      const gate = decideGate(candidate, champion, policy);
      if (note) gate.reasons.push(note);

      let lo = Number.POSITIVE_INFINITY;
      let hi = Number.NEGATIVE_INFINITY;
      for (let i = 0; i < day.length; i++) {
        if (day[i] < lo) lo = day[i];
        if (day[i] > hi) hi = day[i];
      }
      const out: EvaluationOutput = {
        candidate: { run: cand.run, version: cand.version?.version ?? null, snapshot: cand.snapshot },
        champion: opponent && !vsSelf ? { run: opponent.runId, version: opponent.version } : null,
        window: {
          snapshot: cand.snapshot,
          rows: test.length,
          from: test.length ? isoOfDay(lo) : null,
          to: test.length ? isoOfDay(hi) : null,
        },
        metrics: { candidate, champion },
        baselines: baselineMetrics(ts, test),
        oracle: await oracleMetrics(ctx.store, cand.snapshot, ts, test),
        note,
        policy,
        gate,
      };
      await logDecision(ctx, cand.run, out);
      return out;
    },
  );
}

/** Every number behind the decision, on the candidate's run. */
async function logDecision(ctx: PipelineContext, run: string, ev: EvaluationOutput): Promise<void> {
  const metrics: { key: string; value: number; step: number }[] = [];
  const push = (key: string, v: number | undefined) => {
    if (typeof v === "number" && Number.isFinite(v)) metrics.push({ key, value: v, step: 0 });
  };
  push("gate_passed", ev.gate.passed ? 1 : 0);
  for (const c of ev.gate.checks) {
    const slug = `gate.${c.name}${c.scope === "overall" ? "" : `.${c.scope.toLowerCase().replace(/\s+/g, "_")}`}`;
    push(`${slug}.candidate`, c.candidate);
    push(`${slug}.threshold`, c.threshold);
    push(`${slug}.champion`, c.champion);
  }
  await ctx.tracker.logBatch(run, {
    metrics,
    tags: {
      [VERSION_TAGS.gate]: ev.gate.passed ? "passed" : "refused",
      [VERSION_TAGS.gateReasons]: JSON.stringify(ev.gate.reasons),
      "rodent.gate_against": ev.champion ? `version ${ev.champion.version}` : "none",
    },
  });
  const tmp = await mkdtemp(path.join(os.tmpdir(), "rodent-gate-"));
  try {
    const file = path.join(tmp, "gate.json");
    await writeFile(file, JSON.stringify(ev, null, 2));
    await ctx.tracker.logArtifact(run, file);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
