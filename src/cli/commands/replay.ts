import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { type Command, Option } from "commander";
import { loadConfig } from "../../config/index.js";
import {
  canonicalSource,
  LocalObjectStore,
  type ObjectStore,
  parseScenario,
  parseSource,
  S3ObjectStore,
  SCENARIOS,
} from "../../data/index.js";
import { RodentError } from "../../errors.js";
import { dayNumber } from "../../features/index.js";
import { parseParams } from "../../model/index.js";
import { DEFAULT_TRIGGER_POLICY, TriggerPolicySchema } from "../../monitor/index.js";
import {
  collect,
  DEFAULT_REPLAY_RETRAIN,
  loadGatePolicy,
  openPipelineContext,
  parseAssignments,
  prepareReplay,
  type ReplayPolicy,
  type ReplayResult,
  recommendPolicy,
  replayChartSvg,
  replayCsv,
  runReplay,
} from "../../pipeline/index.js";
import { context, emit } from "../context.js";

const POLICIES = ["weekly", "drift", "never"] as const;

/**
 * Replay parameters. The replay retrains up to once a week for years, so by default it trains smaller models
 * (120 trees of depth 5) on a city at scale 0.2 and at most 3 years of history: the weekly policy's ~400
 * retrains then fit in minutes. Policies are compared on the same city, so the comparison stays fair.
 */
const REPLAY_PARAMS = { n_estimators: "120", max_depth: "5", eta: "0.15", early_stopping_rounds: "15" };

function month(s: string, field: string, end: boolean): number {
  const m = /^(\d{4})-(\d{2})$/.exec(s) ?? /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m)
    throw new RodentError(
      "RODENT_ERR_INVALID_ARGUMENT",
      `--${field}: expected YYYY-MM or YYYY-MM-DD, got ${JSON.stringify(s)}`,
    );
  if (m[3]) return dayNumber(s);
  const y = Number(m[1]);
  const mo = Number(m[2]);
  if (mo < 1 || mo > 12) throw new RodentError("RODENT_ERR_INVALID_ARGUMENT", `--${field}: month ${mo} is not 1..12`);
  return end ? Date.UTC(y, mo, 1) / 86_400_000 : Date.UTC(y, mo - 1, 1) / 86_400_000;
}
const iso = (d: number) => new Date(d * 86_400_000).toISOString().slice(0, 10);

/**
 * The replay's own namespace (issue 14 §2): its snapshots, step cache and registries live under
 * RODENT_HOME/replay/<run>/ (a folder), or under the replay/<run>/ prefix of the bucket on S3 — never where the
 * service of the main RODENT_HOME looks for its snapshot and champion. Nothing a replay does can change what is
 * served.
 */
function replayStore(config: ReturnType<typeof context>["config"], base: string, key: string): ObjectStore {
  const s = config.store;
  if (s.kind === "local") return new LocalObjectStore(path.join(base, "store"));
  return new S3ObjectStore({
    bucket: s.bucket,
    prefix: [s.prefix.replace(/\/+$/, ""), "replay", key].filter(Boolean).join("/"),
    endpoint: s.endpoint,
    region: s.region,
    forcePathStyle: s.forcePathStyle,
  });
}

export function register(program: Command): void {
  program
    .command("replay")
    .description(
      "run the whole CT loop week by week over a city's history (synthetic, exported files or NYC Open Data), per retraining policy, in a namespace of its own",
    )
    .option(
      "--source <source>",
      "synth[:SEED] (a synthetic city; the default) | dir:PATH (exported files) | socrata; the replay ingests it into its own store",
    )
    .option("--from <YYYY-MM>", "first replayed month", "2017-01")
    .option("--to <YYYY-MM>", "last replayed month", "2024-12")
    .option("--policy <name>", "weekly | drift | never | all", "all")
    .option(
      "--scenario <name>",
      `synthetic source only: injected change, ${SCENARIOS.join(" | ")}, pressure:BOROUGH:±PCT[:rampWEEKS] or reporting:FACTOR`,
      "none",
    )
    .option("--scenario-start <YYYY-MM-DD>", "when the change starts (default: two thirds into the replay)")
    .option("--seed <n>", "synthetic city seed (same as --source synth:SEED)", "1")
    .option("--scale <x>", "synthetic city scale (1 ≈ 27,000 restaurants)", "0.2")
    .option("--train-years <n>", "years of history each retrain learns from", String(DEFAULT_REPLAY_RETRAIN.trainYears))
    .option("--param <name=value>", "training parameter override (repeatable)", collect, [])
    .option("--gates <file>", "gate policy file (YAML or JSON), as for `rodent pipeline run`")
    .addOption(new Option("--gate <file>", "old name of --gates").hideHelp())
    .option("--trigger <json>", 'retrain trigger policy as JSON, e.g. \'{"consecutive":2,"cooldownDays":28}\'')
    .option("--out <dir>", "output folder (default RODENT_HOME/replay/latest)")
    .option("--json", "print one JSON document on stdout")
    .action(async (o: Record<string, string | string[] | boolean | undefined>) => {
      const { config, log } = context();
      const fromDay = month(String(o.from), "from", false);
      const toDay = month(String(o.to), "to", true);
      if (toDay <= fromDay) throw new RodentError("RODENT_ERR_INVALID_ARGUMENT", "--to: must be after --from");
      const policy = String(o.policy);
      if (policy !== "all" && !POLICIES.includes(policy as ReplayPolicy))
        throw new RodentError(
          "RODENT_ERR_INVALID_ARGUMENT",
          `--policy: expected weekly | drift | never | all, got ${policy}`,
        );
      const scenario = String(o.scenario);
      parseScenario(scenario); // names the mistake
      let seed = Number(o.seed);
      const scale = Number(o.scale);
      if (!Number.isInteger(seed) || seed < 0)
        throw new RodentError("RODENT_ERR_INVALID_ARGUMENT", `--seed: not a non-negative integer: ${o.seed}`);
      const source = o.source
        ? canonicalSource(String(o.source), { synthSeed: Number.isInteger(seed) ? seed : undefined })
        : `synth:${o.seed}`;
      const spec = parseSource(source);
      const synthetic = spec.kind === "synth";
      if (synthetic) seed = Number(source.slice("synth:".length));
      else if (scenario !== "none")
        throw new RodentError(
          "RODENT_ERR_INVALID_ARGUMENT",
          `--scenario applies to a synthetic source only (got --source ${source}): the changes in real data are whatever happened`,
        );
      if (!(scale > 0 && scale <= 10))
        throw new RodentError("RODENT_ERR_INVALID_ARGUMENT", `--scale: expected 0 < x ≤ 10, got ${o.scale}`);
      const trainYears = Number(o.trainYears);
      if (!(trainYears > 0))
        throw new RodentError("RODENT_ERR_INVALID_ARGUMENT", `--train-years: expected > 0, got ${o.trainYears}`);
      let trigger = DEFAULT_TRIGGER_POLICY;
      if (o.trigger) {
        const r = TriggerPolicySchema.safeParse(JSON.parse(String(o.trigger)));
        if (!r.success)
          throw new RodentError(
            "RODENT_ERR_INVALID_ARGUMENT",
            `--trigger: ${r.error.issues[0].path.join(".")}: ${r.error.issues[0].message}`,
          );
        trigger = r.data;
      }
      const params = parseParams({ ...REPLAY_PARAMS, ...parseAssignments(o.param as string[]) });
      const gate = loadGatePolicy((o.gates ?? o.gate) as string | undefined);
      const scenarioStart =
        (o.scenarioStart as string | undefined) ?? iso(fromDay + Math.floor(((toDay - fromDay) * 2) / 3));
      // Four years of city before the replay starts: the first champion has three years to learn from, and the
      // synthetic restaurants' written histories (which start with the city) have filled up, so history features
      // do not trend during the replay.
      const synth = synthetic
        ? { seed, scale, scenario, scenarioStart, from: iso(fromDay - 4 * 365), to: iso(toDay - 1) }
        : undefined;
      const key = synthetic
        ? `${scenario.replace(/[^\w.+-]/g, "_")}-s${seed}-x${scale}`
        : `${spec.kind}-${createHash("sha256").update(source).digest("hex").slice(0, 10)}`;
      const base = path.join(config.home, "replay", key);
      const out = path.resolve((o.out as string | undefined) ?? path.join(config.home, "replay", "latest"));
      const store = replayStore(config, base, key);
      const results: ReplayResult[] = [];
      const policies = policy === "all" ? [...POLICIES] : [policy as ReplayPolicy];
      const t0 = Date.now();
      for (const p of policies) {
        // Each policy keeps its own embedded registry (its own champion history); data and features are shared
        // within the replay's namespace. Never the main RODENT_HOME's registry or store.
        const home = path.join(base, p);
        await fs.rm(home, { recursive: true, force: true });
        const pconf = loadConfig({
          RODENT_HOME: home,
          RODENT_LOG_LEVEL: config.logLevel,
          RODENT_DATA_DIR: config.dataDir,
        });
        const ctx = await openPipelineContext(config, log, { store, trackingConfig: pconf });
        try {
          const { data, retrainer } = await prepareReplay(ctx, {
            source,
            synth,
            params,
            gate,
            ...DEFAULT_REPLAY_RETRAIN,
            trainYears,
          });
          const r = await runReplay(data, retrainer, {
            policy: p,
            fromDay,
            toDay,
            scenario: synthetic ? scenario : source,
            changeDay: synthetic && scenario !== "none" ? dayNumber(scenarioStart) : null,
            trigger,
            log,
          });
          results.push(r);
          log.info({ policy: p, ...r.summary, elapsed_s: r.elapsed_s }, "replay finished");
        } finally {
          await ctx.close();
        }
      }
      await fs.mkdir(out, { recursive: true });
      const recommendation = recommendPolicy(results);
      const meta = {
        source,
        namespace: store.uri,
        from: iso(fromDay),
        to: iso(toDay - 1),
        scenario: synthetic ? scenario : null,
        scenario_start: synthetic && scenario !== "none" ? scenarioStart : null,
        seed: synthetic ? seed : null,
        scale: synthetic ? scale : null,
        truth: results.some((r) => r.summary.mean_oracle_lift_at_10 !== null),
        params,
        trigger,
      };
      // Each file whole or not at all (temp file, then rename): a running service reads them per request, and a
      // half-written replay.json would read as a corrupt one.
      const put = async (name: string, text: string) => {
        const tmp = path.join(out, `.${name}.${process.pid}.tmp`);
        await fs.writeFile(tmp, text);
        await fs.rename(tmp, path.join(out, name));
      };
      await put("replay.csv", replayCsv(results));
      await put(
        "replay.svg",
        replayChartSvg(results, `Lift at 10% per retraining policy (${synthetic ? scenario : source})`),
      );
      await put("replay.json", JSON.stringify({ meta, recommendation, results }, null, 1));
      const doc = {
        out,
        ...meta,
        policies: Object.fromEntries(results.map((r) => [r.policy, { ...r.summary, elapsed_s: r.elapsed_s }])),
        recommendation,
        elapsed_s: Number(((Date.now() - t0) / 1000).toFixed(1)),
      };
      emit(o.json as boolean | undefined, doc, () =>
        [
          `replay of ${source} ${meta.from} .. ${meta.to}${synthetic ? `, scenario ${scenario}${meta.scenario_start ? ` from ${meta.scenario_start}` : ""}, scale ${scale}` : ""} (namespace ${store.uri})`,
          "policy   weeks retrains promoted refused drift-weeks mean-lift@10 oracle-lift@10 found/status-quo days-earlier  recovery(1-4,5-8)",
          ...results.map((r) => {
            const s = r.summary;
            const f = (x: number | null, d = 2) => (x === null ? "-" : x.toFixed(d));
            return `${r.policy.padEnd(8)} ${String(s.weeks).padStart(5)} ${String(s.retrains).padStart(8)} ${String(s.promotions).padStart(8)} ${String(s.refused).padStart(7)} ${String(s.drift_weeks).padStart(11)} ${f(s.mean_lift_at_10).padStart(12)} ${f(s.mean_oracle_lift_at_10).padStart(14)} ${`${s.found_top_k}/${s.status_quo_found}`.padStart(17)} ${f(s.days_earlier.mean, 1).padStart(12)}  ${f(s.recovery_weeks_1_4)},${f(s.recovery_weeks_5_8)}`;
          }),
          recommendation ? `recommended: ${recommendation.policy}: ${recommendation.reason}` : "",
          `wrote ${out}/replay.{json,csv,svg}`,
        ].join("\n"),
      );
    });
}
