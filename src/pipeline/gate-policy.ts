import { readFileSync } from "node:fs";
import YAML from "yaml";
import { z } from "zod";
import { RodentError } from "../errors.js";

// The gate policy: absolute floors every candidate must clear, and how much worse than the champion
// (on the same test window) it may be. Defaults are documented in docs/architecture.md "Gates"; change one there too.
const Floors = z
  .object({
    /** ROC-AUC on the test window, overall. */
    auc: z.number().min(0).max(1).default(0.6),
    /** Lift at the top 10% of each week's inspections, overall. */
    lift_at_10: z.number().min(0).default(1.5),
    /** Expected calibration error (10 bins), overall: the served probabilities must mean what they say. */
    ece: z.number().min(0).max(1).default(0.05),
  })
  .strict();

const Tolerance = z
  .object({
    /** Candidate AUC may be at most this much below the champion's, overall. */
    auc: z.number().min(0).max(1).default(0.01),
    /** ... and in every borough (noisier, hence wider). */
    borough_auc: z.number().min(0).max(1).default(0.03),
    /** Candidate lift@10% may be at most this much below the champion's, overall. */
    lift_at_10: z.number().min(0).default(0.1),
    /** Candidate ECE may be at most this much above the champion's, overall. */
    ece: z.number().min(0).max(1).default(0.02),
  })
  .strict();

export const GatePolicySchema = z
  .object({
    floors: Floors.default(Floors.parse({})),
    tolerance: Tolerance.default(Tolerance.parse({})),
    /** A borough is compared only when its test window holds at least this many positives (AUC is noise below). */
    min_borough_positives: z.number().int().min(0).default(30),
  })
  .strict();

export type GatePolicy = z.infer<typeof GatePolicySchema>;

export const DEFAULT_GATE_POLICY: GatePolicy = Object.freeze(GatePolicySchema.parse({}));

/** Validate a policy object (missing fields take the defaults). RODENT_ERR_INVALID_ARGUMENT names the field. */
export function parseGatePolicy(raw: unknown, origin = "gate policy"): GatePolicy {
  const r = GatePolicySchema.safeParse(raw ?? {});
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const field = issue.path.join(".") || "(root)";
    throw new RodentError("RODENT_ERR_INVALID_ARGUMENT", `${origin}: ${field}: ${issue.message}`, { field });
  }
  return r.data;
}

/** Load a YAML or JSON policy file; no path → the defaults. */
export function loadGatePolicy(path?: string): GatePolicy {
  if (!path) return DEFAULT_GATE_POLICY;
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new RodentError("RODENT_ERR_NOT_FOUND", `gate policy file ${path}: ${(e as Error).message}`, { path });
  }
  let raw: unknown;
  try {
    // YAML is a superset of JSON, so one parser reads both.
    raw = YAML.parse(text);
  } catch (e) {
    throw new RodentError("RODENT_ERR_FILE_FORMAT", `gate policy file ${path}: ${(e as Error).message}`, { path });
  }
  return parseGatePolicy(raw, `gate policy file ${path}`);
}
