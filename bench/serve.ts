// Benchmark: our service vs the FastAPI + uvicorn (1 worker) + XGBoost reference, same model, same feature
// table, one process each, loopback, the same fixed concurrency (autocannon). Prints req/s, p50/p99 and the
// ratios for single-restaurant lookups and 100-row batch predictions (medians of RUNS runs), each server's CPU time
// per request (from /proc, so the comparison holds up when other work shares the machine), and the time to rank
// the whole city. Usage: npx tsx bench/serve.ts [--runs 3] [--seconds 10] [--connections 16] [--n 27000]
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { loadConfig } from "../src/config/index.js";
import { createObjectStore } from "../src/data/index.js";
import { FEATURE_SCHEMA } from "../src/features/index.js";
import { toXGBoostJSONText } from "../src/model/index.js";
import { prepareServedModel, rankRows, scoreInChunks, servingCity } from "../src/serve/served-model.js";
import { registerArtifact, syntheticServingSet, trainTinyModel } from "../src/serve/test-fixtures.js";
import { openTracking } from "../src/tracking/index.js";
import { PYFUNC_MODULE, PYFUNC_SOURCE } from "../src/tracking/mlflow-pyfunc.js";

const { values: args } = parseArgs({
  options: {
    runs: { type: "string", default: "3" },
    seconds: { type: "string", default: "10" },
    connections: { type: "string", default: "16" },
    n: { type: "string", default: "27000" },
    trees: { type: "string", default: "200" },
  },
});
const RUNS = Number(args.runs);
const SECONDS = Number(args.seconds);
const CONNECTIONS = Number(args.connections);
const N = Number(args.n);
const SEED = 11;
const ROOT = path.resolve(import.meta.dirname, "..");
const VENV = process.env.RODENT_TEST_VENV_BIN ?? path.join(os.homedir(), ".cache", "rodent-risk", "venv", "bin");
const CLK_TCK = 100; // Linux's USER_HZ, the unit of utime/stime in /proc/PID/stat
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const dir = mkdtempSync(path.join(os.tmpdir(), "rodent-bench-serve-"));
  const procs: ChildProcess[] = [];
  try {
    // 1. One model, one table, for both stacks.
    const t0 = performance.now();
    const model = await trainTinyModel(SEED, { rows: 20000, trees: Number(args.trees), depth: 6 });
    console.error(`trained ${model.trees.length} trees in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const set = syntheticServingSet(N, SEED);
    const config = loadConfig({ RODENT_HOME: dir, RODENT_LOG_LEVEL: "warn" });
    const tracking = await openTracking(config, createObjectStore(config));
    const version = await registerArtifact(tracking, model, { alias: "champion" });
    await tracking.close();
    const names = FEATURE_SCHEMA.features.map((f) => f.name);
    const rows = Array.from({ length: N }, (_, i) => set.table.columns.map((c) => (Number.isNaN(c[i]) ? null : c[i])));
    writeFileSync(path.join(dir, "model.json"), toXGBoostJSONText(model));
    writeFileSync(path.join(dir, "calibration.json"), JSON.stringify(model.calibration));
    writeFileSync(path.join(dir, `${PYFUNC_MODULE}.py`), PYFUNC_SOURCE);
    writeFileSync(path.join(dir, "table.json"), JSON.stringify({ version, features: names, camis: set.camis, rows }));

    // 2. Whole-city ranking, in process: score every active restaurant, sort, split by borough.
    const city = servingCity("bench", set);
    const rankTimes: number[] = [];
    const scoreTimes: number[] = [];
    for (let r = 0; r < 5; r++) {
      const a = performance.now();
      const { margins } = await scoreInChunks(model, set.table);
      const b = performance.now();
      rankRows(margins);
      rankTimes.push(performance.now() - a);
      scoreTimes.push(b - a);
    }
    const served = await prepareServedModel(
      model,
      { name: "rodent-risk", version, alias: "champion", runId: "", artifactPath: "", tags: {}, createdAt: "" },
      "champion",
      city,
    );

    // 3. Both services, one process each.
    const oursProc = await start(procs, "ours", process.execPath, (port) => [
      "--import",
      "tsx",
      "bench/serve-server.ts",
      dir,
      String(port),
      String(N),
      String(SEED),
    ]);
    const refProc = await start(procs, "fastapi", path.join(VENV, "python"), (port) => [
      "bench/python/serve_ref.py",
      dir,
      String(port),
    ]);

    const ours = oursProc.base;
    const ref = refProc.base;
    const pidOf: Record<string, number> = { [ours]: oursProc.pid, [ref]: refProc.pid };
    const batchBody = JSON.stringify({
      rows: Array.from({ length: 100 }, (_, k) => Object.fromEntries(names.map((nm, j) => [nm, rows[k * 7][j]]))),
    });
    // Sanity: both answer the same probabilities for the same rows.
    const [po, pr] = await Promise.all(
      [ours, ref].map(async (u) => {
        const r = await fetch(`${u}/v1/predict`, {
          method: "POST",
          body: batchBody,
          headers: { "content-type": "application/json" },
        });
        if (!r.ok) throw new Error(`${u}: predict ${r.status} ${await r.text()}`);
        return ((await r.json()) as { predictions: { probability: number }[] }).predictions.map((p) => p.probability);
      }),
    );
    const maxDiff = Math.max(...po.map((p, i) => Math.abs(p - pr[i])));

    const workloads = {
      lookup: (base: string): autocannon.Options => ({
        url: base,
        requests: [
          {
            method: "GET",
            setupRequest: (req) => ({
              ...req,
              path: `/v1/restaurants/${set.camis[Math.floor(Math.random() * N)]}/risk`,
            }),
          },
        ],
      }),
      batch100: (base: string): autocannon.Options => ({
        url: `${base}/v1/predict`,
        method: "POST",
        body: batchBody,
        headers: { "content-type": "application/json" },
      }),
    };
    // Warm both (JIT, reasons caches) before measuring.
    for (const base of [ours, ref]) {
      for (const w of Object.values(workloads)) await cannon({ ...w(base), duration: 3 });
    }
    const results: Record<
      string,
      Record<string, { rps: number[]; p50: number[]; p99: number[]; cpu: number[]; bad: number }>
    > = {};
    const loadBefore = os.loadavg();
    for (let run = 0; run < RUNS; run++) {
      for (const [wname, w] of Object.entries(workloads)) {
        for (const [sname, base] of [
          ["ours", ours],
          ["fastapi", ref],
        ] as const) {
          const cpu0 = cpuSeconds(pidOf[base]);
          const r = await cannon({ ...w(base), duration: SECONDS });
          const cpuUs = ((cpuSeconds(pidOf[base]) - cpu0) / r.requests.total) * 1e6;
          results[wname] ??= {};
          results[wname][sname] ??= { rps: [], p50: [], p99: [], cpu: [], bad: 0 };
          const slot = results[wname][sname];
          slot.rps.push(r.requests.average);
          slot.cpu.push(cpuUs);
          slot.p50.push(r.latency.p50);
          slot.p99.push(r.latency.p99);
          slot.bad += r.non2xx + r.errors + r.timeouts;
          console.error(
            `run ${run + 1} ${wname} ${sname}: ${r.requests.average.toFixed(0)} req/s p50 ${r.latency.p50} ms p99 ${r.latency.p99} ms, server CPU ${cpuUs.toFixed(0)} µs/request`,
          );
        }
      }
    }
    const rankLat = await cannon({ url: `${ours}/v1/rankings?k=100`, duration: 3, connections: 1 });

    const table: Record<string, unknown> = {};
    for (const [wname, byStack] of Object.entries(results)) {
      const o = byStack.ours;
      const f = byStack.fastapi;
      const m = (s: typeof o) => ({
        rps: median(s.rps),
        p50_ms: median(s.p50),
        p99_ms: median(s.p99),
        cpu_us_per_request: Math.round(median(s.cpu)),
        failed: s.bad,
      });
      table[wname] = {
        ours: m(o),
        fastapi: m(f),
        throughput_ratio: median(o.rps) / median(f.rps),
        p99_ratio: median(o.p99) / median(f.p99),
        // Server CPU time per request, reference / ours: what the throughput ratio tends to on an idle machine
        // (each stack then has a core to itself), and much less sensitive to other load while measuring.
        cpu_ratio: median(f.cpu) / median(o.cpu),
      };
    }
    const out = {
      restaurants: N,
      trees: model.trees.length,
      connections: CONNECTIONS,
      seconds: SECONDS,
      runs: RUNS,
      max_probability_diff_ours_vs_xgboost: maxDiff,
      load_average_1m: { before: loadBefore[0], after: os.loadavg()[0] },
      ...table,
      city_rank_ms: {
        score_and_sort_median: median(rankTimes),
        score_only_median: median(scoreTimes),
        at_load: served.rankMs,
      },
      rankings_k100_http_ms: { p50: rankLat.latency.p50, p99: rankLat.latency.p99 },
    };
    console.log(JSON.stringify(out, null, 2));
    for (const [wname, t] of Object.entries(table) as [
      string,
      {
        ours: { rps: number; p50_ms: number; p99_ms: number; cpu_us_per_request: number };
        fastapi: { rps: number; p50_ms: number; p99_ms: number; cpu_us_per_request: number };
        throughput_ratio: number;
        p99_ratio: number;
        cpu_ratio: number;
      },
    ][]) {
      console.log(
        `${wname.padEnd(8)} ours ${t.ours.rps.toFixed(0).padStart(7)} req/s p50 ${t.ours.p50_ms} ms p99 ${t.ours.p99_ms} ms | fastapi ${t.fastapi.rps.toFixed(0).padStart(6)} req/s p50 ${t.fastapi.p50_ms} ms p99 ${t.fastapi.p99_ms} ms | ×${t.throughput_ratio.toFixed(1)} throughput, p99 ×${t.p99_ratio.toFixed(3)}, CPU/request ${t.ours.cpu_us_per_request} vs ${t.fastapi.cpu_us_per_request} µs (×${t.cpu_ratio.toFixed(1)})`,
      );
    }
    console.log(
      `whole city (${N}) scored + ranked in ${median(rankTimes).toFixed(1)} ms; GET /v1/rankings?k=100 p50 ${rankLat.latency.p50} ms p99 ${rankLat.latency.p99} ms`,
    );
  } finally {
    for (const p of procs) if (p.exitCode === null) p.kill("SIGTERM");
    rmSync(dir, { recursive: true, force: true });
  }
}

/** CPU seconds (user + system, all threads) a process has used so far; NaN where /proc is missing. */
function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(f[11]) + Number(f[12])) / CLK_TCK;
  } catch {
    return Number.NaN;
  }
}

function cannon(opts: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon({ connections: CONNECTIONS, ...opts }, (err, res) => (err ? reject(err) : resolve(res)));
  });
}

/** Start a server process on a free port; resolve its base URL once it answers /health/ready. */
async function start(
  procs: ChildProcess[],
  name: string,
  cmd: string,
  argv: (port: number) => string[],
): Promise<{ base: string; pid: number }> {
  const port = await freePort();
  const p = spawn(cmd, argv(port), {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "inherit"],
  });
  procs.push(p);
  createInterface({ input: p.stdout! }).on("line", () => {});
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 600; i++) {
    if (p.exitCode !== null) throw new Error(`${name} exited with ${p.exitCode}`);
    try {
      if ((await fetch(`${base}/health/ready`)).ok) return { base, pid: p.pid! };
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${name} did not become ready`);
}

async function freePort(): Promise<number> {
  const net = await import("node:net");
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

await main();
