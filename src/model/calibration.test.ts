import { describe, expect, it } from "vitest";
import { applyCalibration, checkCalibration, fitIsotonic } from "./calibration.js";

describe("isotonic calibration (PAV)", () => {
  it("pools adjacent violators into monotone blocks", () => {
    const p = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6];
    const y = Uint8Array.from([0, 1, 0, 0, 1, 1]);
    const c = fitIsotonic(p, y);
    expect(c.kind).toBe("isotonic");
    if (c.kind !== "isotonic") return;
    // blocks: {0.1}: 0, {0.2, 0.3, 0.4}: 1/3, {0.5, 0.6}: 1
    expect(c.x).toEqual([0.1, 0.2, 0.4, 0.5, 0.6]);
    expect(c.y.map((v) => Number(v.toFixed(6)))).toEqual([0, 0.333333, 0.333333, 1, 1]);
    expect(checkCalibration(c)).toBe(true);
    expect(applyCalibration(c, 0.3)).toBeCloseTo(1 / 3, 12);
    expect(applyCalibration(c, 0.45)).toBeCloseTo((1 / 3 + 1) / 2, 12);
    expect(applyCalibration(c, 0.01)).toBe(0);
    expect(applyCalibration(c, 0.99)).toBe(1);
  });
  it("equal scores share one block; 'none' is the identity; non-monotone maps are refused", () => {
    const c = fitIsotonic([0.5, 0.5, 0.5, 0.5], Uint8Array.from([1, 0, 0, 0]));
    expect(c).toEqual({ kind: "isotonic", x: [0.5], y: [0.25] });
    expect(applyCalibration({ kind: "none" }, 0.3)).toBe(0.3);
    expect(checkCalibration({ kind: "isotonic", x: [0.1, 0.2], y: [0.5, 0.4] })).toBe(false);
  });
});
