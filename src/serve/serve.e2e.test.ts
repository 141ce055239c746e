import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../config/index.js";
import { parseGatePolicy, runPipeline } from "../pipeline/index.js";
import { silentLogger } from "../util/log.js";

// End to end: the pipeline trains and promotes a model on a small synthetic city; `rodent serve` runs as its
// own process on a real port; every endpoint and the bad inputs are checked over HTTP; SIGTERM drains.

const ROOT = path.resolve(import.meta.dirname, "../..");
const TOKEN = "e2e-admin-token-0123456789";
let home = "";
let proc: ChildProcess;
let base = "";
let started: Record<string, unknown> = {};

beforeAll(async () => {
  home = mkdtempSync(path.join(os.tmpdir(), "rodent-serve-e2e-"));
  const env = { RODENT_HOME: home, RODENT_LOG_LEVEL: "warn" };
  const config = loadConfig({ ...env, RODENT_DATA_DIR: path.resolve(ROOT, "../shared/data") }, ROOT);
  const result = await runPipeline({
    config,
    log: silentLogger,
    source: "synth:3",
    synth: { scale: 0.02, from: "2021-01-01", to: "2023-12-31" },
    params: { n_estimators: "30" },
    // The gate is the pipeline's to test; here any trained model may serve.
    policy: parseGatePolicy({ floors: { auc: 0, lift_at_10: 0, ece: 1 } }),
  });
  expect(result.champion).not.toBeNull();

  proc = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", "serve", "--port", "0", "--json"], {
    cwd: ROOT,
    env: { ...process.env, ...env, RODENT_ADMIN_TOKEN: TOKEN, RODENT_POLL_SECONDS: "0" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  proc.stderr?.on("data", (d) => {
    stderr = (stderr + d).slice(-4000);
  });
  const line = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: proc.stdout! });
    rl.once("line", resolve);
    proc.once("exit", (code) => reject(new Error(`rodent serve exited (${code}) before listening:\n${stderr}`)));
  });
  started = JSON.parse(line);
  base = String(started.url);
}, 240_000);

afterAll(async () => {
  if (proc && proc.exitCode === null) proc.kill("SIGKILL");
  if (home) rmSync(home, { recursive: true, force: true });
});

// biome-ignore lint/suspicious/noExplicitAny: the test reads loose JSON documents
type Json = any;
const get = (p: string) => fetch(`${base}${p}`);
/**
 * POST with node:http. The server may answer 413 and close before the body is written; the client then sees
 * the 413 or, if its write fails first, only a closed socket (status 0).
 */
function rawPost(p: string, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    const req = http.request(`${base}${p}`, { method: "POST", headers: { "content-type": "application/json" } });
    let answered = false;
    req.on("response", (res) => {
      answered = true;
      let text = "";
      res.on("data", (d) => {
        text += d;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
      res.on("error", () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on("error", () => {
      if (!answered) resolve({ status: 0, body: "" });
    });
    req.end(body);
  });
}
const json = async (r: Response | Promise<Response>): Promise<Json> => (await r).json();
const post = (p: string, body: string, headers: Record<string, string> = {}) =>
  fetch(`${base}${p}`, { method: "POST", body, headers: { "content-type": "application/json", ...headers } });

describe("rodent serve on a pipeline-trained model", () => {
  it("prints where to look and is ready", async () => {
    expect(started).toMatchObject({ ready: true, champion: "1", docs: `${base}/docs` });
    expect(String(started.sample)).toMatch(/^curl -s '.+\/v1\/restaurants\/\w+\/risk'$/);
    expect((await get("/health/live")).status).toBe(200);
    expect(await json(get("/health/ready"))).toMatchObject({ status: "ready", champion: "1" });
  });

  it("answers every endpoint", async () => {
    const rank = await json(get("/v1/rankings?k=10"));
    expect(rank.items.length).toBe(10);
    expect(rank.model.version).toBe("1");
    const camis = rank.items[0].restaurant.camis;
    const risk = await get(`/v1/restaurants/${camis}/risk`);
    expect(risk.headers.get("x-model-version")).toBe("1");
    const r: Json = await risk.json();
    expect(r.probability).toBe(rank.items[0].probability);
    expect(r.rank).toBe(1);
    expect(r.reasons.length).toBeGreaterThan(0);
    const model = await json(get("/v1/model"));
    expect(model.champion.tags["rodent.snapshot_id"]).toBe(model.serving.snapshot);
    const names: string[] = model.feature_schema.features.map((f: { name: string }) => f.name);
    const row = Object.fromEntries(names.map((n) => [n, null]));
    const pred = await post("/v1/predict", JSON.stringify({ rows: [row, row] }));
    expect(pred.status).toBe(200);
    expect((await json(pred)).predictions.length).toBe(2);
    const byBorough = await json(get("/v1/rankings?k=3&borough=brooklyn"));
    expect(byBorough.items.every((i: { restaurant: { borough: string } }) => i.restaurant.borough === "Brooklyn")).toBe(
      true,
    );
    expect((await get("/openapi.json")).status).toBe(200);
    expect((await get("/docs")).status).toBe(200);
    const metrics = await (await get("/metrics")).text();
    expect(metrics).toContain('rodent_model_info{version="1",alias="champion",role="champion"');
    const reload = await fetch(`${base}/admin/reload`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect((await json(reload)).champion).toEqual({ status: "unchanged", version: "1" });
  });

  it("answers bad input with 4xx and the field, never 5xx", async () => {
    const model = await json(get("/v1/model"));
    const names: string[] = model.feature_schema.features.map((f: { name: string }) => f.name);
    const row = Object.fromEntries(names.map((n) => [n, 1]));
    // One at a time: a client still writing an oversized body may see EPIPE if requests share a socket.
    const cases: [() => Promise<Response>, number, string][] = [
      [() => post("/v1/predict", "{oops"), 400, "body"],
      [
        () => post("/v1/predict", JSON.stringify({ rows: [{ ...row, [names[0]]: "NaN" }] })),
        400,
        `body/rows/0/${names[0]}`,
      ],
      [() => post("/v1/predict", JSON.stringify({ rows: [{ ...row, extra: 1 }] })), 400, "body/rows/0/extra"],
      [() => post("/v1/predict", JSON.stringify({ rows: Array(1001).fill(row) })), 413, "body/rows"],
      [() => get("/v1/restaurants/00000000/risk"), 404, "params/camis"],
      [() => get("/v1/rankings?k=-1"), 400, "querystring/k"],
      [() => get("/v1/rankings?borough=gotham"), 400, "querystring/borough"],
    ];
    for (const [req, status, field] of cases) {
      const r = await req();
      expect([r.status, (await json(r)).field]).toEqual([status, field]);
    }
    // An oversized body: the 413 comes before the client has finished writing, so read it with a raw request.
    const big = await rawPost("/v1/predict", JSON.stringify({ rows: [row], pad: "x".repeat(8 << 20) }));
    expect([0, 413]).toContain(big.status);
    if (big.status === 413) expect(JSON.parse(big.body).field).toBe("body");
    expect((await get("/health/live")).status).toBe(200);
  });

  it("drains in-flight requests on SIGTERM, then exits 0", async () => {
    const model = await json(get("/v1/model"));
    const row = Object.fromEntries(
      model.feature_schema.features.map((f: { name: string; kind: string }) => [
        f.name,
        f.kind === "indicator" ? 0 : 2,
      ]),
    );
    const body = JSON.stringify({ rows: Array(1000).fill(row) });
    const inflight = Array.from({ length: 20 }, () => post("/v1/predict", body).then((r) => r.status));
    await new Promise((r) => setTimeout(r, 30));
    const exited = new Promise<number | null>((r) => proc.once("exit", (code) => r(code)));
    proc.kill("SIGTERM");
    expect(await Promise.all(inflight)).toEqual(Array(20).fill(200));
    expect(await exited).toBe(0);
    await expect(get("/health/live")).rejects.toThrow();
  });
});
