import { type Command, Option } from "commander";
import type { ObjectStore } from "../../data/index.js";
import { latestSnapshot, readManifest, type SnapshotManifest } from "../../data/index.js";
import { RodentError } from "../../errors.js";
import { buildTrainingSet, dayNumber, isoOfDay, loadCity } from "../../features/index.js";
import type { Model } from "../../model/index.js";
import { subsetTable } from "../../model/index.js";
import {
  argoLauncher,
  type BackfillScorer,
  computeOutcomes,
  DEFAULT_TRIGGER_POLICY,
  type DriftReport,
  type MonitorWindow,
  monitorWindow,
  OUTCOMES_KEY,
  objectStoreTriggerState,
  RetrainTrigger,
  readPredictions,
  type StreamReport,
  snapshotWindow,
  TriggerPolicySchema,
  trimPredictions,
} from "../../monitor/index.js";
import {
  championHistory,
  championModels,
  championOfDay,
  loadRunModel,
  MODEL_NAME,
  openPipelineContext,
  type PipelineContext,
  resolveTrainingSource,
  runPipeline,
  withRunLock,
} from "../../pipeline/index.js";
import { context, emit } from "../context.js";

// `rodent monitor drift|outcomes|check` (docs/monitoring.md). The JSON of `check` and `outcomes` is read by the
// cluster's CronWorkflows (issue 12): keys are only ever added, never renamed.

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

async function snapshotOf(store: ObjectStore, id?: string): Promise<SnapshotManifest> {
  const snap = id ? await readManifest(store, id) : await latestSnapshot(store);
  if (!snap) throw new RodentError("RODENT_ERR_NOT_FOUND", "no snapshot yet: run `rodent ingest` first");
  return snap;
}

/** The monitoring window of a snapshot (batch): the population as of its data date and the 311 stream. */
async function batchWindow(
  ctx: PipelineContext,
  ref: string,
  snapshot?: string,
): Promise<{ version: string; snapshot: string; window: MonitorWindow }> {
  const { version, model } = await champion(ctx, ref);
  const snap = await snapshotOf(ctx.store, snapshot);
  const city = await loadCity(ctx.store, snap.id);
  const window = snapshotWindow({
    city,
    model: { version, predictProba: (t) => model.predictProba(t), meta: model.meta },
  });
  return { version, snapshot: snap.id, window };
}

/** The service's window (GET /v1/monitoring): the same report, computed by the service on its own snapshot. */
async function serviceWindow(url: string): Promise<MonitorWindow & { model?: { version: string }; snapshot?: string }> {
  const res = await fetch(`${url.replace(/\/+$/, "")}/v1/monitoring`);
  if (!res.ok) throw new RodentError("RODENT_ERR_SOURCE", `${url}/v1/monitoring answered ${res.status}`);
  const doc = (await res.json()) as MonitorWindow & { model?: { version: string }; snapshot?: string };
  if (!doc.data_date)
    throw new RodentError(
      "RODENT_ERR_SOURCE",
      `${url}/v1/monitoring has no data_date: the service is older than this command or its report is not ready; retry, or drop --url`,
    );
  return doc;
}

/** The latest realised-performance report, when it is about this champion. */
async function storedPerformance(
  store: ObjectStore,
  version: string,
): Promise<{ drop: boolean; reasons: string[] } | null> {
  if (!(await store.exists(OUTCOMES_KEY))) return null;
  const doc = JSON.parse((await store.get(OUTCOMES_KEY)).toString("utf8")) as {
    model?: string;
    performance_drop?: boolean;
    reasons?: string[];
  };
  return doc.model === version ? { drop: Boolean(doc.performance_drop), reasons: doc.reasons ?? [] } : null;
}

const f = (v: number | null | undefined, d = 3) =>
  v === null || v === undefined || !Number.isFinite(v) ? "-" : v.toFixed(d);

function populationLines(r: DriftReport | null): string[] {
  if (!r) return ["population: no reference (no year-earlier data and no model profile)"];
  return [
    `population: ${r.n} restaurants vs ${r.reference.n}, ${r.reference.basis}`,
    "column                          test    psi   stat     p-value  verdict",
    ...[r.score, ...r.columns.slice(0, 12)].map(
      (c) =>
        `${c.name.padEnd(30)} ${c.test.padEnd(5)} ${f(c.psi).padStart(6)} ${f(c.ks ?? c.chi2, 2).padStart(6)} ${c.pValue.toExponential(1).padStart(10)}  ${c.drift ? "ACT" : c.watch ? "watch" : c.judged ? "" : "not judged"}`,
    ),
  ];
}

function streamLines(s: StreamReport | null): string[] {
  if (!s) return ["311 stream: no sightings in the snapshot"];
  return [
    `311 stream ${s.window.from}..${s.window.to} against ${s.reference} (dispersion ${s.dispersion}):`,
    ...s.boroughs.map(
      (b) =>
        `  ${b.borough.padEnd(14)} ${String(b.current).padStart(6)} vs ${f(b.expected, 0).padStart(6)} expected  ${f((b.ratio - 1) * 100, 0).padStart(4)}%  z ${f(b.z, 1).padStart(5)}${b.signal ? `  ${b.signal.toUpperCase()}` : ""}`,
    ),
    `  volume ×${f(s.volume.ratio, 2)} of the same weeks a year before${s.volume.signal ? `  ${s.volume.signal.toUpperCase()}` : ""}`,
  ];
}

function windowLines(w: MonitorWindow): string[] {
  return [
    `${w.verdict.level.toUpperCase()} (data date ${w.data_date}, week ${w.week})`,
    ...w.verdict.reasons.map((r) => `  - ${r}`),
    w.signals.length ? `signals: ${w.signals.map((s) => s.key).join(", ")}` : "signals: none",
    "",
    ...populationLines(w.population),
    "",
    ...streamLines(w.stream),
  ];
}

export function register(program: Command): void {
  const cmd = program.command("monitor").description("drift, realised performance and the retrain trigger");

  cmd
    .command("drift")
    .description(
      "one monitoring window: the population now vs 52 weeks earlier, the 311 stream per borough; from a running service (--url) or the latest snapshot",
    )
    .option("--url <url>", "a running service: read its GET /v1/monitoring")
    .option("--model <alias|version>", "model to check (batch mode)", "champion")
    .option("--snapshot <id>", "snapshot to check (batch mode; default the latest)")
    .option("--json", "print one JSON document on stdout")
    .action(async (o: { url?: string; model: string; snapshot?: string; json?: boolean }) => {
      const { config, log } = context();
      if (o.url) {
        const w = await serviceWindow(o.url);
        emit(o.json, { mode: "service", ...w, drift: w.population }, () => windowLines(w).join("\n"));
        return;
      }
      const ctx = await openPipelineContext(config, log);
      try {
        const d = await batchWindow(ctx, o.model, o.snapshot);
        emit(
          o.json,
          // `drift` repeats `population` under the name earlier scripts read.
          { mode: "batch", model: d.version, snapshot: d.snapshot, ...d.window, drift: d.window.population },
          () => [`model v${d.version}, snapshot ${d.snapshot}`, ...windowLines(d.window)].join("\n"),
        );
      } finally {
        await ctx.close();
      }
    });

  cmd
    .command("outcomes")
    .description(
      "realised AUC, precision and lift per week: inspections of a snapshot joined to the champion's predictions for their data date (logged, else backfilled with the champion of their time)",
    )
    .option("--snapshot <id>", "snapshot holding the results (default: the latest)")
    .option(
      "--since <YYYY-MM-DD>",
      "first inspection day to score (default: the day after the champion's training data)",
    )
    .option("--until <YYYY-MM-DD>", "last inspection day to score (default: the snapshot's newest)")
    .option("--no-backfill", "only predictions the service logged (no scoring of past inspections)")
    .option("--tolerance <x>", "AUC drop that counts as performance drift", "0.05")
    .option("--json", "print one JSON document on stdout")
    .action(
      async (o: {
        snapshot?: string;
        since?: string;
        until?: string;
        backfill: boolean;
        tolerance: string;
        json?: boolean;
      }) => {
        const { config, log } = context();
        const tolerance = Number(o.tolerance);
        if (!(tolerance >= 0 && tolerance < 1))
          throw new RodentError("RODENT_ERR_INVALID_ARGUMENT", `--tolerance: expected 0 ≤ x < 1, got ${o.tolerance}`);
        for (const [k, v] of [
          ["since", o.since],
          ["until", o.until],
        ] as const)
          if (v !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(v))
            throw new RodentError(
              "RODENT_ERR_INVALID_ARGUMENT",
              `--${k}: expected YYYY-MM-DD, got ${JSON.stringify(v)}`,
            );
        const ctx = await openPipelineContext(config, log);
        try {
          const snap = await snapshotOf(ctx.store, o.snapshot);
          const { version, model } = await champion(ctx, "champion");
          const trainedOn = model.meta.trainingSnapshot
            ? await readManifest(ctx.store, String(model.meta.trainingSnapshot)).catch(() => null)
            : null;
          const newest = snap.datasets.inspections?.max_date;
          if (!newest) throw new RodentError("RODENT_ERR_NOT_FOUND", `snapshot ${snap.id} has no inspections`);
          const trainedEnd = trainedOn?.datasets.inspections?.max_date;
          const since = o.since ?? (trainedEnd ? isoOfDay(dayNumber(trainedEnd) + 1) : "1970-01-01");
          const until = o.until ?? newest;
          const ts = buildTrainingSet(await loadCity(ctx.store, snap.id), { log });
          const fromDay = dayNumber(since);
          const toDay = dayNumber(until) + 1;
          const lookup = await readPredictions(ctx.store, isoOfDay(fromDay - 60), until);
          // Backfill: every inspection in range scored by the champion of its time, on its own point-in-time row.
          let backfill: BackfillScorer | null = null;
          const used: { version: string; rows: number }[] = [];
          if (o.backfill) {
            const spans = await championHistory(ctx);
            const modelOf = championModels(ctx);
            const byVersion = new Map<string, number[]>();
            const spanOf = new Map(spans.map((s) => [s.version, s]));
            for (let i = 0; i < ts.day.length; i++) {
              if (ts.day[i] < fromDay || ts.day[i] >= toDay) continue;
              const s = championOfDay(spans, isoOfDay(ts.day[i]));
              if (!s) continue;
              const rows = byVersion.get(s.version) ?? [];
              byVersion.set(s.version, rows);
              rows.push(i);
            }
            const scores = new Map<number, { score: number; version: string }>();
            for (const [v, rows] of byVersion) {
              const m = await modelOf(spanOf.get(v)!);
              m.assertSchema(ts.table.schema);
              const p = m.predictProba(subsetTable(ts.table, Int32Array.from(rows)));
              for (const [k, r] of rows.entries()) scores.set(r, { score: p[k], version: v });
              used.push({ version: v, rows: rows.length });
            }
            backfill = (i) => scores.get(i) ?? null;
          }
          const test = (model.meta.metrics as { test?: { auc?: number; lift_at?: Record<string, number> } } | undefined)
            ?.test;
          const rep = computeOutcomes({ camis: ts.camis, day: ts.day, label: ts.label }, lookup, {
            fromDay,
            toDay,
            offline: { auc: test?.auc ?? null, lift_at_10: test?.lift_at?.["10"] ?? null },
            currentVersion: version,
            backfill,
            tolerance,
          });
          const doc = {
            snapshot: snap.id,
            model: version,
            since,
            until,
            at: new Date().toISOString(),
            logged_predictions: lookup.count,
            backfill: { enabled: o.backfill, models: used },
            ...rep,
          };
          await ctx.store.put(OUTCOMES_KEY, JSON.stringify(doc));
          // Retention of the prediction log: 400 days of data dates before the snapshot's data.
          await trimPredictions(ctx.store, isoOfDay(dayNumber(newest) - 400));
          emit(o.json, doc, () =>
            [
              `champion v${version}; inspections ${since}..${until} in snapshot ${snap.id}: ${rep.overall.inspections}, scored: ${rep.overall.matched} (logged ${rep.overall.matched_logged}, backfilled ${rep.overall.matched_backfill})`,
              "week        inspections matched logged backfill positives   auc  lift@10  models",
              ...rep.weeks.map(
                (w) =>
                  `${w.week}  ${String(w.inspections).padStart(11)} ${String(w.matched).padStart(7)} ${String(w.matched_logged).padStart(6)} ${String(w.matched_backfill).padStart(8)} ${String(w.positives).padStart(9)} ${w.auc === null ? "   -" : w.auc.toFixed(3)}  ${w.lift_at_10 === null ? "   -" : w.lift_at_10.toFixed(2).padStart(6)}  ${w.models.join(",")}`,
              ),
              rep.performance_drop ? `PERFORMANCE DRIFT: ${rep.reasons.join("; ")}` : "no performance drift",
            ].join("\n"),
          );
        } finally {
          await ctx.close();
        }
      },
    );

  cmd
    .command("check")
    .description(
      "one monitoring window → the retrain trigger; starts the CT pipeline on the deployment's source when the policy says so",
    )
    .option("--url <url>", "a running service to read the window from (default: batch on the latest snapshot)")
    .option(
      "--source <source>",
      "the deployment's source for a retrain (default RODENT_SOURCE, else the champion's); another source than the champion's fails",
    )
    .option("--trigger <json>", "trigger policy JSON (signals, consecutive, cooldownDays, minDriftedFeatures, …)")
    // One flag vocabulary (README, Commands): --trigger is the trigger policy here and in `rodent replay`, --policy
    // a retraining policy's name. The old spelling still works for scripts written against it.
    .addOption(new Option("--policy <json>", "old name of --trigger").hideHelp())
    .option(
      "--performance-drop",
      "count a realised-performance drop in this window (default: the latest `monitor outcomes` report)",
    )
    .option("--dry-run", "decide, but record nothing and start nothing")
    .option("--json", "print one JSON document on stdout")
    .action(
      async (o: {
        url?: string;
        source?: string;
        trigger?: string;
        policy?: string;
        performanceDrop?: boolean;
        dryRun?: boolean;
        json?: boolean;
      }) => {
        const { config, log } = context();
        let policy = DEFAULT_TRIGGER_POLICY;
        const triggerJson = o.trigger ?? o.policy;
        if (triggerJson) {
          let raw: unknown;
          try {
            raw = JSON.parse(triggerJson);
          } catch {
            throw new RodentError("RODENT_ERR_INVALID_ARGUMENT", `--trigger: not JSON: ${triggerJson}`);
          }
          const r = TriggerPolicySchema.safeParse(raw);
          if (!r.success)
            throw new RodentError(
              "RODENT_ERR_INVALID_ARGUMENT",
              `--trigger: ${r.error.issues[0].path.join(".")}: ${r.error.issues[0].message}`,
            );
          policy = r.data;
        }
        const ctx = await openPipelineContext(config, log);
        try {
          // The retrain's source is settled first: a deployment pointed at another source than its champion's
          // fails here, before any window is recorded (issue 13 §1).
          const source = await resolveTrainingSource(ctx, {
            requested: o.source,
            configured: config.source,
            what: "the retrain this check may start",
          });
          const { version } = await champion(ctx, "champion");
          const base = o.url ? await serviceWindow(o.url) : (await batchWindow(ctx, "champion")).window;
          const stored = await storedPerformance(ctx.store, version);
          const performance = o.performanceDrop
            ? { drop: true, reasons: ["--performance-drop"] }
            : (base.performance ?? stored);
          const window = monitorWindow({
            dataDate: base.data_date,
            population: base.population,
            stream: base.stream,
            performance,
          });
          // On a cluster the retrain is the Argo WorkflowTemplate; on one machine, the pipeline in this process.
          const launcher = config.argo.server
            ? argoLauncher({
                ...config.argo,
                server: config.argo.server,
                template: "rodent-ct",
                parameters: { source: source.source },
              })
            : async () => {
                const r = await withRunLock(config.home, () => runPipeline({ config, log, source: source.source }));
                return { id: `snapshot ${r.snapshot}, candidate ${r.candidate?.version ?? "none"}` };
              };
          const trigger = new RetrainTrigger(policy, launcher, objectStoreTriggerState(ctx.store));
          const d = await trigger.observe(
            { dataDate: window.data_date, signals: window.signals },
            { dryRun: o.dryRun },
          );
          // In-process runs are over when observe returns; Argo runs end on their own (maxRunHours covers them).
          if (d.launched && !config.argo.server) await trigger.finished();
          emit(
            o.json,
            {
              fire: d.fire,
              reason: d.reason,
              streak: d.streak,
              signals: d.signals,
              launched: d.launched,
              dry_run: d.dryRun,
              data_date: window.data_date,
              week: d.week,
              verdict: window.verdict,
              all_signals: window.signals.map((s) => s.key),
              acknowledged: d.acknowledged,
              source: source.source,
              model: version,
              policy,
              window,
            },
            () =>
              [
                `${d.fire ? (o.dryRun ? "WOULD RETRAIN (dry run: nothing recorded)" : "RETRAIN") : "no retrain"}: ${d.reason}${d.launched ? ` (${d.launched})` : ""}`,
                `source ${source.source}; champion v${version}`,
                ...windowLines(window),
              ].join("\n"),
          );
        } finally {
          await ctx.close();
        }
      },
    );
}
