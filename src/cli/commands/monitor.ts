import path from "node:path";
import type { Command } from "commander";
import { latestSnapshot, readManifest } from "../../data/index.js";
import { RodentError } from "../../errors.js";
import { buildServingSet, buildTrainingSet, dayNumber, loadCity } from "../../features/index.js";
import type { ReferenceProfile } from "../../features/profile.js";
import type { Model } from "../../model/index.js";
import {
  argoLauncher,
  computeDrift,
  computeOutcomes,
  DEFAULT_TRIGGER_POLICY,
  type DriftReport,
  OUTCOMES_KEY,
  PredictionLog,
  predictionLogFile,
  RetrainTrigger,
  TriggerPolicySchema,
  windowFromColumns,
} from "../../monitor/index.js";
import {
  loadRunModel,
  MODEL_NAME,
  openPipelineContext,
  type PipelineContext,
  runPipeline,
  withRunLock,
} from "../../pipeline/index.js";
import { context, emit } from "../context.js";

const triggerStatePath = (home: string) => path.join(home, "monitor", "trigger-state.json");

async function champion(ctx: PipelineContext, ref: string): Promise<{ version: string; model: Model }> {
  const mv = /^\d+$/.test(ref)
    ? await ctx.registry.getModelVersion(MODEL_NAME, ref)
    : await ctx.registry.getAlias(MODEL_NAME, ref);
  if (!mv)
    throw new RodentError(
      "RODENT_ERR_NOT_FOUND",
      `${MODEL_NAME}@${ref} does not exist: run \`rodent pipeline run\` first`,
    );
  return { version: mv.version, model: await loadRunModel(ctx.tracker, mv.runId) };
}

function profileOf(model: Model): ReferenceProfile {
  const p = model.meta.reference_profile as ReferenceProfile | undefined;
  if (!p?.columns)
    throw new RodentError(
      "RODENT_ERR_MODEL",
      "this model carries no reference profile (trained before monitoring existed): retrain it",
    );
  return p;
}

const nextDay = (iso: string) => new Date(Date.parse(`${iso}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

/** Drift of every active restaurant's features now (the latest snapshot) against the champion's training profile. */
async function batchDrift(
  ctx: PipelineContext,
  ref: string,
): Promise<{ version: string; snapshot: string; asOf: string; report: DriftReport }> {
  const { version, model } = await champion(ctx, ref);
  const snap = await latestSnapshot(ctx.store);
  if (!snap) throw new RodentError("RODENT_ERR_NOT_FOUND", "no snapshot yet: run `rodent ingest` first");
  const asOf = nextDay(snap.datasets.inspections?.max_date ?? new Date().toISOString().slice(0, 10));
  const set = buildServingSet(await loadCity(ctx.store, snap.id), asOf);
  model.assertSchema(set.table.schema);
  const profile = profileOf(model);
  const scores = model.predictProba(set.table);
  const t = set.table;
  return {
    version,
    snapshot: snap.id,
    asOf,
    report: computeDrift(
      profile,
      windowFromColumns(t.schema, profile, (j) => t.columns[j], t.n, scores),
    ),
  };
}

function driftLines(r: DriftReport): string[] {
  return [
    `rows ${r.n}, judged ${r.judged}, drifted: ${r.drifted.length ? r.drifted.join(", ") : "none"}`,
    "column                          psi     p-value  drift",
    ...[r.score, ...r.columns.slice(0, 12)].map(
      (c) =>
        `${c.name.padEnd(30)} ${c.psi.toFixed(3).padStart(6)} ${c.pValue.toExponential(1).padStart(10)}  ${c.drift ? "yes" : ""}`,
    ),
  ];
}

export function register(program: Command): void {
  const cmd = program.command("monitor").description("drift, realised performance and the retrain trigger");

  cmd
    .command("drift")
    .description("drift of the champion's inputs and scores: from a running service (--url) or the latest snapshot")
    .option("--url <url>", "a running service: read its GET /v1/monitoring")
    .option("--model <alias|version>", "model to check (batch mode)", "champion")
    .option("--json", "print one JSON document on stdout")
    .action(async (o: { url?: string; model: string; json?: boolean }) => {
      const { config, log } = context();
      if (o.url) {
        const res = await fetch(`${o.url.replace(/\/+$/, "")}/v1/monitoring`);
        if (!res.ok) throw new RodentError("RODENT_ERR_SOURCE", `${o.url}/v1/monitoring answered ${res.status}`);
        const doc = (await res.json()) as { drift: DriftReport | null; serving_drift: DriftReport | null };
        const r = doc.drift ?? doc.serving_drift;
        emit(o.json, doc, () => (r ? driftLines(r).join("\n") : "no drift report yet (no rows scored, or no profile)"));
        return;
      }
      const ctx = await openPipelineContext(config, log);
      try {
        const d = await batchDrift(ctx, o.model);
        emit(o.json, { mode: "batch", model: d.version, snapshot: d.snapshot, as_of: d.asOf, drift: d.report }, () =>
          [`model v${d.version} vs snapshot ${d.snapshot} as of ${d.asOf}`, ...driftLines(d.report)].join("\n"),
        );
      } finally {
        await ctx.close();
      }
    });

  cmd
    .command("outcomes")
    .description(
      "join a new snapshot's inspection results to the champion's earlier predictions: realised AUC, precision, lift per week",
    )
    .option("--snapshot <id>", "snapshot holding the new results (default: the latest)")
    .option("--since <YYYY-MM-DD>", "first inspection day to score (default: the champion's training snapshot end)")
    .option("--tolerance <x>", "AUC drop that counts as performance drift", "0.05")
    .option("--json", "print one JSON document on stdout")
    .action(async (o: { snapshot?: string; since?: string; tolerance: string; json?: boolean }) => {
      const { config, log } = context();
      const tolerance = Number(o.tolerance);
      if (!(tolerance >= 0 && tolerance < 1))
        throw new RodentError("RODENT_ERR_INVALID_ARGUMENT", `--tolerance: expected 0 ≤ x < 1, got ${o.tolerance}`);
      const ctx = await openPipelineContext(config, log);
      const plog = new PredictionLog(predictionLogFile(config.home));
      try {
        const snap = o.snapshot ? await readManifest(ctx.store, o.snapshot) : await latestSnapshot(ctx.store);
        if (!snap) throw new RodentError("RODENT_ERR_NOT_FOUND", "no snapshot yet: run `rodent ingest` first");
        const { version, model } = await champion(ctx, "champion");
        const trainedOn = model.meta.trainingSnapshot
          ? await readManifest(ctx.store, model.meta.trainingSnapshot).catch(() => null)
          : null;
        const since =
          o.since ??
          (trainedOn?.datasets.inspections?.max_date ? nextDay(trainedOn.datasets.inspections.max_date) : "1970-01-01");
        const ts = buildTrainingSet(await loadCity(ctx.store, snap.id), { log });
        const test = (model.meta.metrics as { test?: { auc?: number; lift_at?: Record<string, number> } } | undefined)
          ?.test;
        const rep = computeOutcomes({ camis: ts.camis, day: ts.day, label: ts.label }, plog, {
          fromDay: dayNumber(since),
          toDay: dayNumber(nextDay(snap.datasets.inspections?.max_date ?? since)),
          offline: { auc: test?.auc ?? null, lift_at_10: test?.lift_at?.["10"] ?? null },
          tolerance,
        });
        const doc = { snapshot: snap.id, model: version, since, at: new Date().toISOString(), ...rep };
        await ctx.store.put(OUTCOMES_KEY, JSON.stringify(doc));
        emit(o.json, doc, () =>
          [
            `champion v${version}; inspections since ${since} in snapshot ${snap.id}: ${rep.overall.inspections}, with a prediction before them: ${rep.overall.matched}`,
            "week        inspections matched positives   auc  lift@10",
            ...rep.weeks.map(
              (w) =>
                `${w.week}  ${String(w.inspections).padStart(11)} ${String(w.matched).padStart(7)} ${String(w.positives).padStart(9)} ${w.auc === null ? "   -" : w.auc.toFixed(3)}  ${w.lift_at_10 === null ? "-" : w.lift_at_10.toFixed(2)}`,
            ),
            rep.performance_drop ? `PERFORMANCE DRIFT: ${rep.reasons.join("; ")}` : "no performance drift",
          ].join("\n"),
        );
      } finally {
        plog.close();
        await ctx.close();
      }
    });

  cmd
    .command("check")
    .description(
      "one monitoring window: drift (+ realised performance) → the retrain trigger; starts the CT pipeline when the policy says so",
    )
    .option("--url <url>", "a running service to read drift from (default: batch drift on the latest snapshot)")
    .option("--policy <json>", "trigger policy JSON (signals, consecutive, cooldownDays, minDriftedFeatures)")
    .option("--performance-drop", "count a realised-performance drop in this window (from `monitor outcomes`)")
    .option("--dry-run", "decide, but start nothing")
    .option("--json", "print one JSON document on stdout")
    .action(
      async (o: { url?: string; policy?: string; performanceDrop?: boolean; dryRun?: boolean; json?: boolean }) => {
        const { config, log } = context();
        let policy = DEFAULT_TRIGGER_POLICY;
        if (o.policy) {
          const r = TriggerPolicySchema.safeParse(JSON.parse(o.policy));
          if (!r.success)
            throw new RodentError(
              "RODENT_ERR_INVALID_ARGUMENT",
              `--policy: ${r.error.issues[0].path.join(".")}: ${r.error.issues[0].message}`,
            );
          policy = r.data;
        }
        let report: DriftReport | null;
        if (o.url) {
          const res = await fetch(`${o.url.replace(/\/+$/, "")}/v1/monitoring`);
          if (!res.ok) throw new RodentError("RODENT_ERR_SOURCE", `${o.url}/v1/monitoring answered ${res.status}`);
          const doc = (await res.json()) as { drift: DriftReport | null; serving_drift: DriftReport | null };
          report = doc.drift?.judged ? doc.drift : doc.serving_drift;
        } else {
          const ctx = await openPipelineContext(config, log);
          try {
            report = (await batchDrift(ctx, "champion")).report;
          } finally {
            await ctx.close();
          }
        }
        // On a cluster the retrain is the Argo WorkflowTemplate; on one machine, the pipeline in this process.
        const launcher = o.dryRun
          ? async () => ({ id: "dry-run" })
          : config.argo.server
            ? argoLauncher({ ...config.argo, server: config.argo.server })
            : async () => {
                const r = await withRunLock(config.home, () => runPipeline({ config, log }));
                return { id: `snapshot ${r.snapshot}, candidate ${r.candidate?.version ?? "none"}` };
              };
        const trigger = new RetrainTrigger(policy, launcher, triggerStatePath(config.home));
        const d = await trigger.observe({
          at: new Date().toISOString(),
          driftedFeatures: report?.drifted.filter((x) => x !== "score") ?? [],
          scoreDrift: report?.score.drift ?? false,
          performanceDrop: Boolean(o.performanceDrop),
        });
        // In-process runs are over when observe returns; Argo runs end on their own (the cool-down covers them).
        if (d.launched && !config.argo.server) trigger.finished();
        emit(
          o.json,
          { ...d, launched: d.launched ?? null, policy },
          () => `${d.fire ? "RETRAIN" : "no retrain"}: ${d.reason}${d.launched ? ` (${d.launched})` : ""}`,
        );
      },
    );
}
