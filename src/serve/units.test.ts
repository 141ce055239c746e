import { describe, expect, it } from "vitest";
import { bandOf, countAbove, countAtOrAbove, rankAmong, topFraction } from "./bands.js";
import { keyFraction, rowFraction } from "./canary.js";
import { parseServeUri } from "./model-source.js";
import { rankRows } from "./served-model.js";

describe("ranks and bands by raw score in the city", () => {
  const asc = Float64Array.from({ length: 100 }, (_, i) => i / 100);
  it("ranks 1 + the scores strictly above; the top fraction is rank / n, never 0", () => {
    expect(rankAmong(asc, 0.99)).toBe(1);
    expect(topFraction(asc, 0.99)).toBe(0.01);
    expect(topFraction(asc, 5)).toBe(0.01); // above every restaurant: rank 1
    expect(topFraction(asc, 0.945)).toBe(0.06);
    expect(topFraction(asc, -1)).toBe(1);
    expect(topFraction(new Float64Array(0), 0.5)).toBe(1);
    const tied = Float64Array.of(1, 2, 2, 2, 3);
    expect(rankAmong(tied, 2)).toBe(2);
    expect(countAtOrAbove(tied, 2) - countAbove(tied, 2)).toBe(3);
  });
  it.each([
    [1 / 30922, "high"],
    [0.049, "high"],
    [0.05, "high"],
    [0.0501, "elevated"],
    [0.2, "elevated"],
    [0.21, "moderate"],
    [0.5, "moderate"],
    [0.51, "low"],
    [1, "low"],
  ] as const)("top fraction %d is %s", (t, band) => {
    expect(bandOf(t)).toBe(band);
  });
});

describe("sticky canary keys", () => {
  it("spreads sequential CAMIS evenly and is deterministic", () => {
    const n = 20000;
    let below = 0;
    for (let i = 0; i < n; i++) if (keyFraction(String(40000000 + i)) < 0.1) below++;
    expect(below / n).toBeGreaterThan(0.09);
    expect(below / n).toBeLessThan(0.11);
    expect(keyFraction("41234567")).toBe(keyFraction("41234567"));
    expect(rowFraction([1, Number.NaN, 2])).toBe(rowFraction(Float32Array.of(1, Number.NaN, 2)));
    expect(rowFraction([1, 2])).not.toBe(rowFraction([2, 1]));
  });
});

describe("model URI and ranking", () => {
  it("parses alias and pinned URIs and rejects others with the variable", () => {
    expect(parseServeUri("models:/rodent-risk@champion")).toEqual({
      name: "rodent-risk",
      selector: { alias: "champion" },
    });
    expect(parseServeUri("models:/rodent-risk/7")).toEqual({ name: "rodent-risk", selector: { version: "7" } });
    expect(() => parseServeUri("runs:/abc/model")).toThrow(expect.objectContaining({ code: "RODENT_ERR_CONFIG" }));
  });
  it("orders rows by descending score, ties by row", () => {
    expect(Array.from(rankRows(Float64Array.of(0.2, 0.9, 0.2, 0.5)))).toEqual([1, 3, 0, 2]);
  });
});
