import { RodentError } from "../errors.js";
import { parseModelUri, sourceToRunPath } from "./model-uri.js";
import type { ModelVersion, RegisteredModel, ResolvedModelUri } from "./types.js";

/** Compare-and-set guard: `expect: "3"` means "only if the alias points at version 3 now", `null` "only if unset". */
export interface AliasGuard {
  expect?: string | null;
}

/**
 * Model registry: registered models hold numbered versions (1, 2, …, each pointing at a run's artifact);
 * aliases (champion, challenger, staging, canary) point at one version each. Errors are RodentErrors:
 * RODENT_ERR_NOT_FOUND for a missing model or version, RODENT_ERR_CONFLICT when an alias guard fails,
 * RODENT_ERR_TRACKING when the backend fails.
 */
/** What a new model version is made from (createModelVersion's argument). */
export interface NewModelVersion {
  name: string;
  source: string;
  runId: string;
  tags?: Record<string, string>;
  description?: string;
}

export interface Registry {
  /** Create the registered model; a no-op when it exists already. */
  createRegisteredModel(name: string): Promise<void>;
  /** The model with its alias map. RODENT_ERR_NOT_FOUND when missing. */
  getRegisteredModel(name: string): Promise<RegisteredModel>;
  /**
   * Add the next version. `source` is where the model files are, preferably `runs:/<runId>/<path>`.
   * RODENT_ERR_NOT_FOUND when the registered model does not exist.
   */
  createModelVersion(opts: NewModelVersion): Promise<ModelVersion>;
  /** RODENT_ERR_NOT_FOUND when the model or version is missing. */
  getModelVersion(name: string, version: string): Promise<ModelVersion>;
  /** All versions, oldest first. RODENT_ERR_NOT_FOUND when the model is missing. */
  listModelVersions(name: string): Promise<ModelVersion[]>;
  setModelVersionTag(name: string, version: string, key: string, value: string): Promise<void>;
  /** The version the alias points at, or null when the alias is unset. RODENT_ERR_NOT_FOUND for a missing model. */
  getAlias(name: string, alias: string): Promise<ModelVersion | null>;
  /**
   * Point the alias at `version`. With `opts.expect` given this is a compare-and-set: when the alias does not
   * currently point at `expect` (null = unset) it rejects with RODENT_ERR_CONFLICT and changes nothing.
   * The embedded backend does this atomically across processes; MLflow has no CAS, so that backend reads,
   * compares and sets, which leaves a window of one round trip (see mlflow-registry.ts).
   */
  setAlias(name: string, alias: string, version: string, opts?: AliasGuard): Promise<void>;
  /** Remove the alias (no-op when unset, unless `expect` is given and differs: RODENT_ERR_CONFLICT). */
  deleteAlias(name: string, alias: string, opts?: AliasGuard): Promise<void>;
  /**
   * Resolve models:/NAME@ALIAS, models:/NAME/VERSION or runs:/RUN/PATH to the run and artifact path holding the
   * model files. RODENT_ERR_NOT_FOUND when the alias is unset or the version missing.
   */
  resolveModelUri(uri: string): Promise<ResolvedModelUri>;
}

/** resolveModelUri defined once on top of getAlias/getModelVersion. */
export abstract class BaseRegistry implements Registry {
  abstract createRegisteredModel(name: string): Promise<void>;
  abstract getRegisteredModel(name: string): Promise<RegisteredModel>;
  abstract createModelVersion(opts: NewModelVersion): Promise<ModelVersion>;
  abstract getModelVersion(name: string, version: string): Promise<ModelVersion>;
  abstract listModelVersions(name: string): Promise<ModelVersion[]>;
  abstract setModelVersionTag(name: string, version: string, key: string, value: string): Promise<void>;
  abstract getAlias(name: string, alias: string): Promise<ModelVersion | null>;
  abstract setAlias(name: string, alias: string, version: string, opts?: AliasGuard): Promise<void>;
  abstract deleteAlias(name: string, alias: string, opts?: AliasGuard): Promise<void>;

  async resolveModelUri(uri: string): Promise<ResolvedModelUri> {
    const p = parseModelUri(uri);
    if (p.kind === "run") return { runId: p.runId, artifactPath: p.artifactPath };
    let mv: ModelVersion | null;
    if (p.kind === "alias") {
      mv = await this.getAlias(p.name, p.alias);
      if (!mv)
        throw new RodentError("RODENT_ERR_NOT_FOUND", `model URI ${uri}: alias ${p.alias} of ${p.name} is not set`, {
          uri,
        });
    } else {
      mv = await this.getModelVersion(p.name, p.version);
    }
    return { name: mv.name, version: mv.version, ...sourceToRunPath(mv.source, mv.runId) };
  }
}

/** Shared check used by both backends so the conflict error reads the same everywhere. */
export function checkAliasGuard(
  name: string,
  alias: string,
  current: string | null,
  opts: AliasGuard | undefined,
): void {
  if (!opts || opts.expect === undefined) return;
  if (current !== opts.expect) {
    throw new RodentError(
      "RODENT_ERR_CONFLICT",
      `alias ${alias} of ${name} points at ${current === null ? "nothing" : `version ${current}`}, expected ${
        opts.expect === null ? "nothing" : `version ${opts.expect}`
      }; someone else moved it first`,
      { name, alias, current, expected: opts.expect },
    );
  }
}

/** MLflow's rule, applied in both backends: aliases are names, not version-like strings ("v3", "latest"). */
export function checkAliasName(alias: string): void {
  if (!/^[A-Za-z0-9_-]+$/.test(alias) || /^v\d+$/i.test(alias) || alias.toLowerCase() === "latest") {
    throw new RodentError(
      "RODENT_ERR_INVALID_ARGUMENT",
      `alias ${JSON.stringify(alias)} is invalid: use letters, digits, _ or -, not "latest" or vN`,
      { alias },
    );
  }
}
