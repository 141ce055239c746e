// The tracking/registry contract, written once and run against every backend (sqlite.test.ts, mlflow.test.ts).
// Each test uses fresh experiment/model names, so backends that keep state across tests (a shared MLflow
// server) need no cleanup.
import { spawn, spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ErrorCode, isRodentError } from "../errors.js";
import type { Tracking } from "./open.js";
import { TAGS } from "./types.js";

export interface TrackingContractOptions {
  name: string;
  make: () => Promise<Tracking>;
  /**
   * Environment under which `loadConfig()` opens this same backend (RODENT_HOME, RODENT_TRACKING_URI), for a child
   * process that starts a run and is killed with SIGKILL. Backends opened otherwise (a test's own S3 store) omit it.
   */
  env?: () => Record<string, string>;
}

const HERE = path.dirname(new URL(import.meta.url).pathname);
const ROOT = path.resolve(HERE, "../..");

/** A pid that is certainly dead: a child that has exited (and been reaped). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
  return Number(r.stdout);
}

async function expectCode(p: Promise<unknown>, code: ErrorCode): Promise<void> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isRodentError(err))
    throw new Error(`expected RodentError ${code}, got ${err === undefined ? "success" : String(err)}`);
  expect(err.code).toBe(code);
}

const uniq = (p: string) => `${p}-${randomUUID().slice(0, 8)}`;

export function runTrackingContract({ name, make, env }: TrackingContractOptions): void {
  describe(`tracking contract: ${name}`, () => {
    let t: Tracking;
    let tmp: string;
    beforeAll(async () => {
      t = await make();
      tmp = await fs.mkdtemp(path.join(os.tmpdir(), "rodent-contract-"));
    });
    afterAll(async () => {
      await t?.close();
      if (tmp) await fs.rm(tmp, { recursive: true, force: true });
    });

    it("creates an experiment once and returns the same id again", async () => {
      const n = uniq("exp");
      const a = await t.tracker.getOrCreateExperiment(n);
      const [b, c] = await Promise.all([t.tracker.getOrCreateExperiment(n), t.tracker.getOrCreateExperiment(n)]);
      expect(b).toBe(a);
      expect(c).toBe(a);
      expect(await t.tracker.getOrCreateExperiment(uniq("exp"))).not.toBe(a);
    });

    it("creates runs with name and tags, and ends them with a status", async () => {
      const exp = await t.tracker.getOrCreateExperiment(uniq("exp"));
      const before = Date.now();
      const run = await t.tracker.createRun({
        experimentId: exp,
        name: "train-1",
        tags: { "mlflow.source.git.commit": "abc123", "rodent.snapshot_id": "snap-000000000001" },
      });
      expect(run.status).toBe("RUNNING");
      expect(run.name).toBe("train-1");
      expect(run.experimentId).toBe(exp);
      expect(run.startTime).toBeGreaterThanOrEqual(before - 1000);
      expect(run.endTime).toBeNull();
      const got = await t.tracker.getRun(run.runId);
      expect(got.info.runId).toBe(run.runId);
      expect(got.tags).toMatchObject({
        "mlflow.runName": "train-1",
        "mlflow.source.git.commit": "abc123",
        "rodent.snapshot_id": "snap-000000000001",
      });
      await t.tracker.endRun(run.runId, "FAILED");
      const ended = await t.tracker.getRun(run.runId);
      expect(ended.info.status).toBe("FAILED");
      expect(ended.info.endTime).toBeGreaterThanOrEqual(ended.info.startTime);
      const unnamed = await t.tracker.createRun({ experimentId: exp });
      expect(unnamed.name.length).toBeGreaterThan(0);
    });

    it("logs params, metrics with steps, and tags through one batch primitive", async () => {
      const exp = await t.tracker.getOrCreateExperiment(uniq("exp"));
      const { runId } = await t.tracker.createRun({ experimentId: exp });
      await t.tracker.logParams(runId, { max_depth: 6, eta: 0.1, hist: true });
      await t.tracker.logParams(runId, { max_depth: 6 }); // same value again is fine
      await expectCode(t.tracker.logParams(runId, { max_depth: 7 }), "RODENT_ERR_INVALID_ARGUMENT");
      for (let step = 0; step < 5; step++) await t.tracker.logMetric(runId, "valid_logloss", 1 / (step + 1), step);
      await t.tracker.logMetrics(runId, { auc: 0.81, brier: 0.09 });
      await t.tracker.logMetric(runId, "nan_metric", Number.NaN);
      await t.tracker.setTag(runId, "stage", "a");
      await t.tracker.setTags(runId, { stage: "b", other: "x" });
      const r = await t.tracker.getRun(runId);
      expect(r.params).toEqual({ max_depth: "6", eta: "0.1", hist: "true" });
      expect(r.metrics.valid_logloss).toBeCloseTo(0.2, 10); // latest = highest step
      expect(r.metrics.auc).toBeCloseTo(0.81, 10);
      expect(r.metrics.brier).toBeCloseTo(0.09, 10);
      expect(Number.isNaN(r.metrics.nan_metric)).toBe(true);
      expect(r.tags.stage).toBe("b");
      expect(r.tags.other).toBe("x");
      const hist = await t.tracker.getMetricHistory(runId, "valid_logloss");
      expect(hist.map((h) => h.step)).toEqual([0, 1, 2, 3, 4]);
      expect(hist[0].value).toBe(1);
      expect(await t.tracker.getMetricHistory(runId, "never_logged")).toEqual([]);
    });

    it("accepts batches larger than one request allows", async () => {
      const exp = await t.tracker.getOrCreateExperiment(uniq("exp"));
      const { runId } = await t.tracker.createRun({ experimentId: exp });
      const params = Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`p${i}`, String(i)]));
      const tags = Object.fromEntries(Array.from({ length: 120 }, (_, i) => [`t${i}`, String(i)]));
      const metrics = Array.from({ length: 1500 }, (_, i) => ({ key: "curve", value: i / 1500, step: i }));
      await t.tracker.logBatch(runId, { params, tags, metrics });
      const r = await t.tracker.getRun(runId);
      expect(Object.keys(r.params)).toHaveLength(150);
      expect(r.tags.t119).toBe("119");
      expect(r.metrics.curve).toBeCloseTo(1499 / 1500, 10);
      expect(await t.tracker.getMetricHistory(runId, "curve")).toHaveLength(1500);
    });

    it("finds runs by tags, newest first", async () => {
      const exp = await t.tracker.getOrCreateExperiment(uniq("exp"));
      const a = await t.tracker.createRun({ experimentId: exp, tags: { key: "k1", kind: "train" } });
      await new Promise((r) => setTimeout(r, 5));
      const b = await t.tracker.createRun({ experimentId: exp, tags: { key: "k1", kind: "eval" } });
      await new Promise((r) => setTimeout(r, 5));
      const c = await t.tracker.createRun({ experimentId: exp, tags: { key: "it's quoted", kind: "train" } });
      expect((await t.tracker.searchRuns(exp, { tags: { key: "k1" } })).map((r) => r.info.runId)).toEqual([
        b.runId,
        a.runId,
      ]);
      expect(
        (await t.tracker.searchRuns(exp, { tags: { key: "k1", kind: "train" } })).map((r) => r.info.runId),
      ).toEqual([a.runId]);
      expect((await t.tracker.searchRuns(exp)).map((r) => r.info.runId)).toEqual([c.runId, b.runId, a.runId]);
      expect(await t.tracker.searchRuns(exp, { tags: { key: "none" } })).toEqual([]);
      expect((await t.tracker.searchRuns(exp, { tags: { key: "it's quoted" } })).map((r) => r.info.runId)).toEqual([
        c.runId,
      ]);
    });

    it("reports missing experiments and runs as RODENT_ERR_NOT_FOUND", async () => {
      const missing = "0123456789abcdef0123456789abcdef";
      await expectCode(t.tracker.getRun(missing), "RODENT_ERR_NOT_FOUND");
      await expectCode(t.tracker.logMetric(missing, "m", 1), "RODENT_ERR_NOT_FOUND");
      await expectCode(t.tracker.endRun(missing, "FINISHED"), "RODENT_ERR_NOT_FOUND");
      await expectCode(t.tracker.createRun({ experimentId: "987654321" }), "RODENT_ERR_NOT_FOUND");
    });

    it("round-trips artifact files and folders", async () => {
      const exp = await t.tracker.getOrCreateExperiment(uniq("exp"));
      const { runId } = await t.tracker.createRun({ experimentId: exp });
      const src = path.join(tmp, uniq("src"));
      await fs.mkdir(path.join(src, "sub", "deeper"), { recursive: true });
      await fs.writeFile(path.join(src, "MLmodel"), "flavors: {}\n");
      await fs.writeFile(path.join(src, "sub", "a.json"), JSON.stringify({ a: 1 }));
      const bin = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 31) % 256));
      await fs.writeFile(path.join(src, "sub", "deeper", "b.bin"), bin);
      const report = path.join(tmp, `${uniq("report")}.json`);
      await fs.writeFile(report, '{"auc":0.8}');

      await t.tracker.logArtifacts(runId, src, "model");
      await t.tracker.logArtifact(runId, report);
      await t.tracker.logArtifact(runId, report, "reports/eval");

      const root = await t.tracker.listArtifacts(runId);
      expect(root.map((e) => [e.path, e.isDir]).sort()).toEqual(
        [
          ["model", true],
          ["reports", true],
          [path.basename(report), false],
        ].sort(),
      );
      const model = await t.tracker.listArtifacts(runId, "model");
      expect(model.map((e) => [e.path, e.isDir]).sort()).toEqual([
        ["model/MLmodel", false],
        ["model/sub", true],
      ]);
      expect(await t.tracker.listArtifacts(runId, "nothing-here")).toEqual([]);

      const dest = path.join(tmp, uniq("dest"));
      const got = await t.tracker.downloadArtifacts(runId, "model", dest);
      expect(got).toBe(path.join(dest, "model"));
      expect(await fs.readFile(path.join(got, "MLmodel"), "utf8")).toBe("flavors: {}\n");
      expect(JSON.parse(await fs.readFile(path.join(got, "sub", "a.json"), "utf8"))).toEqual({ a: 1 });
      expect((await fs.readFile(path.join(got, "sub", "deeper", "b.bin"))).equals(bin)).toBe(true);

      const one = await t.tracker.downloadArtifacts(runId, `reports/eval/${path.basename(report)}`, dest);
      expect(await fs.readFile(one, "utf8")).toBe('{"auc":0.8}');
      const all = await t.tracker.downloadArtifacts(runId, "", path.join(tmp, uniq("all")));
      expect(await fs.readFile(path.join(all, "model", "sub", "a.json"), "utf8")).toBe('{"a":1}');

      await expectCode(t.tracker.downloadArtifacts(runId, "model/missing.txt", dest), "RODENT_ERR_NOT_FOUND");
      await expectCode(t.tracker.downloadArtifacts(runId, "nothing-here", dest), "RODENT_ERR_NOT_FOUND");
      await expectCode(t.tracker.logArtifacts(runId, path.join(tmp, "no-such-dir")), "RODENT_ERR_NOT_FOUND");
      await expectCode(t.tracker.logArtifact(runId, src, "x"), "RODENT_ERR_NOT_FOUND");
    });

    it("ends the runs a crashed process left RUNNING as KILLED, and only those", async () => {
      const exp = await t.tracker.getOrCreateExperiment(uniq("exp"));
      const make1 = (tags: Record<string, string>) =>
        t.tracker.createRun({ experimentId: exp }).then(async (r) => {
          await t.tracker.setTags(r.runId, tags);
          return r.runId;
        });
      const live = await make1({}); // this process: alive
      const dead = await make1({ [TAGS.ownerPid]: String(deadPid()), [TAGS.ownerStart]: "" });
      const now = Date.now();
      const quietPod = await make1({ [TAGS.ownerHost]: "pod-a", [TAGS.heartbeat]: String(now - 20 * 60_000) });
      const busyPod = await make1({ [TAGS.ownerHost]: "pod-b", [TAGS.heartbeat]: String(now - 60_000) });
      const finished = await make1({ [TAGS.ownerPid]: String(deadPid()) });
      await t.tracker.endRun(finished, "FINISHED");
      // Recovery runs in the next process to start: a tracker that owns none of these runs.
      const next = await make();
      try {
        const got = await next.tracker.recoverInterruptedRuns({ experimentIds: [exp] });
        expect(got.map((r) => r.runId).sort()).toEqual([dead, quietPod].sort());
        for (const id of [dead, quietPod]) {
          const r = await next.tracker.getRun(id);
          expect(r.info.status).toBe("KILLED");
          expect(r.info.endTime).not.toBeNull();
          expect(r.tags[TAGS.endReason]).toMatch(/^interrupted: /);
        }
        for (const [id, status] of [
          [live, "RUNNING"],
          [busyPod, "RUNNING"],
          [finished, "FINISHED"],
        ] as const)
          expect((await next.tracker.getRun(id)).info.status).toBe(status);
        expect(await next.tracker.recoverInterruptedRuns({ experimentIds: [exp] })).toEqual([]);
      } finally {
        await next.close();
      }
    });

    if (env) {
      it("marks a run whose process was killed with SIGKILL mid-run as KILLED on the next start", async () => {
        const expName = uniq("exp-crash");
        // One process (node with tsx's loader), not the tsx wrapper: SIGKILL must hit the run's owner itself.
        const child = spawn(process.execPath, ["--import", "tsx", path.join(HERE, "crash-run.fixture.ts"), expName], {
          cwd: ROOT,
          env: { ...process.env, ...env(), RODENT_LOG_LEVEL: "silent" },
          stdio: ["ignore", "pipe", "pipe"],
        });
        let err = "";
        child.stderr.on("data", (d) => {
          err += d;
        });
        const line = await new Promise<string>((resolve, reject) => {
          let buf = "";
          child.stdout.on("data", (d) => {
            buf += d;
            if (buf.includes("\n")) resolve(buf.split("\n")[0]!);
          });
          child.once("exit", (code) => reject(new Error(`child exited (${code}) before starting its run: ${err}`)));
        });
        const { runId, experimentId, pid } = JSON.parse(line) as { runId: string; experimentId: string; pid: number };
        expect(pid).toBe(child.pid);
        expect((await t.tracker.getRun(runId)).info.status).toBe("RUNNING");
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGKILL");
        await exited;
        const next = await make();
        try {
          const got = await next.tracker.recoverInterruptedRuns({ experimentIds: [experimentId] });
          expect(got.map((r) => r.runId)).toEqual([runId]);
          const r = await next.tracker.getRun(runId);
          expect(r.info.status).toBe("KILLED");
          expect(r.tags[TAGS.endReason]).toContain("gone");
        } finally {
          await next.close();
        }
      }, 60_000);
    }

    it("registers models and numbered versions with tags", async () => {
      const model = uniq("rodent-risk");
      const { runId } = await t.tracker.createRun({ experimentId: await t.tracker.getOrCreateExperiment(uniq("exp")) });
      await expectCode(t.registry.getRegisteredModel(model), "RODENT_ERR_NOT_FOUND");
      await expectCode(
        t.registry.createModelVersion({ name: model, source: `runs:/${runId}/model`, runId }),
        "RODENT_ERR_NOT_FOUND",
      );
      await t.registry.createRegisteredModel(model);
      await t.registry.createRegisteredModel(model); // idempotent
      expect((await t.registry.getRegisteredModel(model)).latestVersion).toBeNull();
      const v1 = await t.registry.createModelVersion({
        name: model,
        source: `runs:/${runId}/model`,
        runId,
        tags: { gate: "passed" },
        description: "first",
      });
      expect(v1).toMatchObject({
        name: model,
        version: "1",
        runId,
        source: `runs:/${runId}/model`,
        aliases: [],
        tags: { gate: "passed" },
        description: "first",
      });
      expect(Number.isNaN(Date.parse(v1.createdAt))).toBe(false);
      const v2 = await t.registry.createModelVersion({ name: model, source: `runs:/${runId}/model`, runId });
      expect(v2.version).toBe("2");
      expect(v2.description).toBe("");
      await t.registry.setModelVersionTag(model, "2", "gate", "failed: auc 0.51 < 0.6");
      expect((await t.registry.getModelVersion(model, "2")).tags).toEqual({ gate: "failed: auc 0.51 < 0.6" });
      expect((await t.registry.listModelVersions(model)).map((v) => v.version)).toEqual(["1", "2"]);
      expect((await t.registry.getRegisteredModel(model)).latestVersion).toBe("2");
      await expectCode(t.registry.getModelVersion(model, "3"), "RODENT_ERR_NOT_FOUND");
      await expectCode(t.registry.getModelVersion(uniq("missing"), "1"), "RODENT_ERR_NOT_FOUND");
      await expectCode(t.registry.listModelVersions(uniq("missing")), "RODENT_ERR_NOT_FOUND");
    });

    it("sets, reads, moves and deletes aliases", async () => {
      const model = uniq("rodent-risk");
      const { runId } = await t.tracker.createRun({ experimentId: await t.tracker.getOrCreateExperiment(uniq("exp")) });
      await t.registry.createRegisteredModel(model);
      for (let i = 0; i < 3; i++)
        await t.registry.createModelVersion({ name: model, source: `runs:/${runId}/model`, runId });
      expect(await t.registry.getAlias(model, "champion")).toBeNull();
      await t.registry.setAlias(model, "champion", "1");
      await t.registry.setAlias(model, "challenger", "2");
      expect((await t.registry.getAlias(model, "champion"))?.version).toBe("1");
      expect((await t.registry.getModelVersion(model, "1")).aliases).toEqual(["champion"]);
      await t.registry.setAlias(model, "champion", "2");
      expect((await t.registry.getAlias(model, "champion"))?.version).toBe("2");
      expect((await t.registry.getModelVersion(model, "2")).aliases.sort()).toEqual(["challenger", "champion"]);
      expect((await t.registry.getModelVersion(model, "1")).aliases).toEqual([]);
      expect((await t.registry.listModelVersions(model)).map((v) => v.aliases.sort())).toEqual([
        [],
        ["challenger", "champion"],
        [],
      ]);
      expect((await t.registry.getRegisteredModel(model)).aliases).toEqual({ challenger: "2", champion: "2" });
      await t.registry.deleteAlias(model, "challenger");
      expect(await t.registry.getAlias(model, "challenger")).toBeNull();
      await t.registry.deleteAlias(model, "challenger"); // no-op when unset
      await expectCode(t.registry.setAlias(model, "champion", "9"), "RODENT_ERR_NOT_FOUND");
      await expectCode(t.registry.getAlias(uniq("missing"), "champion"), "RODENT_ERR_NOT_FOUND");
      await expectCode(t.registry.setAlias(model, "latest", "1"), "RODENT_ERR_INVALID_ARGUMENT");
      expect((await t.registry.getAlias(model, "champion"))?.version).toBe("2");
    });

    it("moves an alias only when it still points where the caller expects (compare-and-set)", async () => {
      const model = uniq("rodent-risk");
      const { runId } = await t.tracker.createRun({ experimentId: await t.tracker.getOrCreateExperiment(uniq("exp")) });
      await t.registry.createRegisteredModel(model);
      for (let i = 0; i < 3; i++)
        await t.registry.createModelVersion({ name: model, source: `runs:/${runId}/model`, runId });
      await t.registry.setAlias(model, "champion", "1", { expect: null });
      await expectCode(t.registry.setAlias(model, "champion", "2", { expect: null }), "RODENT_ERR_CONFLICT");
      await t.registry.setAlias(model, "champion", "2", { expect: "1" });
      await expectCode(t.registry.setAlias(model, "champion", "3", { expect: "1" }), "RODENT_ERR_CONFLICT");
      expect((await t.registry.getAlias(model, "champion"))?.version).toBe("2");
      await expectCode(t.registry.deleteAlias(model, "champion", { expect: "1" }), "RODENT_ERR_CONFLICT");
      await t.registry.deleteAlias(model, "champion", { expect: "2" });
      expect(await t.registry.getAlias(model, "champion")).toBeNull();
    });

    it("resolves models:/ and runs:/ URIs", async () => {
      const model = uniq("rodent-risk");
      const exp = await t.tracker.getOrCreateExperiment(uniq("exp"));
      const r1 = await t.tracker.createRun({ experimentId: exp });
      const r2 = await t.tracker.createRun({ experimentId: exp });
      await t.registry.createRegisteredModel(model);
      await t.registry.createModelVersion({ name: model, source: `runs:/${r1.runId}/model`, runId: r1.runId });
      await t.registry.createModelVersion({ name: model, source: `runs:/${r2.runId}/model`, runId: r2.runId });
      await t.registry.setAlias(model, "champion", "2");
      expect(await t.registry.resolveModelUri(`models:/${model}@champion`)).toEqual({
        name: model,
        version: "2",
        runId: r2.runId,
        artifactPath: "model",
      });
      expect(await t.registry.resolveModelUri(`models:/${model}/1`)).toEqual({
        name: model,
        version: "1",
        runId: r1.runId,
        artifactPath: "model",
      });
      expect(await t.registry.resolveModelUri(`runs:/${r1.runId}/model/`)).toEqual({
        runId: r1.runId,
        artifactPath: "model",
      });
      await expectCode(t.registry.resolveModelUri(`models:/${model}@canary`), "RODENT_ERR_NOT_FOUND");
      await expectCode(t.registry.resolveModelUri(`models:/${model}/7`), "RODENT_ERR_NOT_FOUND");
      await expectCode(t.registry.resolveModelUri("s3://bucket/model"), "RODENT_ERR_INVALID_ARGUMENT");
    });
  });
}
