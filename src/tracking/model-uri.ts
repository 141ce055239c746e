import { RodentError } from "../errors.js";

/** A parsed model URI. MLflow's three forms: models:/NAME@ALIAS, models:/NAME/VERSION, runs:/RUN/PATH. */
export type ModelUri =
  | { kind: "alias"; name: string; alias: string }
  | { kind: "version"; name: string; version: string }
  | { kind: "run"; runId: string; artifactPath: string };

/** Parse a model URI. RODENT_ERR_INVALID_ARGUMENT naming the URI when it has none of the three forms. */
export function parseModelUri(uri: string): ModelUri {
  const bad = (why: string) =>
    new RodentError("RODENT_ERR_INVALID_ARGUMENT", `model URI ${JSON.stringify(uri)}: ${why}`, { uri });
  let m = /^models:\/([^/@]+)@([^/@]+)$/.exec(uri);
  if (m) return { kind: "alias", name: decodeURIComponent(m[1]), alias: m[2] };
  m = /^models:\/([^/@]+)\/(\d+)$/.exec(uri);
  if (m) return { kind: "version", name: decodeURIComponent(m[1]), version: String(Number(m[2])) };
  m = /^runs:\/([^/]+)(?:\/(.*))?$/.exec(uri);
  if (m) {
    const artifactPath = (m[2] ?? "").replace(/\/+$/, "");
    return { kind: "run", runId: m[1], artifactPath };
  }
  if (uri.startsWith("models:/")) throw bad("expected models:/NAME@ALIAS or models:/NAME/VERSION");
  throw bad("expected models:/NAME@ALIAS, models:/NAME/VERSION or runs:/RUN_ID/PATH");
}

/** `runs:/RUN/PATH`, the portable way to name a run's artifact as a model version source. */
export function runsUri(runId: string, artifactPath: string): string {
  return `runs:/${runId}/${artifactPath.replace(/^\/+/, "")}`;
}

/**
 * Pull the run id and the run-relative artifact path out of a model version's source. Understands
 * `runs:/RUN/PATH` and MLflow's proxied `mlflow-artifacts:[//host]/EXP/RUN/artifacts/PATH`; anything else
 * (a source outside any run) falls back to the version's own run id and the whole source as path.
 */
export function sourceToRunPath(source: string, fallbackRunId: string): { runId: string; artifactPath: string } {
  if (source.startsWith("runs:/")) {
    const p = parseModelUri(source);
    if (p.kind === "run") return { runId: p.runId, artifactPath: p.artifactPath };
  }
  const m = /^mlflow-artifacts:(?:\/\/[^/]*)?\/+([^/]+)\/([^/]+)\/artifacts(?:\/(.*))?$/.exec(source);
  if (m) return { runId: m[2], artifactPath: (m[3] ?? "").replace(/\/+$/, "") };
  const e = /\/artifacts\/[^/]+\/([0-9a-f]{32})\/(.*)$/.exec(source);
  if (e) return { runId: e[1], artifactPath: e[2].replace(/\/+$/, "") };
  return { runId: fallbackRunId, artifactPath: source };
}
