import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Config } from "../config/index.js";
import type { ObjectStore } from "../data/index.js";
import { RodentError } from "../errors.js";
import { loadModel, type Model } from "../model/index.js";
import { openTracking } from "../tracking/index.js";

// Where the host gets its models: the configured registry, per the Conventions in docs/architecture.md ("Tracking and registry").

/** An alias to follow, or one pinned version. */
export type ModelSelector = { alias: string } | { version: string };

/** One registered model version behind an alias. */
export interface ModelRef {
  name: string;
  version: string;
  alias: string;
  runId: string;
  /** Run-relative folder holding rodent-model.json (the Conventions' `model`). */
  artifactPath: string;
  tags: Record<string, string>;
  createdAt: string;
}

export interface ModelSource {
  /** The version an alias points at now (or a pinned version), null when it does not exist. */
  resolve(name: string, selector: ModelSelector): Promise<ModelRef | null>;
  /** Download and parse the artifact. Throws (RODENT_ERR_MODEL for corrupt content). */
  load(ref: ModelRef): Promise<Model>;
  close(): Promise<void>;
}

/** `models:/NAME@ALIAS` (polled) or `models:/NAME/VERSION` (pinned). */
export function parseServeUri(uri: string): { name: string; selector: ModelSelector } {
  const m = /^models:\/([^/@]+)(?:@([^/]+)|\/(\d+))$/.exec(uri);
  if (!m) {
    throw new RodentError(
      "RODENT_ERR_CONFIG",
      `RODENT_MODEL_URI: expected models:/NAME@ALIAS or models:/NAME/VERSION (got ${JSON.stringify(uri)})`,
      { variable: "RODENT_MODEL_URI" },
    );
  }
  return { name: m[1], selector: m[2] ? { alias: m[2] } : { version: m[3] } };
}

/** Models from the configured registry (embedded SQLite or MLflow), per the Conventions in docs/architecture.md ("Tracking and registry"). */
export async function registryModelSource(config: Config, store: ObjectStore): Promise<ModelSource> {
  const { tracker, registry, close } = await openTracking(config, store);
  return {
    async resolve(name, selector) {
      const mv =
        "alias" in selector
          ? await registry.getAlias(name, selector.alias)
          : await registry.getModelVersion(name, selector.version).catch((e: unknown) => {
              if ((e as RodentError).code === "RODENT_ERR_NOT_FOUND") return null;
              throw e;
            });
      if (!mv) return null;
      const r = await registry.resolveModelUri(`models:/${name}/${mv.version}`);
      return {
        name,
        version: mv.version,
        alias: "alias" in selector ? selector.alias : "",
        runId: r.runId,
        artifactPath: r.artifactPath,
        tags: mv.tags,
        createdAt: mv.createdAt,
      };
    },
    async load(ref) {
      const dir = await mkdtemp(path.join(os.tmpdir(), "rodent-serve-"));
      try {
        const rel = ref.artifactPath
          ? `${ref.artifactPath.replace(/\/+$/, "")}/rodent-model.json`
          : "rodent-model.json";
        const local = await tracker.downloadArtifacts(ref.runId, rel, dir);
        return loadModel(await readFile(local, "utf8"));
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
    close,
  };
}
