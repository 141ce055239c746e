// Benchmark: our service vs two Python stacks serving the same model, feature table and contract: the tuned one
// (bench/python/serve_fast.py: bare ASGI on uvicorn + uvloop + httptools, msgspec, the city answered at load) and
// the plain one (bench/python/serve_ref.py: FastAPI + pydantic). Loopback, the same fixed concurrency
// (autocannon), stacks interleaved within each run so load from elsewhere falls on all alike. Prints req/s,
// p50/p99 and the ratios ours / each reference for single-restaurant lookups and 100-row batches (medians of RUNS
// runs), each server's CPU time per request (from /proc, its whole process tree), a 1-connection lookup p50, the
// machine's load, and the time to rank the whole city.
// Usage: npx tsx bench/serve.ts [--runs 3] [--seconds 10] [--connections 16] [--n 27000] [--workers 1]
// --workers N runs ours as `--workers N` (node:cluster) and the tuned Python with N uvicorn workers; the plain
// FastAPI row is measured with 1 process only. Needs `bash scripts/tools.sh pyfast` (uvloop, httptools, msgspec).
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { loadConfig } from "../src/config/index.js";
import { createObjectStore } from "../src/data/index.js";
import { FEATURE_SCHEMA } from "../src/features/index.js";
import { toXGBoostJSONText } from "../src/model/index.js";
import { restaurantOf } from "../src/serve/routes/answer.js";
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
    workers: { type: "string", default: "1" },
  },
});
const RUNS = Number(args.runs);
const SECONDS = Number(args.seconds);
const CONNECTIONS = Number(args.connections);
const N = Number(args.n);
const WORKERS = Number(args.workers);
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
    // Everything a lookup shows, so the Python stacks answer the same body as ours.
    const city0 = servingCity("bench", set);
    const restaurants = set.camis.map((_, i) => restaurantOf(city0, i));
    writeFileSync(
      path.join(dir, "table.json"),
      JSON.stringify({
        version,
        features: names,
        feature_schema: FEATURE_SCHEMA.version,
        features_date: set.asOf,
        snapshot: "bench",
        camis: set.camis,
        restaurants,
        rows,
      }),
    );

    // 2. Whole-city ranking, in process: score every active restaurant, sort, split by borough.
    const city = city0;
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

    // 3. The services: ours and the tuned Python with WORKERS processes, the plain FastAPI with one.
    const stacks: { name: string; base: string; pid: number }[] = [];
    const add = async (name: string, cmd: string, argv: (port: number) => string[]) =>
      stacks.push({ name, ...(await start(procs, name, cmd, argv)) });
    await add("ours", process.execPath, (port) => [
      "--import",
      "tsx",
      "bench/serve-server.ts",
      dir,
      String(port),
      String(N),
      String(SEED),
      String(WORKERS),
    ]);
    await add("py-tuned", path.join(VENV, "python"), (port) => [
      "bench/python/serve_fast.py",
      dir,
      String(port),
      String(WORKERS),
    ]);
    if (WORKERS === 1)
      await add("fastapi", path.join(VENV, "python"), (port) => ["bench/python/serve_ref.py", dir, String(port)]);
    const batchBody = JSON.stringify({
      rows: Array.from({ length: 100 }, (_, k) => Object.fromEntries(names.map((nm, j) => [nm, rows[k * 7][j]]))),
    });
    // Sanity: every stack answers the same probabilities for the same rows, and the same lookup.
    const probs = await Promise.all(
      stacks.map(async ({ base }) => {
        const r = await fetch(`${base}/v1/predict`, {
          method: "POST",
          body: batchBody,
          headers: { "content-type": "application/json" },
        });
        if (!r.ok) throw new Error(`${base}: predict ${r.status} ${await r.text()}`);
        return ((await r.json()) as { predictions: { probability: number }[] }).predictions.map((p) => p.probability);
      }),
    );
    const maxDiff = Math.max(...probs.slice(1).flatMap((pr) => probs[0].map((p, i) => Math.abs(p - pr[i]))));
    const lookupSizes: Record<string, number> = {};
    for (const { name, base } of stacks) {
      const r = await fetch(`${base}/v1/restaurants/${set.camis[0]}/risk`);
      const body = (await r.json()) as { probability: number; rank: number };
      if (!r.ok || Math.abs(body.probability - served.scores[0]) > 1e-6 || body.rank === undefined)
        throw new Error(`${name}: lookup disagrees: ${JSON.stringify(body)}`);
      lookupSizes[name] = Number(r.headers.get("content-length"));
    }
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
    // Warm every stack (JIT, caches) before measuring.
    for (const { base } of stacks) {
      for (const w of Object.values(workloads)) await cannon({ ...w(base), duration: 3 });
    }
    type Slot = { rps: number[]; p50: number[]; p99: number[]; cpu: number[]; bad: number };
    const results: Record<string, Record<string, Slot>> = {};
    const single: Record<string, number[]> = {};
    const loadBefore = os.loadavg();
    const busy0 = machineBusy();
    const t0Run = performance.now();
    for (let run = 0; run < RUNS; run++) {
      for (const [wname, w] of Object.entries(workloads)) {
        for (const { name, base, pid } of stacks) {
          const cpu0 = cpuTree(pid);
          const r = await cannon({ ...w(base), duration: SECONDS });
          const cpuUs = ((cpuTree(pid) - cpu0) / r.requests.total) * 1e6;
          results[wname] ??= {};
          results[wname][name] ??= { rps: [], p50: [], p99: [], cpu: [], bad: 0 };
          const slot = results[wname][name];
          slot.rps.push(r.requests.average);
          slot.cpu.push(cpuUs);
          slot.p50.push(r.latency.p50);
          slot.p99.push(r.latency.p99);
          slot.bad += r.non2xx + r.errors + r.timeouts;
          console.error(
            `run ${run + 1} ${wname} ${name}: ${r.requests.average.toFixed(0)} req/s p50 ${r.latency.p50} ms p99 ${r.latency.p99} ms, server CPU ${cpuUs.toFixed(1)} µs/request`,
          );
        }
      }
      // One connection, one request at a time: the latency floor (autocannon's p50 has 1 ms resolution, so
      // these are timed here, in µs, over sequential keep-alive requests).
      for (const { name, base } of stacks) {
        single[name] ??= [];
        single[name].push(await sequentialP50(`${base}/v1/restaurants/`, set.camis, 2000));
      }
    }
    const busy = machineBusy(busy0);
    const benchSeconds = (performance.now() - t0Run) / 1000;
    const rankLat = await cannon({ url: `${stacks[0].base}/v1/rankings?k=100`, duration: 3, connections: 1 });

    const table: Record<string, Record<string, unknown>> = {};
    const m = (x: Slot) => ({
      rps: Math.round(median(x.rps)),
      p50_ms: median(x.p50),
      p99_ms: median(x.p99),
      cpu_us_per_request: Math.round(median(x.cpu) * 10) / 10,
      failed: x.bad,
    });
    for (const [wname, byStack] of Object.entries(results)) {
      const o = byStack.ours;
      table[wname] = {};
      for (const [name, x] of Object.entries(byStack)) {
        table[wname][name] = m(x);
        if (name === "ours") continue;
        table[wname][`ours_vs_${name}`] = {
          throughput: median(o.rps) / median(x.rps),
          p99: median(o.p99) / median(x.p99),
          // Server CPU per request, reference / ours: what the throughput ratio tends to on an idle machine.
          cpu: median(x.cpu) / median(o.cpu),
        };
      }
    }
    const singleP50 = Object.fromEntries(Object.entries(single).map(([k, v]) => [k, median(v)]));
    const out = {
      restaurants: N,
      trees: model.trees.length,
      workers: WORKERS,
      connections: CONNECTIONS,
      seconds: SECONDS,
      runs: RUNS,
      cores: os.availableParallelism(),
      max_probability_diff_vs_ours: maxDiff,
      lookup_body_bytes: lookupSizes,
      machine: {
        load_average_1m: { before: loadBefore[0], after: os.loadavg()[0] },
        // Share of all cores busy during the measured runs, ours and the references included: the rest of the
        // machine's load is this minus what the servers and autocannon used.
        busy_fraction: busy,
        seconds: benchSeconds,
      },
      ...table,
      lookup_1_connection_p50_us: singleP50,
      city_rank_ms: {
        score_and_sort_median: median(rankTimes),
        score_only_median: median(scoreTimes),
        at_load: served.rankMs,
      },
      rankings_k100_http_ms: { p50: rankLat.latency.p50, p99: rankLat.latency.p99 },
    };
    console.log(JSON.stringify(out, null, 2));
    for (const [wname, byStack] of Object.entries(results)) {
      const o = byStack.ours;
      for (const [name, x] of Object.entries(byStack)) {
        const r = m(x);
        const vs =
          name === "ours"
            ? ""
            : ` | ours ×${(median(o.rps) / median(x.rps)).toFixed(2)} throughput, p99 ×${(median(o.p99) / median(x.p99)).toFixed(2)}, CPU ×${(median(x.cpu) / median(o.cpu)).toFixed(2)}`;
        console.log(
          `${wname.padEnd(8)} ${name.padEnd(9)} ${String(r.rps).padStart(6)} req/s p50 ${r.p50_ms} ms p99 ${r.p99_ms} ms CPU ${r.cpu_us_per_request} µs/req${vs}`,
        );
      }
    }
    console.log(
      `1-connection lookup p50: ${Object.entries(singleP50)
        .map(([k, v]) => `${k} ${v.toFixed(0)} µs`)
        .join(", ")}`,
    );
    console.log(
      `machine: ${os.availableParallelism()} cores, ${(busy * 100).toFixed(0)} % busy during the runs, load ${loadBefore[0].toFixed(2)} → ${os.loadavg()[0].toFixed(2)}`,
    );
    console.log(
      `whole city (${N}) scored + ranked in ${median(rankTimes).toFixed(1)} ms; GET /v1/rankings?k=100 p50 ${rankLat.latency.p50} ms p99 ${rankLat.latency.p99} ms`,
    );
  } finally {
    for (const p of procs) if (p.exitCode === null) p.kill("SIGTERM");
    rmSync(dir, { recursive: true, force: true });
  }
}

/** CPU seconds (user + system, all threads) a process and its descendants have used so far; NaN without /proc. */
function cpuTree(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    let s = (Number(f[11]) + Number(f[12])) / CLK_TCK;
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      for (const c of readFileSync(`/proc/${pid}/task/${tid}/children`, "utf8").split(" ").filter(Boolean))
        s += cpuTree(Number(c));
    }
    return s;
  } catch {
    return Number.NaN;
  }
}

/** /proc/stat's busy share of all cores since `since` (or the counters, to pass back later). */
function machineBusy(): number[];
function machineBusy(since: number[]): number;
function machineBusy(since?: number[]): number | number[] {
  const f = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
  const idle = f[3] + f[4];
  const total = f.reduce((a, b) => a + b, 0);
  if (!since) return [idle, total];
  return 1 - (idle - since[0]) / (total - since[1]);
}

/** Median latency (µs) of `count` sequential lookups over one keep-alive connection. */
async function sequentialP50(prefix: string, camis: readonly string[], count: number): Promise<number> {
  const { Agent, request } = await import("node:http");
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const times: number[] = [];
  try {
    for (let k = 0; k < count; k++) {
      const url = `${prefix}${camis[(k * 7919) % camis.length]}/risk`;
      const t = process.hrtime.bigint();
      await new Promise<void>((resolve, reject) => {
        request(url, { agent }, (res) => {
          res.on("data", () => {});
          res.on("end", resolve);
        })
          .on("error", reject)
          .end();
      });
      times.push(Number(process.hrtime.bigint() - t) / 1000);
    }
  } finally {
    agent.destroy();
  }
  return median(times.slice(100));
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
  for (let i = 0; i < 1500; i++) {
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
