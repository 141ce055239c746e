import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { LocalObjectStore } from "../data/index.js";
import { isRodentError } from "../errors.js";
import { openEmbeddedTracking } from "../tracking/index.js";
import { applyPlan, MODEL_NAME, planPromotion, planRollback } from "./promotion.js";

// Plans applied to the real embedded registry: promotions chain `previous`, rollbacks walk it back.
async function setup(n: number) {
  const home = mkdtempSync(path.join(os.tmpdir(), "rodent-promo-"));
  const t = openEmbeddedTracking(path.join(home, "r.sqlite"), new LocalObjectStore(path.join(home, "store")));
  await t.registry.createRegisteredModel(MODEL_NAME);
  for (let i = 0; i < n; i++)
    await t.registry.createModelVersion({ name: MODEL_NAME, source: "runs:/r/model", runId: "r", tags: {} });
  return t;
}

const now = "2026-01-01T00:00:00.000Z";

async function promote(reg: Awaited<ReturnType<typeof setup>>["registry"], v: string, expectChampion?: string | null) {
  const aliases = { ...(await reg.getRegisteredModel(MODEL_NAME)).aliases };
  if (expectChampion !== undefined) {
    if (expectChampion === null) delete aliases.champion;
    else aliases.champion = expectChampion;
  }
  const mv = await reg.getModelVersion(MODEL_NAME, v);
  return applyPlan(reg, planPromotion({ version: mv, to: "champion", aliases, now }));
}

async function rollbackOnce(reg: Awaited<ReturnType<typeof setup>>["registry"]) {
  const aliases = (await reg.getRegisteredModel(MODEL_NAME)).aliases;
  const plan = planRollback({
    name: MODEL_NAME,
    alias: "champion",
    aliases,
    current: await reg.getAlias(MODEL_NAME, "champion"),
    previous: await reg.getAlias(MODEL_NAME, "previous"),
    now,
  });
  return applyPlan(reg, plan);
}

describe("promotion applied to the embedded registry", () => {
  it("chains previous through promotions and walks it back through rollbacks", async () => {
    const t = await setup(3);
    const reg = t.registry;
    for (const v of ["1", "2", "3"]) await promote(reg, v);
    let m = await reg.getRegisteredModel(MODEL_NAME);
    expect(m.aliases).toMatchObject({ champion: "3", previous: "2" });
    expect((await reg.getModelVersion(MODEL_NAME, "3")).tags["rodent.previous_champion"]).toBe("2");

    await rollbackOnce(reg);
    m = await reg.getRegisteredModel(MODEL_NAME);
    expect(m.aliases).toMatchObject({ champion: "2", previous: "1" });
    expect((await reg.getModelVersion(MODEL_NAME, "3")).tags["rodent.rolled_back_at"]).toBe(now);

    await rollbackOnce(reg);
    m = await reg.getRegisteredModel(MODEL_NAME);
    expect(m.aliases.champion).toBe("1");
    expect(m.aliases.previous).toBeUndefined();

    await expect(rollbackOnce(reg)).rejects.toMatchObject({ code: "RODENT_ERR_NOT_FOUND" });
    await t.close();
  });

  it("a stale expectation conflicts and changes nothing", async () => {
    const t = await setup(3);
    const reg = t.registry;
    await promote(reg, "1");
    await promote(reg, "2", "1");
    try {
      await promote(reg, "3", "1"); // champion moved to 2 meanwhile
      expect.unreachable();
    } catch (e) {
      expect(isRodentError(e, "RODENT_ERR_CONFLICT")).toBe(true);
    }
    const m = await reg.getRegisteredModel(MODEL_NAME);
    expect(m.aliases).toMatchObject({ champion: "2", previous: "1" });
    expect((await reg.getModelVersion(MODEL_NAME, "3")).tags["rodent.promoted_at"]).toBeUndefined();
    await t.close();
  });
});
