import { isRodentError, RodentError } from "../errors.js";
import { type MlflowRest, quoteFilterValue } from "./mlflow-rest.js";
import { type AliasGuard, BaseRegistry, checkAliasGuard, checkAliasName, type NewModelVersion } from "./registry.js";
import type { ModelVersion, RegisteredModel } from "./types.js";

interface MlflowModelVersion {
  name: string;
  version: string;
  run_id?: string;
  source?: string;
  description?: string;
  creation_timestamp?: number | string;
  status?: string;
  status_message?: string;
  tags?: { key: string; value: string }[];
  aliases?: string[];
}
interface MlflowRegisteredModel {
  name: string;
  creation_timestamp?: number | string;
  latest_versions?: MlflowModelVersion[];
  aliases?: { alias: string; version: string }[];
}

/**
 * Registry on an MLflow server's model-registry REST API.
 *
 * Aliases: MLflow has no compare-and-set, so `setAlias`/`deleteAlias` with `expect` read the current alias,
 * compare, then write. Race window: two clients that both read the old value inside the same round trip
 * (a few milliseconds) can both pass the check; the last write wins. We narrow it by reading the alias back
 * after writing and reporting RODENT_ERR_CONFLICT when it no longer points at our version, but only the embedded
 * backend's single-transaction CAS rules the race out. Run one promoter at a time against MLflow (the scheduler's
 * lock does this on one machine).
 */
export class MlflowRegistry extends BaseRegistry {
  constructor(private readonly rest: MlflowRest) {
    super();
  }

  async createRegisteredModel(name: string): Promise<void> {
    if (!name) throw new RodentError("RODENT_ERR_INVALID_ARGUMENT", "registered model name must not be empty");
    try {
      await this.rest.call("createRegisteredModel", { name });
    } catch (e) {
      if (!isRodentError(e, "RODENT_ERR_ALREADY_EXISTS")) throw e;
    }
  }

  async getRegisteredModel(name: string): Promise<RegisteredModel> {
    const m = await this.model(name);
    const versions = (m.latest_versions ?? []).map((v) => Number(v.version));
    return {
      name: m.name,
      aliases: Object.fromEntries((m.aliases ?? []).map((a) => [a.alias, String(a.version)]).sort()),
      latestVersion: versions.length ? String(Math.max(...versions)) : null,
      createdAt: new Date(Number(m.creation_timestamp ?? 0)).toISOString(),
    };
  }

  async createModelVersion(opts: NewModelVersion): Promise<ModelVersion> {
    let { model_version: mv } = await this.rest.call<{ model_version: MlflowModelVersion }>("createModelVersion", {
      name: opts.name,
      source: opts.source,
      run_id: opts.runId,
      description: opts.description,
      tags: Object.entries(opts.tags ?? {}).map(([key, value]) => ({ key, value: String(value) })),
    });
    // Some artifact stores copy the files first (PENDING_REGISTRATION); wait until the version is usable.
    for (let i = 0; mv.status === "PENDING_REGISTRATION" && i < 120; i++) {
      await new Promise((r) => setTimeout(r, 500));
      mv = (
        await this.rest.call<{ model_version: MlflowModelVersion }>("getModelVersion", {
          name: opts.name,
          version: mv.version,
        })
      ).model_version;
    }
    if (mv.status === "FAILED_REGISTRATION") {
      throw new RodentError(
        "RODENT_ERR_TRACKING",
        `registering version ${mv.version} of ${opts.name} failed: ${mv.status_message ?? "no reason given"}`,
      );
    }
    return toVersion(mv);
  }

  async getModelVersion(name: string, version: string): Promise<ModelVersion> {
    if (!/^\d+$/.test(version)) {
      throw new RodentError("RODENT_ERR_NOT_FOUND", `version ${version} of model ${name} does not exist`, {
        name,
        version,
      });
    }
    const { model_version } = await this.rest.call<{ model_version: MlflowModelVersion }>("getModelVersion", {
      name,
      version,
    });
    return toVersion(model_version);
  }

  async listModelVersions(name: string): Promise<ModelVersion[]> {
    // model-versions/search answers [] for an unknown model and leaves out aliases: take both from the model.
    const m = await this.model(name);
    const byVersion = new Map<string, string[]>();
    for (const a of m.aliases ?? [])
      byVersion.set(String(a.version), [...(byVersion.get(String(a.version)) ?? []), a.alias]);
    const out: ModelVersion[] = [];
    let pageToken: string | undefined;
    do {
      const res = await this.rest.call<{ model_versions?: MlflowModelVersion[]; next_page_token?: string }>(
        "searchModelVersions",
        { filter: `name = ${quoteFilterValue(name)}`, max_results: 10000, page_token: pageToken },
      );
      for (const v of res.model_versions ?? [])
        out.push({ ...toVersion(v), aliases: (byVersion.get(v.version) ?? []).sort() });
      pageToken = res.next_page_token || undefined;
    } while (pageToken);
    return out.sort((a, b) => Number(a.version) - Number(b.version));
  }

  async setModelVersionTag(name: string, version: string, key: string, value: string): Promise<void> {
    await this.rest.call("setModelVersionTag", { name, version, key, value });
  }

  async getAlias(name: string, alias: string): Promise<ModelVersion | null> {
    // Read the alias from the model rather than registered-models/alias, whose "alias not found" reply is an
    // INVALID_PARAMETER_VALUE we would have to recognize by its message.
    const version = await this.currentAlias(name, alias);
    return version === null ? null : this.getModelVersion(name, version);
  }

  async setAlias(name: string, alias: string, version: string, opts?: AliasGuard): Promise<void> {
    checkAliasName(alias);
    if (opts?.expect !== undefined) checkAliasGuard(name, alias, await this.currentAlias(name, alias), opts);
    await this.rest.call("setAlias", { name, alias, version });
    if (opts?.expect !== undefined) {
      const now = await this.currentAlias(name, alias);
      if (now !== version) checkAliasGuard(name, alias, now, { expect: version });
    }
  }

  async deleteAlias(name: string, alias: string, opts?: AliasGuard): Promise<void> {
    const current = await this.currentAlias(name, alias);
    checkAliasGuard(name, alias, current, opts);
    if (current !== null) await this.rest.call("deleteAlias", { name, alias });
  }

  private async currentAlias(name: string, alias: string): Promise<string | null> {
    const a = (await this.model(name)).aliases?.find((x) => x.alias === alias);
    return a ? String(a.version) : null;
  }

  private async model(name: string): Promise<MlflowRegisteredModel> {
    return (await this.rest.call<{ registered_model: MlflowRegisteredModel }>("getRegisteredModel", { name }))
      .registered_model;
  }
}

function toVersion(v: MlflowModelVersion): ModelVersion {
  return {
    name: v.name,
    version: String(v.version),
    runId: v.run_id ?? "",
    source: v.source ?? "",
    aliases: [...(v.aliases ?? [])].sort(),
    tags: Object.fromEntries((v.tags ?? []).map((t) => [t.key, t.value])),
    description: v.description ?? "",
    createdAt: new Date(Number(v.creation_timestamp ?? 0)).toISOString(),
  };
}
