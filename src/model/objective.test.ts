import { describe, expect, it } from "vitest";
import { logisticObjective, objectiveFor, poissonObjective, sigmoid, squaredErrorObjective } from "./objective.js";

/** gradient and hessian of each row, split out of the interleaved pairs */
function grads(obj: ReturnType<typeof objectiveFor>, margin: number[], label: number[], weight?: number[]) {
  const gh = new Float64Array(2 * margin.length).fill(Number.NaN);
  const w = weight ? Float32Array.from(weight) : null;
  obj.gradient(Float64Array.from(margin), Float32Array.from(label), w, gh, 0, margin.length);
  return { g: Array.from(gh.filter((_, i) => i % 2 === 0)), h: Array.from(gh.filter((_, i) => i % 2 === 1)) };
}

describe("logistic objective", () => {
  it("gradient p − y and hessian p(1 − p), positives weighted by scale_pos_weight, rows by their weight", () => {
    const { g, h } = grads(logisticObjective(3), [0, Math.log(3)], [1, 0]);
    expect(g[0]).toBeCloseTo((0.5 - 1) * 3, 12);
    expect(h[0]).toBeCloseTo(0.25 * 3, 12);
    expect(g[1]).toBeCloseTo(0.75, 12);
    expect(h[1]).toBeCloseTo(0.75 * 0.25, 12);
    const w = grads(logisticObjective(3), [0, Math.log(3)], [1, 0], [2, 0.5]);
    expect(w.g).toEqual([g[0] * 2, g[1] * 0.5]);
    expect(w.h).toEqual([h[0] * 2, h[1] * 0.5]);
  });
  it("writes only the rows of its range", () => {
    const gh = new Float64Array(8).fill(7);
    logisticObjective().gradient(new Float64Array(4), Float32Array.from([1, 0, 1, 0]), null, gh, 1, 3);
    expect(Array.from(gh)).toEqual([7, 7, 0.5, 0.25, -0.5, 0.25, 7, 7]);
  });
  it("base score is the label mean (XGBoost 3.x), shifted by one Newton step under scale_pos_weight", () => {
    const y = Uint8Array.from([1, 0, 0, 0, 1, 0, 0, 0, 0, 0]);
    expect(logisticObjective(1).initEstimation(y)).toBeCloseTo(0.2, 12);
    const w = logisticObjective(4).initEstimation(y);
    expect(w).toBeGreaterThan(0.2);
    expect(w).toBeLessThan(1);
    expect(logisticObjective(1).baseMargin(Math.fround(sigmoid(0.7)))).toBeCloseTo(0.7, 6);
    // weights count rows: weight 2 on the first positive is that row twice
    const wy = Float32Array.from([2, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
    expect(logisticObjective(1).initEstimation(y, wy)).toBeCloseTo(3 / 11, 12);
  });
  it("accepts 0/1 labels only and names the first bad row", () => {
    expect(logisticObjective().checkLabel([0, 1, 1])).toBeNull();
    expect(logisticObjective().checkLabel([0, 2, 1])).toEqual({ row: 1, reason: "2 is not 0 or 1" });
  });
});

describe("count:poisson and reg:squarederror", () => {
  it("Poisson: gradient e^m − y, hessian e^(m + 0.7) (XGBoost's max_delta_step), log link", () => {
    const { g, h } = grads(poissonObjective(), [0, Math.log(2)], [3, 0]);
    expect(g[0]).toBeCloseTo(1 - 3, 12);
    expect(h[0]).toBeCloseTo(Math.exp(0.7), 12);
    expect(g[1]).toBeCloseTo(2, 12);
    expect(h[1]).toBeCloseTo(2 * Math.exp(0.7), 12);
    const obj = poissonObjective();
    expect(obj.initEstimation([0, 2, 4])).toBeCloseTo(2, 12);
    expect(obj.baseMargin(2)).toBeCloseTo(Math.log(2), 6);
    expect(obj.transform(Math.log(5))).toBeCloseTo(5, 12);
    expect(obj.checkLabel([0, 1.5, -1])).toEqual({ row: 2, reason: "-1 is not a count ≥ 0" });
  });
  it("squared error: gradient m − y, hessian 1 (times the weight), identity link", () => {
    const { g, h } = grads(squaredErrorObjective(), [1, -2], [4, 0], [1, 3]);
    expect(g).toEqual([-3, -6]);
    expect(h).toEqual([1, 3]);
    expect(squaredErrorObjective().initEstimation([1, 2, 6], [1, 1, 0])).toBeCloseTo(1.5, 12);
    expect(squaredErrorObjective().checkLabel([1, Number.NaN])).toEqual({
      row: 1,
      reason: "NaN is not a finite number",
    });
  });
  it("objectiveFor rebuilds the same loss from its spec (how the worker gets its copy)", () => {
    expect(objectiveFor({ name: "binary:logistic", scalePosWeight: 3 }).initEstimation([1, 0, 0, 0])).toBe(
      logisticObjective(3).initEstimation([1, 0, 0, 0]),
    );
    expect(objectiveFor({ name: "count:poisson" }).name).toBe("count:poisson");
  });
});
