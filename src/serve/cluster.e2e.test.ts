import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../config/index.js";
import { createObjectStore } from "../data/index.js";
import { parseGatePolicy, runPipeline } from "../pipeline/index.js";
import { openTracking, type Tracking } from "../tracking/index.js";
import { silentLogger } from "../util/log.js";
import { registryModelSource } from "./model-source.js";
import { registerArtifact } from "./test-fixtures.js";

// `rodent serve --workers 2` as its own processes on one real port: requests spread over both workers, /metrics
// sums them whichever worker answers it, hot swaps under load fail nothing and never answer from a version that
// was not champion during the request, and the canary split is the same whichever worker answers.

const ROOT = path.resolve(import.meta.dirname, "../..");
const TOKEN = "cluster-admin-token-0123456789";
const RISK = "/v1/restaurants/:camis/risk";
let home = "";
let proc: ChildProcess;
let base = "";
let tracking: Tracking;
let versions: string[] = [];
let camis: string[] = [];

beforeAll(async () => {
  home = mkdtempSync(path.join(os.tmpdir(), "rodent-cluster-e2e-"));
  const env = { RODENT_HOME: home, RODENT_LOG_LEVEL: "warn" };
  const config = loadConfig({ ...env, RODENT_DATA_DIR: path.resolve(ROOT, "../shared/data") }, ROOT);
  const result = await runPipeline({
    config,
    log: silentLogger,
    source: "synth:3",
    synth: { scale: 0.02, from: "2021-01-01", to: "2023-12-31" },
    params: { n_estimators: "20" },
    policy: parseGatePolicy({ floors: { auc: 0, lift_at_10: 0, ece: 1 } }),
  });
  expect(result.champion).not.toBeNull();
  // Two more registry versions of the same trees, so every move of the alias is to another version.
  const store = createObjectStore(config);
  tracking = await openTracking(config, store);
  const source = await registryModelSource(config, store);
  const ref = await source.resolve("rodent-risk", { alias: "champion" });
  const model = await source.load(ref!);
  versions = [ref!.version, await registerArtifact(tracking, model), await registerArtifact(tracking, model)];

  proc = spawn(
    process.execPath,
    ["--import", "tsx", "src/cli/main.ts", "serve", "--workers", "2", "--port", "0", "--json"],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        ...env,
        RODENT_ADMIN_TOKEN: TOKEN,
        RODENT_ADMIN_RATE_LIMIT: "1000",
        RODENT_POLL_SECONDS: "0",
        RODENT_CANARY_SHARE: "0.5",
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let stderr = "";
  proc.stderr?.on("data", (d) => {
    stderr = (stderr + d).slice(-4000);
  });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: proc.stdout! }).once("line", resolve);
    proc.once("exit", (code) => reject(new Error(`rodent serve exited (${code}) before listening:\n${stderr}`)));
  });
  const started = JSON.parse(line) as { url: string; workers: number; champion: string };
  expect(started.workers).toBe(2);
  expect(started.champion).toBe(versions[0]);
  base = started.url;
  const rankings = (await (await fetch(`${base}/v1/rankings?k=60`)).json()) as {
    items: { restaurant: { camis: string } }[];
  };
  camis = rankings.items.map((x) => x.restaurant.camis);
}, 300_000);

afterAll(async () => {
  if (proc && proc.exitCode === null) {
    const exited = new Promise((r) => proc.once("exit", r));
    proc.kill("SIGTERM");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
    if (proc.exitCode === null) proc.kill("SIGKILL");
  }
  await tracking?.close();
  if (home) rmSync(home, { recursive: true, force: true });
}, 30_000);

/** GET on a new connection each time, so the cluster hands requests to its workers in turn. */
function getFresh(p: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(`${base}${p}`, { agent: false }, (res) => {
        let body = "";
        res.on("data", (d) => {
          body += d;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      })
      .on("error", reject);
  });
}

const reload = async () => {
  const r = await fetch(`${base}/admin/reload`, { method: "POST", headers: { authorization: `Bearer ${TOKEN}` } });
  expect(r.status).toBe(200);
  return (await r.json()) as { champion: { version: string }; canary: { version: string | null } };
};

/** The sum of rodent_http_requests_total over the series of one route. */
function requestsOf(text: string, route: string): number {
  let sum = 0;
  for (const line of text.split("\n")) {
    if (line.startsWith("rodent_http_requests_total{") && line.includes(`route="${route}"`))
      sum += Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return sum;
}

describe("rodent serve --workers 2", () => {
  it("spreads requests over the workers and /metrics sums them, whichever worker answers the scrape", async () => {
    const before = requestsOf((await getFresh("/metrics")).body, RISK);
    const workers = new Set<string>();
    for (let k = 0; k < 40; k++) {
      const r = await getFresh(`/v1/restaurants/${camis[k % camis.length]}/risk`);
      expect(r.status).toBe(200);
      workers.add(String(r.headers["x-rodent-worker"]));
    }
    expect(workers.size).toBe(2);
    const scrapers = new Set<string>();
    for (let k = 0; k < 4; k++) {
      const m = await getFresh("/metrics");
      expect(m.status).toBe(200);
      scrapers.add(String(m.headers["x-rodent-worker"]));
      expect(requestsOf(m.body, RISK) - before).toBe(40);
      // One model info series per served version, not one per worker.
      expect(m.body).toMatch(new RegExp(`rodent_model_info\\{[^}]*version="${versions[0]}"[^}]*\\} 1\\n`));
    }
    expect(scrapers.size).toBe(2);
  });

  it("moves the champion 10 times under load: no request fails, each answer from a champion of its time", async () => {
    interface Sample {
      start: number;
      end: number;
      status: number;
      version: string | null;
      worker: string | null;
    }
    const samples: Sample[] = [];
    let running = true;
    const agent = new http.Agent({ keepAlive: true, maxSockets: 6 });
    const get = (p: string) =>
      new Promise<{ status: number; version: string | null; worker: string | null }>((resolve) => {
        http
          .get(`${base}${p}`, { agent }, (res) => {
            res.resume();
            res.on("end", () =>
              resolve({
                status: res.statusCode ?? 0,
                version: (res.headers["x-model-version"] as string) ?? null,
                worker: (res.headers["x-rodent-worker"] as string) ?? null,
              }),
            );
          })
          .on("error", () => resolve({ status: 0, version: null, worker: null }));
      });
    const loader = async (w: number) => {
      let k = 0;
      while (running) {
        const start = performance.now();
        const r = await get(`/v1/restaurants/${camis[(w * 7 + k++) % camis.length]}/risk`);
        samples.push({ start, end: performance.now(), ...r });
      }
    };
    const load = Promise.all(Array.from({ length: 6 }, (_, w) => loader(w)));
    // The service's champion over time: version v is champion from some moment of the reload that moved the alias
    // to it until some moment of the reload that moved it away (every worker swaps before the reload answers).
    const moves: { version: string; from: number; to: number }[] = [
      { version: versions[0], from: Number.NEGATIVE_INFINITY, to: Number.NEGATIVE_INFINITY },
    ];
    await new Promise((r) => setTimeout(r, 200));
    for (let s = 1; s <= 10; s++) {
      const target = versions[s % versions.length];
      await tracking.registry.setAlias("rodent-risk", "champion", target);
      const from = performance.now();
      const report = await reload();
      moves.push({ version: target, from, to: performance.now() });
      expect(report.champion.version).toBe(target);
      await new Promise((r) => setTimeout(r, 100));
    }
    running = false;
    await load;
    agent.destroy();

    expect(samples.length).toBeGreaterThan(200);
    expect(samples.filter((x) => x.status !== 200)).toEqual([]);
    expect(new Set(samples.map((x) => x.worker)).size).toBe(2);
    // Version of move k may answer a request that ends after move k began and starts before move k+1 ended.
    const wrong = samples.filter((x) => {
      return !moves.some((m, k) => {
        const next = moves[k + 1];
        return m.version === x.version && x.end >= m.from && (!next || x.start <= next.to);
      });
    });
    expect(wrong).toEqual([]);
    // After a reload answers, every worker serves its version: no answer from the previous one starts later.
    for (let k = 1; k < moves.length; k++) {
      const stale = samples.filter(
        (x) =>
          x.start > moves[k].to &&
          (k + 1 >= moves.length || x.end < moves[k + 1].from) &&
          x.version !== moves[k].version,
      );
      expect(stale).toEqual([]);
    }
    expect(new Set(samples.map((x) => x.version)).size).toBe(3);
  }, 120_000);

  it("splits the canary by restaurant the same way in every worker", async () => {
    await tracking.registry.setAlias("rodent-risk", "champion", versions[0]);
    await tracking.registry.setAlias("rodent-risk", "canary", versions[1]);
    const report = await reload();
    expect(report.canary.version).toBe(versions[1]);
    const seen = new Map<string, Set<string>>();
    const byWorker = new Map<string, Set<string>>();
    for (let round = 0; round < 4; round++) {
      // An odd count: the cluster hands new connections to the workers in turn, so each restaurant meets both.
      for (const c of camis.slice(0, 31)) {
        const r = await getFresh(`/v1/restaurants/${c}/risk`);
        expect(r.status).toBe(200);
        const v = `${r.headers["x-model-role"]}:${r.headers["x-model-version"]}`;
        const worker = String(r.headers["x-rodent-worker"]);
        (seen.get(c) ?? seen.set(c, new Set()).get(c)!).add(v);
        (byWorker.get(c) ?? byWorker.set(c, new Set()).get(c)!).add(worker);
      }
    }
    // Each restaurant always on one side, though answered by both workers.
    for (const [c, vs] of seen) expect([c, [...vs]]).toEqual([c, [[...vs][0]]]);
    expect([...byWorker.values()].filter((w) => w.size === 2).length).toBeGreaterThan(10);
    const sides = new Set([...seen.values()].map((vs) => [...vs][0]));
    expect(sides).toEqual(new Set([`champion:${versions[0]}`, `canary:${versions[1]}`]));
  }, 60_000);
});
