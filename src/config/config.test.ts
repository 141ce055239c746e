import { describe, expect, it } from "vitest";
import { isRodentError } from "../errors.js";
import { loadConfig } from "./index.js";

describe("loadConfig", () => {
  it("defaults to an embedded setup under .rodent in the working directory", () => {
    const c = loadConfig({}, "/tmp/x");
    expect(c.home).toBe("/tmp/x/.rodent");
    expect(c.store).toEqual({ kind: "local", root: "/tmp/x/.rodent/store" });
    expect(c.tracking.kind).toBe("embedded");
    expect(Object.isFrozen(c.serve)).toBe(true);
  });
  it("names the variable that is wrong", () => {
    try {
      loadConfig({ RODENT_PORT: "http" });
      expect.unreachable();
    } catch (e) {
      expect(isRodentError(e, "RODENT_ERR_CONFIG")).toBe(true);
      expect((e as Error).message).toMatch(/^RODENT_PORT/);
    }
  });
  it("requires a bucket for the s3 store", () => {
    expect(() => loadConfig({ RODENT_STORE: "s3" })).toThrow(/RODENT_S3_BUCKET/);
  });
  it("reads an MLflow tracking URI", () => {
    const c = loadConfig({ RODENT_TRACKING_URI: "http://mlflow:5000/" });
    expect(c.tracking).toMatchObject({ kind: "mlflow", uri: "http://mlflow:5000" });
  });
  it("reads the deployment's source in canonical form and names RODENT_SOURCE when it is wrong", () => {
    expect(loadConfig({}, "/tmp/x").source).toBeUndefined();
    expect(loadConfig({ RODENT_SOURCE: "synth" }).source).toBe("synth:1");
    expect(loadConfig({ RODENT_SOURCE: "synth:007" }).source).toBe("synth:7");
    expect(loadConfig({ RODENT_SOURCE: "socrata" }).source).toBe("socrata");
    expect(loadConfig({ RODENT_SOURCE: "dir:data/nyc" }, "/srv").source).toBe("dir:/srv/data/nyc");
    expect(() => loadConfig({ RODENT_SOURCE: "s3://bucket" })).toThrow(/^RODENT_SOURCE: expected socrata, dir:PATH/);
  });
});
