import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { LocalObjectStore } from "../data/index.js";
import { cachedStep, canonicalJson, StepCache, stepKey } from "./step-cache.js";

const newCache = () => new StepCache(new LocalObjectStore(mkdtempSync(path.join(os.tmpdir(), "rodent-cache-"))));

describe("step cache", () => {
  it("keys ignore object key order but not values, params or code version", () => {
    expect(canonicalJson({ b: 1, a: { d: 2, c: [3, { f: 1, e: 2 }] } })).toBe(
      '{"a":{"c":[3,{"e":2,"f":1}],"d":2},"b":1}',
    );
    const base = { step: "train", inputs: { snap: "s1", f: "k" }, params: { eta: 0.1 }, codeVersion: "1" };
    const k = stepKey(base);
    expect(stepKey({ ...base, inputs: { f: "k", snap: "s1" } })).toBe(k);
    expect(stepKey({ ...base, inputs: { snap: "s2", f: "k" } })).not.toBe(k);
    expect(stepKey({ ...base, params: { eta: 0.2 } })).not.toBe(k);
    expect(stepKey({ ...base, codeVersion: "2" })).not.toBe(k);
    expect(stepKey({ ...base, step: "features" })).not.toBe(k);
  });

  it("reruns reuse the recorded output; force reruns; failures record nothing", async () => {
    const cache = newCache();
    let calls = 0;
    const spec = { step: "s", inputs: { x: 1 }, codeVersion: "v" };
    const fn = async () => ({ n: ++calls });
    const a = await cachedStep(cache, spec, fn);
    const b = await cachedStep(cache, spec, fn);
    expect([a.status, b.status]).toEqual(["ran", "reused"]);
    expect(b.output).toEqual({ n: 1 });
    const c = await cachedStep(cache, { ...spec, force: true }, fn);
    expect(c).toMatchObject({ status: "ran", output: { n: 2 } });

    const spec2 = { step: "s", inputs: { x: 2 }, codeVersion: "v" };
    await expect(
      cachedStep(cache, spec2, async () => {
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(await cache.get("s", stepKey(spec2))).toBeNull();
  });

  it("a record whose output is no longer valid is rerun", async () => {
    const cache = newCache();
    const spec = { step: "s", inputs: {}, codeVersion: "v" };
    await cachedStep(cache, spec, async () => "gone");
    const r = await cachedStep(cache, { ...spec, valid: async (o: string) => o !== "gone" }, async () => "new");
    expect(r).toMatchObject({ status: "ran", output: "new" });
  });
});
