import type { SynthOptions } from "../../data/index.js";
import { BOROUGHS, canonicalSource, loadRecords } from "../../data/index.js";
import {
  buildReferenceProfile,
  buildServingTables,
  dayNumber,
  equalLookback,
  type FeatureTable,
  isoOfDay,
  loadCity,
  prepareCity,
  type TrainingSet,
} from "../../features/index.js";
import {
  type EvalMetrics,
  evaluateScores,
  type Model,
  subsetLabels,
  subsetTable,
  type TrainParams,
  trainModel,
} from "../../model/index.js";
import type { PipelineContext } from "../context.js";
import { decideGate } from "../gate.js";
import type { GatePolicy } from "../gate-policy.js";
import { MODEL_NAME } from "../promotion.js";
import { SOURCE_TAG } from "../source-rule.js";
import { featuresStep, loadTrainingSet } from "../steps/features.js";
import { ingestStep } from "../steps/ingest.js";
import { promoteStep } from "../steps/promote.js";
import { registerStep } from "../steps/register.js";
import { EXPERIMENT_NAME } from "../steps/train.js";
import type { ReplayData, ReplayModel, Retrainer, RetrainOutcome } from "./types.js";

/**
 * The CT loop as the replay runs it (issue 7 §5, issue 13 §6): the real ingest and feature steps once for the
 * whole history (point-in-time features make a row identical whether built then or now, as long as records are
 * not edited afterwards, which holds for exported files and the synthetic city), then, at each retrain, the real
 * learner on every inspection before the cut-off, the real gate against the champion on the same recent holdout,
 * a tracker run, registration and promotion in the replay's own registry. The context it gets must be the
 * replay's own namespace (its own store and registry, see `rodent replay`): nothing here is visible to the
 * service of the main RODENT_HOME. Model files are not stored for replay runs: hundreds of retrains would fill
 * the disk with models nobody serves.
 */
export interface ReplayRetrainerOptions {
  source: string;
  synth?: Partial<SynthOptions>;
  params: TrainParams;
  gate: GatePolicy;
  /** Train on at most this many years before the cut-off (keeps weekly retrains affordable). */
  trainYears: number;
  /** Weeks before the cut-off held out: the first half validates (early stopping, calibration), the last gates. */
  holdoutWeeks: number;
  /** The reference profile describes the last weeks of training, "the world at training time". */
  profileWeeks: number;
}

export const DEFAULT_REPLAY_RETRAIN = { trainYears: 3, holdoutWeeks: 16, profileWeeks: 8 } as const;

function rowsBetween(day: Int32Array, from: number, to: number): Int32Array {
  const out: number[] = [];
  for (let i = 0; i < day.length; i++) if (day[i] >= from && day[i] < to) out.push(i);
  return Int32Array.from(out);
}

function oracleOf(
  ts: TrainingSet,
  truth: { camis: string; inspectionDate: string; inspectionType: string; pTrue: number }[],
) {
  if (truth.length === 0) return undefined;
  const p = new Map<string, number>();
  for (const t of truth) p.set(`${t.camis}|${t.inspectionDate}|${t.inspectionType}`, t.pTrue);
  const out = new Float64Array(ts.table.n).fill(Number.NaN);
  for (let i = 0; i < ts.table.n; i++) {
    const v = p.get(`${ts.camis[i]}|${isoOfDay(ts.day[i])}|${ts.inspectionType[i]}`);
    if (v !== undefined) out[i] = v;
  }
  return out;
}

export async function prepareReplay(
  ctx: PipelineContext,
  opts: ReplayRetrainerOptions,
): Promise<{ snapshot: string; data: ReplayData; retrainer: Retrainer }> {
  const source = canonicalSource(opts.source, { synthSeed: opts.synth?.seed });
  const ingest = await ingestStep(ctx, { source, synth: opts.synth });
  const snapshot = ingest.output.snapshot;
  const features = await featuresStep(ctx, { snapshot });
  const ts = await loadTrainingSet(ctx, features.output);
  const city = prepareCity(await loadCity(ctx.store, snapshot));
  const sightings = await loadRecords(ctx.store, snapshot, "rat_sightings");
  const sDays: number[] = [];
  const sBoro: number[] = [];
  const byDay = sightings
    .map((s) => ({
      d: dayNumber(s.createdDate.slice(0, 10)),
      b: s.borough ? BOROUGHS.indexOf(s.borough) : BOROUGHS.length,
    }))
    .sort((a, b) => a.d - b.d);
  for (const s of byDay) {
    sDays.push(s.d);
    sBoro.push(s.b < 0 ? BOROUGHS.length : s.b);
  }
  const data: ReplayData = {
    table: ts.table,
    label: ts.label,
    day: ts.day,
    borough: ts.borough,
    oracle: oracleOf(ts, await loadRecords(ctx.store, snapshot, "truth")),
    sightings: { day: Int32Array.from(sDays), borough: Uint8Array.from(sBoro) },
    populations: populationProvider(city, ts.day),
  };

  const experimentId = await ctx.tracker.getOrCreateExperiment(`${EXPERIMENT_NAME}-replay`);
  await ctx.registry.createRegisteredModel(MODEL_NAME);
  const evalOn = (score: Float64Array, rows: Int32Array): EvalMetrics =>
    evaluateScores({
      label: subsetLabels(ts.label, rows),
      score,
      day: subsetLabels(ts.day, rows),
      borough: subsetLabels(ts.borough, rows),
    });

  /** Train a candidate as of `cutoff` and evaluate it (and the champion) on the gate holdout. */
  const fitAt = async (cutoff: number) => {
    const holdout = opts.holdoutWeeks * 7;
    const gateFrom = cutoff - Math.floor(holdout / 2);
    const validFrom = cutoff - holdout;
    const train = rowsBetween(ts.day, cutoff - Math.round(opts.trainYears * 365.25), validFrom);
    const valid = rowsBetween(ts.day, validFrom, gateFrom);
    const gate = rowsBetween(ts.day, gateFrom, cutoff);
    const trainTable = subsetTable(ts.table, train);
    const model: Model = await trainModel({
      train: { table: trainTable, label: subsetLabels(ts.label, train) },
      valid: { table: subsetTable(ts.table, valid), label: subsetLabels(ts.label, valid) },
      params: opts.params,
      meta: { trainingSnapshot: snapshot },
    });
    const gateTable = subsetTable(ts.table, gate);
    const metrics = evalOn(model.predictProba(gateTable), gate);
    // The reference profile: the most recent weeks the pipeline could see (the gate holdout's end).
    const recent = rowsBetween(ts.day, cutoff - opts.profileWeeks * 7, cutoff);
    const recentTable = subsetTable(ts.table, recent.length ? recent : train);
    // Only the fallback reference (the monitor compares populations 52 weeks apart whenever the data allows).
    const profile = buildReferenceProfile(recentTable, model.predictProba(recentTable), {
      basis: `the inspections of the ${opts.profileWeeks} weeks before ${isoOfDay(cutoff)}`,
    });
    const replayModel = (version: string): ReplayModel => ({
      version,
      predict: (t) => model.predictProba(t),
      profile,
      offline: { auc: metrics.auc, lift10: metrics.lift_at["10"] },
    });
    return {
      model,
      metrics,
      gate,
      gateTable,
      replayModel,
      rows: { train: train.length, valid: valid.length, gate: gate.length },
    };
  };

  /** Log a run, register the candidate with the gate decision, promote it when it passed. */
  const record = async (
    cutoff: number,
    reason: string,
    f: Awaited<ReturnType<typeof fitAt>>,
    passed: boolean,
    reasons: string[],
  ) => {
    const run = await ctx.tracker.createRun({
      experimentId,
      name: `replay-${isoOfDay(cutoff)}`,
      tags: {
        "rodent.snapshot_id": snapshot,
        "rodent.feature_schema_version": ts.table.schema.version,
        "rodent.replay_cutoff": isoOfDay(cutoff),
        "rodent.replay_reason": reason.slice(0, 250),
        [SOURCE_TAG]: source,
      },
    });
    await ctx.tracker.logBatch(run.runId, {
      params: { cutoff: isoOfDay(cutoff), train_rows: String(f.rows.train), gate_rows: String(f.rows.gate) },
      metrics: [
        { key: "gate_auc", value: f.metrics.auc },
        { key: "gate_lift_at_10", value: f.metrics.lift_at["10"] },
        { key: "gate_ece", value: f.metrics.ece },
      ].filter((m) => Number.isFinite(m.value)),
    });
    await ctx.tracker.endRun(run.runId, "FINISHED");
    const reg = await registerStep(ctx, { run: run.runId, gate: { passed, reasons } });
    if (passed) await promoteStep(ctx, { version: reg.output.version, to: "champion" });
    return reg.output.version;
  };

  const retrainer: Retrainer = {
    async initial(cutoff) {
      const f = await fitAt(cutoff);
      const d = decideGate(f.metrics, null, opts.gate);
      // The first champion of a replay is taken even below the floors (there is nothing else to serve); the
      // refusal reasons are still recorded on its version.
      const version = await record(
        cutoff,
        "initial champion",
        f,
        true,
        d.passed ? d.reasons : ["initial champion", ...d.reasons],
      );
      return f.replayModel(version);
    },
    async retrain(cutoff, reason, champion): Promise<RetrainOutcome> {
      const f = await fitAt(cutoff);
      const championMetrics = evalOn(champion.predict(f.gateTable), f.gate);
      const d = decideGate(f.metrics, championMetrics, opts.gate);
      const version = await record(cutoff, reason, f, d.passed, d.reasons);
      return d.passed
        ? { version, accepted: true, reasons: d.reasons, model: f.replayModel(version) }
        : { version, accepted: false, reasons: d.reasons };
    },
  };
  return { snapshot, data, retrainer };
}

/**
 * The populations the replay's monitor compares each Monday: every active restaurant then, and 52 weeks earlier,
 * from the same span of history (equalLookback, as `rodent monitor check` builds them). Tables are built 13 weeks at
 * a time (one featureTable call per kind, buildServingTables) and forgotten once the clock has passed them.
 */
function populationProvider(
  city: ReturnType<typeof prepareCity>,
  inspectionDays: Int32Array,
): (asOfDay: number) => { current: FeatureTable; yearBefore: FeatureTable | null } | null {
  let first = Number.POSITIVE_INFINITY;
  for (let i = 0; i < inspectionDays.length; i++) if (inspectionDays[i] < first) first = inspectionDays[i];
  const cache = new Map<string, FeatureTable>();
  const get = (kind: "current" | "before", day: number, opts: { historyFrom?: number; activeDays?: number }) => {
    const key = (d: number) => `${kind}|${d}|${opts.activeDays ?? "-"}`;
    let t = cache.get(key(day));
    if (t) return t;
    const days = Array.from({ length: 13 }, (_, k) => day + 7 * k);
    for (const [k, b] of buildServingTables(city, days.map(isoOfDay), opts).entries()) cache.set(key(days[k]), b.table);
    t = cache.get(key(day))!;
    return t;
  };
  return (day) => {
    // Forget what the clock has passed: it only moves forward.
    for (const k of cache.keys()) {
      const [kind, d] = k.split("|");
      if (Number(d) < (kind === "current" ? day : day - 364)) cache.delete(k);
    }
    const pair = equalLookback(day, first);
    if (!pair) return { current: get("current", day, {}), yearBefore: null };
    return { current: get("current", day, pair.current), yearBefore: get("before", day - 364, pair.yearBefore) };
  };
}
