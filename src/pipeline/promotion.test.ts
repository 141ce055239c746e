import { describe, expect, it } from "vitest";
import { isRodentError } from "../errors.js";
import type { ModelVersion } from "../tracking/index.js";
import { planPromotion, planRollback } from "./promotion.js";

const now = "2026-01-01T00:00:00.000Z";
function mv(version: string, tags: Record<string, string> = {}): ModelVersion {
  return {
    name: "rodent-risk",
    version,
    runId: `run${version}`,
    source: `runs:/run${version}/model`,
    aliases: [],
    tags,
    description: "",
    createdAt: now,
  };
}

describe("planPromotion", () => {
  it("first champion: one move from nothing, no previous", () => {
    const p = planPromotion({ version: mv("1"), to: "champion", aliases: {}, now });
    expect(p.noop).toBe(false);
    expect(p.moves).toEqual([{ alias: "champion", from: null, to: "1" }]);
  });

  it("new champion keeps the old one as previous, tags it, and clears graduated aliases", () => {
    const p = planPromotion({
      version: mv("3"),
      to: "champion",
      aliases: { champion: "2", previous: "1", challenger: "3", canary: "3" },
      now,
    });
    expect(p.moves).toEqual([
      { alias: "champion", from: "2", to: "3" },
      { alias: "previous", from: "1", to: "2" },
      { alias: "challenger", from: "3", to: null },
      { alias: "canary", from: "3", to: null },
    ]);
    expect(p.tags).toContainEqual({ version: "3", key: "rodent.previous_champion", value: "2" });
  });

  it("is a noop when the alias already points there; other aliases move alone", () => {
    expect(planPromotion({ version: mv("2"), to: "champion", aliases: { champion: "2" }, now }).noop).toBe(true);
    const p = planPromotion({ version: mv("4"), to: "canary", aliases: { champion: "2", canary: "3" }, now });
    expect(p.moves).toEqual([{ alias: "canary", from: "3", to: "4" }]);
  });

  it("never promotes a version the gate refused", () => {
    try {
      planPromotion({ version: mv("5", { "rodent.gate": "refused" }), to: "staging", aliases: {}, now });
      expect.unreachable();
    } catch (e) {
      expect(isRodentError(e, "RODENT_ERR_GATE")).toBe(true);
    }
  });
});

describe("planRollback", () => {
  it("brings back the previous champion and walks previous one step back", () => {
    const p = planRollback({
      name: "rodent-risk",
      alias: "champion",
      aliases: { champion: "3", previous: "2" },
      current: mv("3", { "rodent.previous_champion": "2" }),
      previous: mv("2", { "rodent.previous_champion": "1" }),
      now,
    });
    expect(p.version).toBe("2");
    expect(p.moves).toEqual([
      { alias: "champion", from: "3", to: "2" },
      { alias: "previous", from: "2", to: "1" },
    ]);
    expect(p.tags).toEqual([{ version: "3", key: "rodent.rolled_back_at", value: now }]);
  });

  it("without a previous champion there is nothing to roll back to", () => {
    expect(() =>
      planRollback({ name: "m", alias: "champion", aliases: { champion: "1" }, current: mv("1"), previous: null, now }),
    ).toThrow(/no previous champion/);
  });

  it("rolling back a canary removes it", () => {
    const p = planRollback({
      name: "m",
      alias: "canary",
      aliases: { canary: "4" },
      current: mv("4"),
      previous: null,
      now,
    });
    expect(p.moves).toEqual([{ alias: "canary", from: "4", to: null }]);
  });
});
