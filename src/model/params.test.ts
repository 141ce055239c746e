import { describe, expect, it } from "vitest";
import { DEFAULT_PARAMS, PARAM_SPECS, parseParams } from "./params.js";

describe("params", () => {
  it("defaults come from PARAM_SPECS and lie within their bounds", () => {
    for (const [k, s] of Object.entries(PARAM_SPECS)) {
      expect(DEFAULT_PARAMS[k as keyof typeof DEFAULT_PARAMS]).toBe(s.default);
      expect(s.default).toBeGreaterThanOrEqual(s.min);
      expect(s.default).toBeLessThanOrEqual(s.max);
      expect(s.description.length).toBeGreaterThan(5);
    }
  });
  it("parses overrides from strings", () => {
    const p = parseParams({ max_depth: "4", eta: "0.05", subsample: "1" });
    expect(p.max_depth).toBe(4);
    expect(p.eta).toBe(0.05);
    expect(p.subsample).toBe(1);
    expect(p.lambda).toBe(DEFAULT_PARAMS.lambda);
  });
  it.each([
    [{ max_dept: "4" }, /unknown parameter max_dept/],
    [{ max_depth: "4.5" }, /max_depth: expected an integer/],
    [{ eta: "abc" }, /eta: "abc" is not a number/],
    [{ eta: "0" }, /eta: 0 is outside \(0, 1\]/],
    [{ subsample: "1.5" }, /subsample: 1.5 is outside/],
    [{ max_bin: "300" }, /max_bin: 300 is outside \[2, 256\]/],
    [{ lambda: "" }, /lambda: "" is not a number/],
  ])("rejects %o with RODENT_ERR_INVALID_ARGUMENT naming the param", (o, msg) => {
    expect(() => parseParams(o)).toThrowError(msg);
    expect(() => parseParams(o)).toThrowError(expect.objectContaining({ code: "RODENT_ERR_INVALID_ARGUMENT" }));
  });
});
