import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalObjectStore, writeSyntheticCity } from "../../data/index.js";
import { cliEnv, cliRunner } from "../../test-support/cli.js";
import { silentLogger } from "../../util/log.js";

// `rodent replay --source dir:…` on exported files with no truth file (a health department's own history), run
// in the same RODENT_HOME as a running `rodent serve` that polls every second: the replay works in a namespace of
// its own, so the service's snapshot, restaurants and version never change (issue 13 §6, issue 14 §2).
const home = mkdtempSync(path.join(os.tmpdir(), "rodent-replay-"));
const files = mkdtempSync(path.join(os.tmpdir(), "rodent-replay-files-"));
const env = cliEnv(home, { RODENT_POLL_SECONDS: "1" });
const rodent = cliRunner(env);
const SOURCE = `dir:${files}`;
let serve: ChildProcess;
let base = "";

async function served() {
  const m = (await (await fetch(`${base}/v1/model`)).json()) as {
    version: string;
    serving: { snapshot: string; restaurants: number; features_date: string };
  };
  return { version: m.version, ...m.serving };
}

describe("rodent replay on a dir: source, beside a running service", () => {
  beforeAll(async () => {
    await writeSyntheticCity(
      files,
      {
        seed: 8,
        from: "2020-01-01",
        to: "2023-06-30",
        scale: 0.05,
        scenario: "none",
        dataDir: path.resolve("../shared/data"),
      },
      silentLogger,
    );
    rmSync(path.join(files, "truth"), { recursive: true }); // real exports carry no truth
    const r = await rodent("pipeline", "run", "--json", "--source", SOURCE);
    expect(r.code, r.stderr).toBe(0);
    serve = spawn(
      process.execPath,
      ["--import", "tsx", path.resolve("src/cli/main.ts"), "serve", "--port", "0", "--json"],
      {
        env,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: serve.stdout! }).once("line", resolve);
      serve.once("exit", (code) => reject(new Error(`rodent serve exited (${code})`)));
    });
    base = String(JSON.parse(line).url);
  }, 300_000);

  afterAll(async () => {
    if (serve && serve.exitCode === null) {
      const exited = new Promise((r) => serve.once("exit", r));
      serve.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    }
  });

  it("replays the deployment's own history without truth, recommends a policy, and never changes what is served", async () => {
    const before = await served();
    const store = new LocalObjectStore(path.join(home, "store"));
    const snapshotsBefore = await store.list("snapshots/");
    const r = await rodent(
      "replay",
      "--json",
      "--source",
      SOURCE,
      "--from",
      "2023-01",
      "--to",
      "2023-06",
      "--policy",
      "all",
      "--train-years",
      "1.5",
      "--param",
      "n_estimators=30",
    );
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ source: SOURCE, scenario: null, truth: false });
    expect(doc.namespace).toBe(`file://${path.join(home, "replay", doc.namespace.split("/replay/")[1])}`);
    expect(Object.keys(doc.policies).sort()).toEqual(["drift", "never", "weekly"]);
    for (const p of Object.values(doc.policies) as {
      mean_lift_at_10: number;
      mean_oracle_lift_at_10: null;
      days_earlier: { mean: number; positives: number };
    }[]) {
      expect(p.mean_lift_at_10).toBeGreaterThan(1); // realised on real labels, no truth needed
      expect(p.mean_oracle_lift_at_10).toBeNull();
      expect(p.days_earlier.positives).toBeGreaterThan(20);
      expect(Number.isFinite(p.days_earlier.mean)).toBe(true);
    }
    expect(["weekly", "drift", "never"]).toContain(doc.recommendation.policy);
    expect(doc.recommendation.reason).toMatch(/rodent violations in the top 10 %/);
    const saved = JSON.parse(readFileSync(path.join(home, "replay", "latest", "replay.json"), "utf8"));
    expect(saved.results[0].weeks[0]).toHaveProperty("verdict");

    // The service polls every second: give it a few polls to pick up anything the replay might have changed.
    await new Promise((res) => setTimeout(res, 4000));
    const after = await served();
    expect(after).toEqual(before);
    expect(await store.list("snapshots/")).toEqual(snapshotsBefore);
    const model = await rodent("model", "list", "--json");
    expect(model.code, model.stderr).toBe(0);
    expect(JSON.parse(model.stdout).versions).toHaveLength(1);
  }, 600_000);
});
