import type { GatePolicy } from "./gate-policy.js";

// The gate decision is a pure function of the two evaluations and the policy (plan, then apply):
// the pipeline logs and prints every check, so a refusal always comes with its numbers.

/** The part of the model stage's EvalMetrics the gate reads (structurally compatible with it). */
export interface GateSliceMetrics {
  auc: number;
  ece: number;
  lift_at: Record<string, number>;
  n: number;
  positives: number;
}
export interface GateMetrics extends GateSliceMetrics {
  by_borough: Record<string, GateSliceMetrics>;
}

export interface GateCheck {
  /** e.g. "floor.auc", "champion.auc", "champion.borough_auc" */
  name: string;
  /** "overall" or a borough name */
  scope: string;
  metric: "auc" | "lift_at_10" | "ece";
  candidate: number;
  /** The bound the candidate is held to (already including the tolerance). */
  threshold: number;
  comparison: ">=" | "<=";
  champion?: number;
  passed: boolean;
}

export interface GateDecision {
  passed: boolean;
  /** One line per failed check; when passing, short notes (e.g. "no champion: only floors apply"). */
  reasons: string[];
  checks: GateCheck[];
  /** Checks that could not be made (a borough with too few positives), with why. */
  skipped: string[];
}

const fmt = (x: number) => (Number.isFinite(x) ? Number(x.toFixed(4)).toString() : String(x));
const lift10 = (m: GateSliceMetrics) => m.lift_at["10"] ?? Number.NaN;

function check(
  checks: GateCheck[],
  c: Omit<GateCheck, "passed" | "comparison"> & { comparison?: ">=" | "<=" },
): GateCheck {
  const comparison = c.comparison ?? ">=";
  // A metric that cannot be computed (NaN) fails: the gate never passes on missing evidence.
  const passed =
    Number.isFinite(c.candidate) && (comparison === ">=" ? c.candidate >= c.threshold : c.candidate <= c.threshold);
  const out = { ...c, comparison, passed };
  checks.push(out);
  return out;
}

function describe(c: GateCheck): string {
  const where = c.scope === "overall" ? "" : ` in ${c.scope}`;
  const vs = c.champion === undefined ? "floor" : `champion ${fmt(c.champion)} with tolerance`;
  return `${c.metric}${where} ${fmt(c.candidate)} ${c.comparison === ">=" ? "<" : ">"} ${fmt(c.threshold)} (${vs})`;
}

/**
 * Decide whether a candidate may become challenger. Floors always apply; with a champion evaluated on the same
 * test window, the candidate may not be worse than it beyond the tolerances, overall and in every borough that
 * holds enough positives. Pure.
 */
export function decideGate(candidate: GateMetrics, champion: GateMetrics | null, policy: GatePolicy): GateDecision {
  const checks: GateCheck[] = [];
  const skipped: string[] = [];
  const { floors, tolerance } = policy;

  check(checks, {
    name: "floor.auc",
    scope: "overall",
    metric: "auc",
    candidate: candidate.auc,
    threshold: floors.auc,
  });
  check(checks, {
    name: "floor.lift_at_10",
    scope: "overall",
    metric: "lift_at_10",
    candidate: lift10(candidate),
    threshold: floors.lift_at_10,
  });
  check(checks, {
    name: "floor.ece",
    scope: "overall",
    metric: "ece",
    candidate: candidate.ece,
    threshold: floors.ece,
    comparison: "<=",
  });

  const notes: string[] = [];
  if (!champion) {
    notes.push("no champion yet: only the floors apply");
  } else {
    // Only compare where the champion's own number exists; a NaN champion metric can't hold anyone back.
    if (Number.isFinite(champion.auc))
      check(checks, {
        name: "champion.auc",
        scope: "overall",
        metric: "auc",
        candidate: candidate.auc,
        champion: champion.auc,
        threshold: champion.auc - tolerance.auc,
      });
    if (Number.isFinite(lift10(champion)))
      check(checks, {
        name: "champion.lift_at_10",
        scope: "overall",
        metric: "lift_at_10",
        candidate: lift10(candidate),
        champion: lift10(champion),
        threshold: lift10(champion) - tolerance.lift_at_10,
      });
    if (Number.isFinite(champion.ece))
      check(checks, {
        name: "champion.ece",
        scope: "overall",
        metric: "ece",
        candidate: candidate.ece,
        champion: champion.ece,
        threshold: champion.ece + tolerance.ece,
        comparison: "<=",
      });
    const boroughs = new Set([...Object.keys(candidate.by_borough ?? {}), ...Object.keys(champion.by_borough ?? {})]);
    for (const b of [...boroughs].sort()) {
      const cb = candidate.by_borough?.[b];
      const hb = champion.by_borough?.[b];
      if (!cb || !hb) {
        skipped.push(`${b}: missing from the ${cb ? "champion" : "candidate"} evaluation`);
        continue;
      }
      if (cb.positives < policy.min_borough_positives || !Number.isFinite(hb.auc)) {
        skipped.push(`${b}: ${cb.positives} positives < ${policy.min_borough_positives}, not compared`);
        continue;
      }
      check(checks, {
        name: "champion.borough_auc",
        scope: b,
        metric: "auc",
        candidate: cb.auc,
        champion: hb.auc,
        threshold: hb.auc - tolerance.borough_auc,
      });
    }
  }
  const failed = checks.filter((c) => !c.passed);
  const passed = failed.length === 0;
  const reasons = passed ? [`passed ${checks.length} checks`, ...notes] : failed.map(describe);
  return { passed, reasons, checks, skipped };
}
