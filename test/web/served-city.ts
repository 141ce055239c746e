// A pipeline-trained small synthetic city served by the real `rodent serve` process on a real port, for the
// browser tests. Everything lives in a temp RODENT_HOME removed afterwards.
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { loadConfig } from "../../src/config/index.js";
import {
  parseGatePolicy,
  type ReplayResult,
  replayChartSvg,
  runPipeline,
  type WeekRecord,
} from "../../src/pipeline/index.js";
import { silentLogger } from "../../src/util/log.js";

export const ROOT = path.resolve(import.meta.dirname, "../..");

/** Bearer token of the served city's admin routes (POST /admin/reload). */
export const ADMIN_TOKEN = "web-test-admin-token-0123456789";

export interface ServedCity {
  base: string;
  home: string;
  proc: ChildProcess;
  stop(): Promise<void>;
}

/** A replay result in the shape `rodent replay` writes, so the Health view has a chart to show. */
function replayFixture(): ReplayResult[] {
  return (["weekly", "drift"] as const).map((policy, p) => {
    const weeks: WeekRecord[] = Array.from({ length: 30 }, (_, i) => {
      const lift = 2.4 + 0.3 * Math.sin(i / 3) - (i >= 15 && i < 18 + p * 4 ? 0.9 : 0);
      return {
        week: new Date(Date.UTC(2023, 0, 2 + 7 * i)).toISOString().slice(0, 10),
        n: 120,
        positives: 14,
        champion: String(1 + (i >= 18 ? 1 : 0)),
        auc: 0.7,
        precision_at_10: 0.3,
        lift_at_10: lift,
        found_top_k: 4,
        status_quo_found: 1,
        oracle_lift_at_10: 3,
        lift_at_10_4w: lift,
        oracle_lift_at_10_4w: 3,
        drifted_features: i === 16 ? ["rats_30d_010"] : [],
        score_drift: false,
        source_drift: [],
        performance_drop: false,
        signals: i === 16 ? ["feature:rats_30d_010"] : [],
        counted: i === 16 ? ["feature:rats_30d_010"] : [],
        verdict: i === 16 ? ("act" as const) : ("ok" as const),
        trigger: i === 17 ? "drift" : "",
        retrain: i === 17,
        promoted: i === 17 ? "2" : null,
        refused: null,
      };
    });
    return {
      policy,
      scenario: "sanitation-program",
      change_date: "2023-04-17",
      weeks,
      summary: {
        weeks: weeks.length,
        retrains: 1,
        promotions: 1,
        refused: 0,
        drift_weeks: 1,
        mean_lift_at_10: 2.3,
        mean_oracle_lift_at_10: 3,
        found_top_k: 120,
        status_quo_found: 30,
        days_earlier: {
          block_weeks: 8,
          positives: 420,
          mean: 6.2,
          median: 5,
          sd: 14.1,
          later: 120,
          first_half_share: 0.68,
        },
        weeks_to_first_drift: 1,
        retrains_after_change: 1,
        recovery_weeks_1_4: 0.8,
        recovery_weeks_5_8: 0.95,
      },
      elapsed_s: 1,
    };
  });
}

export async function startServedCity(): Promise<ServedCity> {
  const home = mkdtempSync(path.join(os.tmpdir(), "rodent-web-"));
  const env = { RODENT_HOME: home, RODENT_LOG_LEVEL: "warn" };
  const config = loadConfig({ ...env, RODENT_DATA_DIR: path.resolve(ROOT, "../shared/data") }, ROOT);
  // Two runs: version 1 becomes champion, then version 2 (other params) replaces it, so the history shows a
  // promotion. The gate is the pipeline's to test; here any trained model may serve.
  const policy = parseGatePolicy({ floors: { auc: 0, lift_at_10: 0, ece: 1 } });
  const synth = { scale: 0.03, from: "2022-01-01", to: "2023-12-31" };
  await runPipeline({ config, log: silentLogger, source: "synth:5", synth, params: { n_estimators: "30" }, policy });
  await runPipeline({
    config,
    log: silentLogger,
    source: "synth:5",
    synth,
    params: { n_estimators: "40", max_depth: "4" },
    policy: parseGatePolicy({
      floors: { auc: 0, lift_at_10: 0, ece: 1 },
      tolerance: { auc: 1, borough_auc: 1, lift_at_10: 100, ece: 1 },
    }),
    force: true,
  });
  const latest = path.join(home, "replay", "latest");
  mkdirSync(latest, { recursive: true });
  const results = replayFixture();
  writeFileSync(path.join(latest, "replay.json"), JSON.stringify(results));
  writeFileSync(path.join(latest, "replay.svg"), replayChartSvg(results));

  const proc = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", "serve", "--port", "0", "--json"], {
    cwd: ROOT,
    env: { ...process.env, ...env, RODENT_POLL_SECONDS: "0", RODENT_ADMIN_TOKEN: ADMIN_TOKEN },
    stdio: ["ignore", "pipe", "pipe"],
  });
  // The service's log goes to test-output/ for a reviewer (and to the error below if it dies early).
  mkdirSync(path.join(ROOT, "test-output"), { recursive: true });
  const logFile = createWriteStream(path.join(ROOT, "test-output", "web-serve.log"));
  let stderr = "";
  proc.stderr?.on("data", (d) => {
    logFile.write(d);
    stderr = (stderr + d).slice(-4000);
  });
  const line = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: proc.stdout! });
    rl.once("line", resolve);
    proc.once("exit", (code) => reject(new Error(`rodent serve exited (${code}) before listening:\n${stderr}`)));
  });
  const base = String(JSON.parse(line).url);
  return {
    base,
    home,
    proc,
    async stop() {
      if (proc.exitCode === null) {
        const exited = new Promise((r) => proc.once("exit", r));
        proc.kill("SIGTERM");
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        if (proc.exitCode === null) proc.kill("SIGKILL");
      }
      rmSync(home, { recursive: true, force: true });
    },
  };
}
