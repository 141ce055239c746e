import { RodentError } from "../errors.js";
import type { ModelVersion, Registry } from "../tracking/index.js";

// Promotion as plan, then apply: planPromotion/planRollback are pure (what --json prints as the plan),
// applyPlan performs the alias moves as compare-and-sets in a fixed order. The first move is the decisive
// one (e.g. champion): if someone else moved that alias since we read it, nothing at all changes.

export const MODEL_NAME = "rodent-risk";
/** Aliases a version can be promoted to, in the order of the cluster flow (staging → canary → champion). */
export const PROMOTE_TARGETS = ["staging", "canary", "challenger", "champion"] as const;
export type PromoteTarget = (typeof PROMOTE_TARGETS)[number];
/** Where the champion before the current one stays reachable, for rollback. */
export const PREVIOUS_ALIAS = "previous";

export const VERSION_TAGS = {
  snapshotId: "rodent.snapshot_id",
  featureSchemaVersion: "rodent.feature_schema_version",
  gate: "rodent.gate",
  gateReasons: "rodent.gate_reasons",
  runId: "rodent.run_id",
  previousChampion: "rodent.previous_champion",
  promotedAt: "rodent.promoted_at",
  rolledBackAt: "rodent.rolled_back_at",
} as const;

export interface AliasMove {
  alias: string;
  /** The version we expect the alias to point at now (null = unset): the compare in compare-and-set. */
  from: string | null;
  /** New version, or null to remove the alias. */
  to: string | null;
}

export interface AliasPlan {
  name: string;
  action: "promote" | "rollback";
  version: string;
  alias: string;
  /** Nothing to do: the alias already points there. */
  noop: boolean;
  moves: AliasMove[];
  tags: { version: string; key: string; value: string }[];
}

export function isPromoteTarget(s: string): s is PromoteTarget {
  return (PROMOTE_TARGETS as readonly string[]).includes(s);
}

/**
 * Plan moving `to` onto `version`. `aliases` is the registered model's current alias → version map.
 * A version the gate refused is never promoted (RODENT_ERR_GATE). Moving champion keeps the outgoing
 * champion reachable as `previous` (and as a tag on the new one) and clears graduated aliases pointing at it.
 */
export function planPromotion(input: {
  name?: string;
  version: ModelVersion;
  to: PromoteTarget;
  aliases: Record<string, string>;
  now: string;
}): AliasPlan {
  const { version: mv, to, aliases, now } = input;
  const name = input.name ?? mv.name;
  const v = mv.version;
  if (mv.tags[VERSION_TAGS.gate] === "refused") {
    throw new RodentError(
      "RODENT_ERR_GATE",
      `version ${v} of ${name} was refused by the gate (${mv.tags[VERSION_TAGS.gateReasons] ?? "no reasons recorded"}); it never gets an alias`,
      { version: v },
    );
  }
  const cur = aliases[to] ?? null;
  const plan: AliasPlan = { name, action: "promote", version: v, alias: to, noop: cur === v, moves: [], tags: [] };
  if (plan.noop) return plan;
  plan.moves.push({ alias: to, from: cur, to: v });
  if (to === "champion") {
    if (cur !== null) {
      plan.moves.push({ alias: PREVIOUS_ALIAS, from: aliases[PREVIOUS_ALIAS] ?? null, to: cur });
      plan.tags.push({ version: v, key: VERSION_TAGS.previousChampion, value: cur });
    }
    for (const a of ["challenger", "canary", "staging"]) {
      if (aliases[a] === v) plan.moves.push({ alias: a, from: v, to: null });
    }
    plan.tags.push({ version: v, key: VERSION_TAGS.promotedAt, value: now });
  }
  return plan;
}

/**
 * Plan a rollback of `alias`. For champion: the previous champion comes back, `previous` walks one step further
 * back along the chain of rodent.previous_champion tags (so rollbacks can be repeated), and the rolled-back
 * version is tagged. For any other alias (a canary, a challenger): the alias is removed, so traffic returns to
 * the champion.
 */
export function planRollback(input: {
  name: string;
  alias: string;
  aliases: Record<string, string>;
  /** Current holder of the alias. */
  current: ModelVersion | null;
  /** The version `previous` points at (only read for champion). */
  previous: ModelVersion | null;
  now: string;
}): AliasPlan {
  const { name, alias, aliases, current, previous, now } = input;
  if (!current)
    throw new RodentError("RODENT_ERR_NOT_FOUND", `alias ${alias} of ${name} is not set: nothing to roll back`);
  const plan: AliasPlan = {
    name,
    action: "rollback",
    version: current.version,
    alias,
    noop: false,
    moves: [],
    tags: [],
  };
  if (alias !== "champion") {
    plan.moves.push({ alias, from: current.version, to: null });
    return plan;
  }
  if (!previous || previous.version === current.version) {
    throw new RodentError(
      "RODENT_ERR_NOT_FOUND",
      `no previous champion of ${name} to roll back to (alias ${PREVIOUS_ALIAS} is unset)`,
    );
  }
  plan.version = previous.version;
  plan.moves.push({ alias: "champion", from: current.version, to: previous.version });
  const before = previous.tags[VERSION_TAGS.previousChampion];
  plan.moves.push({
    alias: PREVIOUS_ALIAS,
    from: aliases[PREVIOUS_ALIAS] ?? null,
    to: before && before !== current.version ? before : null,
  });
  plan.tags.push({ version: current.version, key: VERSION_TAGS.rolledBackAt, value: now });
  return plan;
}

export interface AppliedPlan extends AliasPlan {
  /** Moves after the decisive first one that found their alias changed meanwhile (left as they were). */
  warnings: string[];
}

/** Perform the plan's moves as compare-and-sets, the decisive first move first; then the tags. */
export async function applyPlan(registry: Registry, plan: AliasPlan): Promise<AppliedPlan> {
  const warnings: string[] = [];
  for (const [i, m] of plan.moves.entries()) {
    try {
      if (m.to === null) await registry.deleteAlias(plan.name, m.alias, { expect: m.from });
      else await registry.setAlias(plan.name, m.alias, m.to, { expect: m.from });
    } catch (e) {
      // The first move failing means someone else won: nothing changed, report the conflict as is.
      if (i === 0 || (e as { code?: string }).code !== "RODENT_ERR_CONFLICT") throw e;
      warnings.push(`${m.alias}: ${(e as Error).message}`);
    }
  }
  for (const t of plan.tags) await registry.setModelVersionTag(plan.name, t.version, t.key, t.value);
  return { ...plan, warnings };
}
