import { Cron } from "croner";
import { isRodentError, RodentError } from "../errors.js";
import type { Logger } from "../util/log.js";
import { withRunLock } from "./run-lock.js";

// The single-machine scheduler: croner fires in New York time (DST handled by croner), each tick runs the job
// under the RODENT_HOME run lock. `protect` keeps ticks from overlapping inside this process; the lock keeps
// them from overlapping with any other process (a manual `rodent pipeline run`, a second scheduler).

export const DEFAULT_CRON = "0 6 * * 1"; // Mondays 06:00, before inspectors plan the week
export const SCHEDULE_TIME_ZONE = "America/New_York";

export type TickOutcome =
  | { status: "ran"; result: unknown }
  | { status: "skipped-locked" }
  | { status: "failed"; error: string };

export function parseCron(expr: string, timezone = SCHEDULE_TIME_ZONE): Cron {
  try {
    return new Cron(expr, { paused: true, timezone });
  } catch (e) {
    throw new RodentError("RODENT_ERR_INVALID_ARGUMENT", `--cron ${JSON.stringify(expr)}: ${(e as Error).message}`, {
      field: "cron",
    });
  }
}

/** The next n fire times of a cron expression in New York time, from `from` (default now). */
export function nextRuns(expr: string, n: number, from?: Date): Date[] {
  return parseCron(expr).nextRuns(n, from);
}

/** Run `job` once under the run lock; a held lock is a skip, not an error (the other run does the work). */
export async function runTick(home: string, job: () => Promise<unknown>, log: Logger): Promise<TickOutcome> {
  try {
    const result = await withRunLock(home, job, "scheduled pipeline run");
    return { status: "ran", result };
  } catch (e) {
    if (isRodentError(e, "RODENT_ERR_LOCKED")) {
      log.warn({ err: e.message }, "another pipeline run holds the lock; skipping this tick");
      return { status: "skipped-locked" };
    }
    log.error({ err: (e as Error).message }, "scheduled pipeline run failed; the schedule continues");
    return { status: "failed", error: (e as Error).message };
  }
}

export interface RunningSchedule {
  cron: string;
  timezone: string;
  nextRun(): Date | null;
  stop(): void;
}

export function startSchedule(opts: {
  cron: string;
  home: string;
  log: Logger;
  job: () => Promise<unknown>;
  onTick?: (o: TickOutcome) => void;
}): RunningSchedule {
  parseCron(opts.cron); // validate with a clear error before starting
  const job = new Cron(opts.cron, { timezone: SCHEDULE_TIME_ZONE, protect: true }, async () => {
    const o = await runTick(opts.home, opts.job, opts.log);
    opts.onTick?.(o);
  });
  return {
    cron: opts.cron,
    timezone: SCHEDULE_TIME_ZONE,
    nextRun: () => job.nextRun(),
    stop: () => job.stop(),
  };
}
