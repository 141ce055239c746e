import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { RodentError } from "../errors.js";

/**
 * When monitoring signals start a retrain (issue 7 §4). The policy is pure data; `RetrainTrigger` keeps the
 * state (consecutive windows, last start) in a JSON file so that it survives restarts and is shared by
 * processes. It can never loop: a cool-down after every start, and at most one run at a time.
 */
export const TriggerPolicySchema = z.object({
  /** Which signals count: feature drift, score drift, realised-performance drop. */
  signals: z
    .array(z.enum(["feature_drift", "score_drift", "performance"]))
    .min(1)
    .default(["feature_drift", "score_drift", "performance"]),
  /** Fire only after this many consecutive windows with a counted signal (a single noisy window is ignored). */
  consecutive: z.number().int().min(1).max(52).default(2),
  /** No new start within this many days of the previous one. */
  cooldownDays: z.number().min(0).max(365).default(14),
  /** Feature drift must hit at least this many columns (score drift and performance count alone). */
  minDriftedFeatures: z.number().int().min(1).default(1),
});
export type TriggerPolicy = z.infer<typeof TriggerPolicySchema>;
export const DEFAULT_TRIGGER_POLICY: TriggerPolicy = TriggerPolicySchema.parse({});

export interface WindowSignals {
  /** End of the observed window (ISO date or datetime). */
  at: string;
  driftedFeatures: string[];
  scoreDrift: boolean;
  performanceDrop: boolean;
}

export interface TriggerState {
  streak: number;
  lastStart: string | null;
  running: boolean;
  runningSince: string | null;
  history: { at: string; fired: boolean; reason: string }[];
}

export interface TriggerDecision {
  fire: boolean;
  reason: string;
  streak: number;
  signals: string[];
}

const DAY = 86_400_000;

/** Pure: the next state and whether to fire, from the previous state and one window's signals. */
export function decideTrigger(
  policy: TriggerPolicy,
  state: TriggerState,
  w: WindowSignals,
): { decision: TriggerDecision; state: TriggerState } {
  const signals: string[] = [];
  if (policy.signals.includes("feature_drift") && w.driftedFeatures.length >= policy.minDriftedFeatures)
    signals.push(`feature_drift(${w.driftedFeatures.join(",")})`);
  if (policy.signals.includes("score_drift") && w.scoreDrift) signals.push("score_drift");
  if (policy.signals.includes("performance") && w.performanceDrop) signals.push("performance");
  const streak = signals.length ? state.streak + 1 : 0;
  let fire = false;
  let reason: string;
  if (!signals.length) reason = "no signal";
  else if (state.running) reason = "a retrain is already running";
  else if (streak < policy.consecutive) reason = `signal in ${streak} of ${policy.consecutive} consecutive windows`;
  else if (state.lastStart && Date.parse(w.at) - Date.parse(state.lastStart) < policy.cooldownDays * DAY)
    reason = `cool-down: last retrain started ${state.lastStart}`;
  else {
    fire = true;
    reason = `retrain: ${signals.join(" + ")} for ${streak} consecutive windows`;
  }
  const next: TriggerState = {
    streak: fire ? 0 : streak,
    lastStart: fire ? w.at : state.lastStart,
    running: state.running || fire,
    runningSince: fire ? w.at : state.runningSince,
    history: [...state.history, { at: w.at, fired: fire, reason }].slice(-200),
  };
  return { decision: { fire, reason, streak, signals }, state: next };
}

export const INITIAL_TRIGGER_STATE: TriggerState = {
  streak: 0,
  lastStart: null,
  running: false,
  runningSince: null,
  history: [],
};

/** Something that starts the CT pipeline: in-process on one machine, an Argo submission on a cluster. */
export type Launcher = (reason: string) => Promise<{ id: string }>;

export class RetrainTrigger {
  private state: TriggerState;
  constructor(
    readonly policy: TriggerPolicy,
    private readonly launch: Launcher,
    private readonly stateFile?: string,
  ) {
    this.state =
      stateFile && fs.existsSync(stateFile)
        ? (JSON.parse(fs.readFileSync(stateFile, "utf8")) as TriggerState)
        : structuredClone(INITIAL_TRIGGER_STATE);
  }
  get current(): TriggerState {
    return this.state;
  }
  private save() {
    if (!this.stateFile) return;
    fs.mkdirSync(path.dirname(this.stateFile), { recursive: true });
    const tmp = `${this.stateFile}.tmp-${process.pid}`;
    fs.writeFileSync(tmp, JSON.stringify(this.state, null, 1));
    fs.renameSync(tmp, this.stateFile);
  }
  /** Observe one window; launches (and awaits the launch call, not the run) when the policy says so. */
  async observe(w: WindowSignals): Promise<TriggerDecision & { launched?: string }> {
    const { decision, state } = decideTrigger(this.policy, this.state, w);
    this.state = state;
    this.save();
    if (!decision.fire) return decision;
    try {
      const { id } = await this.launch(decision.reason);
      return { ...decision, launched: id };
    } catch (e) {
      this.finished();
      throw new RodentError("RODENT_ERR_SOURCE", `retrain launch failed: ${(e as Error).message}`, undefined, {
        cause: e,
      });
    }
  }
  /** Call when the launched run ends (either way): allows the next run after the cool-down. */
  finished(): void {
    this.state = { ...this.state, running: false, runningSince: null };
    this.save();
  }
}
