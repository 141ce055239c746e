import type { ModelVersion } from "../../tracking/index.js";
import type { PipelineContext } from "../context.js";
import type { GateDecision } from "../gate.js";
import { MODEL_NAME, VERSION_TAGS } from "../promotion.js";
import { checkCandidateSource, SOURCE_TAG } from "../source-rule.js";
import type { StepResult } from "./step-result.js";

export interface RegisterOutput {
  name: string;
  version: string;
  run: string;
  gate: { passed: boolean; reasons: string[] };
  /** "challenger" when the gate passed and the alias was set; refused candidates never get an alias. */
  alias: string | null;
}

/**
 * Register a training run as a model version, in one call carrying every tag (snapshot, schema, the gate
 * decision and its reasons), so there is never a half-tagged version. A passing version becomes `challenger`
 * (compare-and-set on what challenger pointed at). A run already registered is reused, never registered twice.
 */
export async function registerStep(
  ctx: PipelineContext,
  input: {
    run: string;
    gate: GateDecision | { passed: boolean; reasons: string[] };
    /** Register a run trained on another source than the champion's (an explicit operator decision). */
    allowSourceChange?: boolean;
  },
): Promise<StepResult<RegisterOutput>> {
  const t0 = Date.now();
  const { registry } = ctx;
  await registry.createRegisteredModel(MODEL_NAME);
  const existing = (await registry.listModelVersions(MODEL_NAME)).find((v) => v.runId === input.run);
  let mv: ModelVersion;
  let status: "ran" | "reused";
  if (existing) {
    mv = existing;
    status = "reused";
  } else {
    const run = await ctx.tracker.getRun(input.run);
    // Fail closed before anything is registered: a model of another source never becomes a version here.
    await checkCandidateSource(ctx, run.tags[SOURCE_TAG] ?? null, input.allowSourceChange);
    mv = await registry.createModelVersion({
      name: MODEL_NAME,
      source: `runs:/${input.run}/model`,
      runId: input.run,
      description: `trained on snapshot ${run.tags["rodent.snapshot_id"]}; gate ${input.gate.passed ? "passed" : "refused"}`,
      tags: {
        [VERSION_TAGS.snapshotId]: run.tags["rodent.snapshot_id"] ?? "",
        [VERSION_TAGS.featureSchemaVersion]: run.tags["rodent.feature_schema_version"] ?? "",
        [VERSION_TAGS.runId]: input.run,
        ...(run.tags[SOURCE_TAG] ? { [SOURCE_TAG]: run.tags[SOURCE_TAG] } : {}),
        [VERSION_TAGS.gate]: input.gate.passed ? "passed" : "refused",
        [VERSION_TAGS.gateReasons]: JSON.stringify(input.gate.reasons),
      },
    });
    status = "ran";
    ctx.log.info({ version: mv.version, run: input.run, gate: mv.tags[VERSION_TAGS.gate] }, "registered");
  }
  const passed = mv.tags[VERSION_TAGS.gate] === "passed";
  const reasons = safeReasons(mv.tags[VERSION_TAGS.gateReasons]);
  let alias: string | null = null;
  // A passing version that never held an alias becomes challenger (also on reuse: a crash may have come between
  // registering and setting the alias). One that was champion before, or was rolled back, is left alone.
  const graduated = VERSION_TAGS.promotedAt in mv.tags || VERSION_TAGS.rolledBackAt in mv.tags;
  if (passed && !graduated) {
    if (mv.aliases.length === 0) {
      const current = await registry.getAlias(MODEL_NAME, "challenger");
      await registry.setAlias(MODEL_NAME, "challenger", mv.version, { expect: current?.version ?? null });
      alias = "challenger";
    } else if (mv.aliases.includes("challenger")) alias = "challenger";
  }
  return {
    status,
    output: { name: MODEL_NAME, version: mv.version, run: input.run, gate: { passed, reasons }, alias },
    durationMs: Date.now() - t0,
  };
}

function safeReasons(s: string | undefined): string[] {
  try {
    const v = JSON.parse(s ?? "[]");
    return Array.isArray(v) ? v.map(String) : [];
  } catch {
    return [];
  }
}
