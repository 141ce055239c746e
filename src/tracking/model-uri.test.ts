import { describe, expect, it } from "vitest";
import { isRodentError } from "../errors.js";
import { parseModelUri, runsUri, sourceToRunPath } from "./model-uri.js";

describe("parseModelUri", () => {
  it.each([
    ["models:/rodent-risk@champion", { kind: "alias", name: "rodent-risk", alias: "champion" }],
    ["models:/rodent-risk/3", { kind: "version", name: "rodent-risk", version: "3" }],
    ["models:/rodent-risk/03", { kind: "version", name: "rodent-risk", version: "3" }],
    ["runs:/abc123/model", { kind: "run", runId: "abc123", artifactPath: "model" }],
    ["runs:/abc123/model/sub/", { kind: "run", runId: "abc123", artifactPath: "model/sub" }],
    ["runs:/abc123", { kind: "run", runId: "abc123", artifactPath: "" }],
  ])("%s", (uri, want) => {
    expect(parseModelUri(uri)).toEqual(want);
  });

  it.each(["models:/rodent-risk", "models:/a/b/c", "models:/x@", "s3://bucket/key", "rodent-risk@champion", ""])(
    "rejects %j with RODENT_ERR_INVALID_ARGUMENT",
    (uri) => {
      let err: unknown;
      try {
        parseModelUri(uri);
      } catch (e) {
        err = e;
      }
      expect(isRodentError(err, "RODENT_ERR_INVALID_ARGUMENT")).toBe(true);
    },
  );
});

describe("sourceToRunPath", () => {
  it("reads runs:/ and MLflow artifact-proxy sources", () => {
    expect(sourceToRunPath(runsUri("r1", "/model"), "other")).toEqual({ runId: "r1", artifactPath: "model" });
    expect(sourceToRunPath("mlflow-artifacts:/7/abcd/artifacts/model", "x")).toEqual({
      runId: "abcd",
      artifactPath: "model",
    });
    expect(sourceToRunPath("mlflow-artifacts://host:5000/7/abcd/artifacts/model/", "x")).toEqual({
      runId: "abcd",
      artifactPath: "model",
    });
    expect(sourceToRunPath("s3://bucket/elsewhere", "r9")).toEqual({
      runId: "r9",
      artifactPath: "s3://bucket/elsewhere",
    });
  });
});
