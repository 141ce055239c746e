import { describe, expect, it } from "vitest";
import { logisticObjective, sigmoid } from "./objective.js";

describe("logistic objective", () => {
  it("gradient p − y and hessian p(1 − p), positives weighted by scale_pos_weight", () => {
    const obj = logisticObjective(3);
    const g = new Float64Array(2);
    const h = new Float64Array(2);
    obj.gradient(Float64Array.from([0, Math.log(3)]), Uint8Array.from([1, 0]), g, h);
    expect(g[0]).toBeCloseTo((0.5 - 1) * 3, 12);
    expect(h[0]).toBeCloseTo(0.25 * 3, 12);
    expect(g[1]).toBeCloseTo(0.75, 12);
    expect(h[1]).toBeCloseTo(0.75 * 0.25, 12);
  });
  it("base score is the label mean (XGBoost 3.x), shifted by one Newton step under scale_pos_weight", () => {
    const y = Uint8Array.from([1, 0, 0, 0, 1, 0, 0, 0, 0, 0]);
    expect(logisticObjective(1).initEstimation(y)).toBeCloseTo(0.2, 12);
    const w = logisticObjective(4).initEstimation(y);
    expect(w).toBeGreaterThan(0.2);
    expect(w).toBeLessThan(1);
    expect(logisticObjective(1).probToMargin(sigmoid(0.7))).toBeCloseTo(0.7, 12);
  });
});
