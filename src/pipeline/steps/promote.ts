import type { PipelineContext } from "../context.js";
import {
  type AppliedPlan,
  applyPlan,
  MODEL_NAME,
  PREVIOUS_ALIAS,
  type PromoteTarget,
  planPromotion,
  planRollback,
} from "../promotion.js";
import type { StepResult } from "./step-result.js";

/**
 * Move `to` onto `version` (compare-and-set on each alias). `expect` pins the version the alias must point at
 * now (what the caller saw); without it, the value read just before is expected. Two promotions racing:
 * exactly one wins, the other gets RODENT_ERR_CONFLICT and changes nothing.
 */
export async function promoteStep(
  ctx: PipelineContext,
  input: { version: string; to: PromoteTarget; expect?: string | null; dryRun?: boolean },
): Promise<StepResult<AppliedPlan>> {
  const t0 = Date.now();
  const mv = await ctx.registry.getModelVersion(MODEL_NAME, input.version);
  const model = await ctx.registry.getRegisteredModel(MODEL_NAME);
  const aliases = { ...model.aliases };
  if (input.expect !== undefined) {
    if (input.expect === null) delete aliases[input.to];
    else aliases[input.to] = input.expect;
  }
  const plan = planPromotion({ name: MODEL_NAME, version: mv, to: input.to, aliases, now: new Date().toISOString() });
  if (plan.noop || input.dryRun) {
    return { status: "reused", output: { ...plan, warnings: [] }, durationMs: Date.now() - t0 };
  }
  const applied = await applyPlan(ctx.registry, plan);
  ctx.log.info({ version: input.version, to: input.to, moves: plan.moves }, "promoted");
  return { status: "ran", output: applied, durationMs: Date.now() - t0 };
}

/** Undo the last promotion of `alias` (default champion): see planRollback. */
export async function rollback(
  ctx: PipelineContext,
  input: { alias?: string; dryRun?: boolean } = {},
): Promise<AppliedPlan> {
  const alias = input.alias ?? "champion";
  const model = await ctx.registry.getRegisteredModel(MODEL_NAME);
  const current = await ctx.registry.getAlias(MODEL_NAME, alias);
  const previous = alias === "champion" ? await ctx.registry.getAlias(MODEL_NAME, PREVIOUS_ALIAS) : null;
  const plan = planRollback({
    name: MODEL_NAME,
    alias,
    aliases: model.aliases,
    current,
    previous,
    now: new Date().toISOString(),
  });
  if (input.dryRun) return { ...plan, warnings: [] };
  const applied = await applyPlan(ctx.registry, plan);
  ctx.log.info({ alias, moves: plan.moves }, "rolled back");
  return applied;
}
