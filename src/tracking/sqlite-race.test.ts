import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { LocalObjectStore } from "../data/index.js";
import { openEmbeddedTracking } from "./open.js";

const run = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
const tsx = path.resolve(here, "../../node_modules/.bin/tsx");
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await fs.rm(d, { recursive: true, force: true });
});

describe("embedded registry across processes", () => {
  it("of two concurrent promotions expecting the same champion, exactly one wins", async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "rodent-race-"));
    dirs.push(dir);
    const dbPath = path.join(dir, "registry.sqlite");
    const storeRoot = path.join(dir, "store");
    const t = openEmbeddedTracking(dbPath, new LocalObjectStore(storeRoot));
    const exp = await t.tracker.getOrCreateExperiment("race");
    const { runId } = await t.tracker.createRun({ experimentId: exp });
    await t.registry.createRegisteredModel("rodent-risk");
    for (let i = 0; i < 3; i++) {
      await t.registry.createModelVersion({ name: "rodent-risk", source: `runs:/${runId}/model`, runId });
    }
    await t.registry.setAlias("rodent-risk", "champion", "1");

    // Both children sleep until the same instant (after their start-up), then promote expecting version 1.
    const startAt = String(Date.now() + 4000);
    const child = (version: string) =>
      run(
        tsx,
        [
          path.join(here, "promote-race.fixture.ts"),
          dbPath,
          storeRoot,
          "rodent-risk",
          "champion",
          version,
          "1",
          startAt,
        ],
        {
          timeout: 30_000,
        },
      ).then((r) => JSON.parse(r.stdout.trim()) as { ok: boolean; code?: string; version: string });
    const results = await Promise.all([child("2"), child("3")]);

    const winners = results.filter((r) => r.ok);
    const losers = results.filter((r) => !r.ok);
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(1);
    expect(losers[0].code).toBe("RODENT_ERR_CONFLICT");
    expect((await t.registry.getAlias("rodent-risk", "champion"))?.version).toBe(winners[0].version);
    await t.close();
  });
});
