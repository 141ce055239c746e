import { z } from "zod";
import type { ObjectStore } from "../data/index.js";
import { isRodentError, RodentError } from "../errors.js";
import { dayOfIso, isoOfDay, mondayOf, type Signal, type SignalKind } from "./window.js";

/**
 * When monitoring signals start a retrain (issue 13 §2, §4). Windows are spans of DATA time: one per week of the
 * data date (the day after the newest data); observing the same week again replaces that week's observation, so
 * calling the check twice in a minute is one window, not two. The policy is pure data; the state (windows seen,
 * acknowledged signals, the last start) lives in the object store (`monitor/trigger-state.json`), shared by every
 * process and pod, and survives restarts. It can never loop: a cool-down (in data days) after every start, at
 * most one run at a time, and a signal a retrain has already answered is acknowledged — still shown, no longer
 * counted — until it has been quiet for `ackQuietWeeks` windows. Acknowledgement is per signal key, so a change in
 * one borough never masks a later change in another, nor one feature another.
 */
export const TRIGGER_SIGNALS = ["feature_drift", "score_drift", "source_drift", "performance"] as const;

/**
 * Signals that count by default. Feature drift is shown and exported but does not start retrains unless a policy
 * asks for it: on both synthetic cities, with no change at all, columns of the population move beyond the rule
 * in some weeks of every year (a warmer spring, a waxing hot spot) while the model, which reads them, ranks as
 * well as before; a change a retrain can fix shows in the 311 stream, in the scores or in realised performance.
 */
export const DEFAULT_TRIGGER_SIGNALS = ["score_drift", "source_drift", "performance"] as const;

export const TriggerPolicySchema = z.object({
  /** Which signals count: population feature drift, score drift, the 311 stream, realised-performance drop. */
  signals: z
    .array(z.enum(TRIGGER_SIGNALS))
    .min(1)
    .default([...DEFAULT_TRIGGER_SIGNALS]),
  /** Fire only after this many consecutive weekly windows with a counted signal. */
  consecutive: z.number().int().min(1).max(52).default(2),
  /** No new start within this many days of data after the previous one. */
  cooldownDays: z.number().min(0).max(365).default(14),
  /** Feature drift must hit at least this many columns (other signals count alone). */
  minDriftedFeatures: z.number().int().min(1).default(1),
  /** An acknowledged signal is forgotten after this many windows without it. */
  ackQuietWeeks: z.number().int().min(1).max(52).default(4),
  /** A started run not reported finished after this many hours (wall clock) no longer blocks the next one. */
  maxRunHours: z
    .number()
    .min(0.1)
    .max(24 * 14)
    .default(24),
});
export type TriggerPolicy = z.infer<typeof TriggerPolicySchema>;
export const DEFAULT_TRIGGER_POLICY: TriggerPolicy = TriggerPolicySchema.parse({});

/** One window as the trigger sees it. */
export interface TriggerWindow {
  /** data date (YYYY-MM-DD): the window's week is the Monday of its week */
  dataDate: string;
  signals: Pick<Signal, "key" | "kind">[];
}

export interface ObservedWindow {
  week: string;
  data_date: string;
  signals: string[];
  counted: string[];
  fired: boolean;
  reason: string;
}

export interface TriggerState {
  version: 2;
  windows: ObservedWindow[];
  /** signal key → the week it was acknowledged and the last week it was seen */
  acknowledged: Record<string, { since: string; last_seen: string }>;
  /** data date of the last start */
  lastStart: string | null;
  running: boolean;
  /** wall-clock time of the start (ISO), for maxRunHours */
  runningSince: string | null;
}

export interface TriggerDecision {
  fire: boolean;
  reason: string;
  week: string;
  streak: number;
  /** signals that count in this window (not acknowledged, of a kind the policy uses) */
  signals: string[];
  acknowledged: string[];
}

export const INITIAL_TRIGGER_STATE: TriggerState = {
  version: 2,
  windows: [],
  acknowledged: {},
  lastStart: null,
  running: false,
  runningSince: null,
};

const HOUR = 3_600_000;

/** Pure: the next state and whether to fire, from the previous state and one window. */
export function decideTrigger(
  policy: TriggerPolicy,
  prev: TriggerState,
  w: TriggerWindow,
  now: Date = new Date(),
): { decision: TriggerDecision; state: TriggerState } {
  const day = dayOfIso(w.dataDate);
  const week = isoOfDay(mondayOf(day));
  const last = prev.windows.at(-1);
  if (last && last.week > week) {
    const reason = `data date ${w.dataDate} is older than the last window (${last.week}): nothing recorded`;
    return {
      decision: { fire: false, reason, week, streak: 0, signals: [], acknowledged: Object.keys(prev.acknowledged) },
      state: prev,
    };
  }
  const state: TriggerState = structuredClone(prev);
  // Re-observing a week replaces its observation (the week still counts once in a streak).
  if (last && last.week === week) state.windows.pop();
  const active = new Set(w.signals.map((s) => s.key));
  const weeksBetween = (a: string, b: string) => Math.round((dayOfIso(b) - dayOfIso(a)) / 7);
  for (const [key, a] of Object.entries(state.acknowledged)) {
    if (active.has(key)) a.last_seen = week;
    else if (weeksBetween(a.last_seen, week) >= policy.ackQuietWeeks) delete state.acknowledged[key];
  }
  const useful = w.signals.filter((s) => (policy.signals as readonly SignalKind[]).includes(s.kind));
  let counted = useful.filter((s) => !(s.key in state.acknowledged));
  if (counted.filter((s) => s.kind === "feature_drift").length < policy.minDriftedFeatures)
    counted = counted.filter((s) => s.kind !== "feature_drift");
  // Consecutive weeks (each exactly 7 days after the one before) with something counted, ending this week.
  let streak = counted.length ? 1 : 0;
  if (streak)
    for (let i = state.windows.length - 1, at = week; i >= 0; i--) {
      const o = state.windows[i];
      if (weeksBetween(o.week, at) !== 1 || o.counted.length === 0) break;
      streak++;
      at = o.week;
    }
  let running = state.running;
  let stale = "";
  if (running && state.runningSince && now.getTime() - Date.parse(state.runningSince) > policy.maxRunHours * HOUR) {
    running = false;
    stale = ` (the run started ${state.runningSince} is taken as over after ${policy.maxRunHours} h)`;
  }
  let fire = false;
  let reason: string;
  if (!counted.length)
    reason = useful.length ? `only acknowledged signals (${useful.map((s) => s.key).join(", ")})` : "no signal";
  else if (running) reason = `a retrain is already running (since ${state.runningSince})`;
  else if (streak < policy.consecutive)
    reason = `signal in ${streak} of ${policy.consecutive} consecutive weekly windows`;
  else if (state.lastStart && day - dayOfIso(state.lastStart) < policy.cooldownDays)
    reason = `cool-down: the last retrain started on data of ${state.lastStart}`;
  else {
    fire = true;
    reason = `retrain: ${counted.map((s) => s.key).join(" + ")} for ${streak} consecutive weekly windows`;
  }
  reason += stale;
  state.running = running;
  if (!running) state.runningSince = null;
  if (fire) {
    // What this retrain answers is acknowledged: still reported, no longer counted, until it goes quiet.
    for (const s of useful) state.acknowledged[s.key] ??= { since: week, last_seen: week };
    state.lastStart = w.dataDate;
    state.running = true;
    state.runningSince = now.toISOString();
  }
  state.windows.push({
    week,
    data_date: w.dataDate,
    signals: w.signals.map((s) => s.key),
    counted: counted.map((s) => s.key),
    fired: fire,
    reason,
  });
  state.windows = state.windows.slice(-200);
  return {
    decision: {
      fire,
      reason,
      week,
      streak,
      signals: counted.map((s) => s.key),
      acknowledged: Object.keys(state.acknowledged),
    },
    state,
  };
}

/** Something that starts the CT pipeline: in-process on one machine, an Argo submission on a cluster. */
export type Launcher = (reason: string) => Promise<{ id: string }>;

/** Where the trigger keeps its state between windows. */
export interface TriggerStateStore {
  load(): Promise<TriggerState | null>;
  save(s: TriggerState): Promise<void>;
}

/** Shared by every pod and job: the object store (a folder on one machine, S3 on a cluster). */
export const TRIGGER_STATE_KEY = "monitor/trigger-state.json";

export function objectStoreTriggerState(store: ObjectStore, key = TRIGGER_STATE_KEY): TriggerStateStore {
  return {
    async load() {
      try {
        const s = JSON.parse((await store.get(key)).toString("utf8")) as TriggerState;
        // Version 1 (wall-clock windows, one acknowledgement per signal type) is not carried over.
        return s.version === 2 ? s : null;
      } catch (e) {
        if (isRodentError(e, "RODENT_ERR_NOT_FOUND")) return null;
        throw e;
      }
    },
    save: (s) => store.put(key, JSON.stringify(s, null, 1)),
  };
}

export function memoryTriggerState(): TriggerStateStore {
  let s: TriggerState | null = null;
  return {
    load: async () => (s ? structuredClone(s) : null),
    save: async (x) => {
      s = structuredClone(x);
    },
  };
}

export class RetrainTrigger {
  constructor(
    readonly policy: TriggerPolicy,
    private readonly launch: Launcher,
    private readonly stateStore: TriggerStateStore = memoryTriggerState(),
  ) {}

  async state(): Promise<TriggerState> {
    return (await this.stateStore.load()) ?? structuredClone(INITIAL_TRIGGER_STATE);
  }

  /**
   * Observe one window; launches (and awaits the launch call, not the run) when the policy says so. A dry run
   * decides the same way and records nothing: no state is written and nothing starts.
   */
  async observe(
    w: TriggerWindow,
    opts: { dryRun?: boolean; now?: Date } = {},
  ): Promise<TriggerDecision & { launched: string | null; dryRun: boolean }> {
    const prev = await this.state();
    const { decision, state } = decideTrigger(this.policy, prev, w, opts.now);
    if (opts.dryRun) return { ...decision, launched: null, dryRun: true };
    await this.stateStore.save(state);
    if (!decision.fire) return { ...decision, launched: null, dryRun: false };
    try {
      const { id } = await this.launch(decision.reason);
      return { ...decision, launched: id, dryRun: false };
    } catch (e) {
      // Nothing started: the start is undone (no cool-down, nothing acknowledged), the window stays recorded.
      await this.stateStore.save({
        ...state,
        running: false,
        runningSince: null,
        lastStart: prev.lastStart,
        acknowledged: prev.acknowledged,
      });
      throw new RodentError("RODENT_ERR_SOURCE", `retrain launch failed: ${(e as Error).message}`, undefined, {
        cause: e,
      });
    }
  }

  /** Call when the launched run ends (either way): allows the next run after the cool-down. */
  async finished(): Promise<void> {
    const s = await this.state();
    await this.stateStore.save({ ...s, running: false, runningSince: null });
  }
}
