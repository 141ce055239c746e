import { describe, expect, it } from "vitest";
import { bandOf, topFraction } from "./bands.js";
import { keyFraction, rowFraction } from "./canary.js";
import { parseServeUri } from "./model-source.js";
import { rankRows } from "./served-model.js";

describe("bands by rank in the city", () => {
  const asc = Float64Array.from({ length: 100 }, (_, i) => i / 100);
  it("counts the share strictly above a score", () => {
    expect(topFraction(asc, 0.99)).toBe(0);
    expect(topFraction(asc, 0.945)).toBe(0.05);
    expect(topFraction(asc, -1)).toBe(1);
    expect(topFraction(new Float64Array(0), 0.5)).toBe(0);
  });
  it.each([
    [0, "high"],
    [0.049, "high"],
    [0.05, "elevated"],
    [0.19, "elevated"],
    [0.2, "moderate"],
    [0.5, "low"],
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
