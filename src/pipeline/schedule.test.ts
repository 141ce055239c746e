import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { silentLogger } from "../util/log.js";
import { acquireRunLock } from "./run-lock.js";
import { DEFAULT_CRON, nextRuns, runTick, startSchedule, type TickOutcome } from "./schedule.js";

const tmpHome = () => mkdtempSync(path.join(os.tmpdir(), "rodent-sched-"));

describe("schedule", () => {
  it("fires Mondays 06:00 New York time across DST", () => {
    const [winter] = nextRuns(DEFAULT_CRON, 1, new Date("2026-01-01T00:00:00Z"));
    expect(winter!.toISOString()).toBe("2026-01-05T11:00:00.000Z"); // EST = UTC-5
    const [summer] = nextRuns(DEFAULT_CRON, 1, new Date("2026-07-01T00:00:00Z"));
    expect(summer!.toISOString()).toBe("2026-07-06T10:00:00.000Z"); // EDT = UTC-4
  });

  it("rejects a bad expression naming the flag", () => {
    expect(() => nextRuns("61 * * * *", 1)).toThrow(/--cron/);
  });

  it("a tick skips while another holder has the lock, and runs once it is free", async () => {
    const home = tmpHome();
    const held = await acquireRunLock(home, "manual run");
    let ran = 0;
    expect(await runTick(home, async () => ++ran, silentLogger)).toEqual({ status: "skipped-locked" });
    await held.release();
    expect(await runTick(home, async () => ++ran, silentLogger)).toEqual({ status: "ran", result: 1 });
    const failed = await runTick(
      home,
      async () => {
        throw new Error("boom");
      },
      silentLogger,
    );
    expect(failed).toEqual({ status: "failed", error: "boom" });
  });

  it("never runs two ticks at once even when a run outlasts the interval", async () => {
    const home = tmpHome();
    let active = 0;
    let maxActive = 0;
    const outcomes: TickOutcome[] = [];
    const s = startSchedule({
      cron: "* * * * * *", // every second
      home,
      log: silentLogger,
      job: async () => {
        active++;
        maxActive = Math.max(maxActive, active);
        await new Promise((r) => setTimeout(r, 1600));
        active--;
      },
      onTick: (o) => outcomes.push(o),
    });
    expect(s.nextRun()).not.toBeNull();
    await new Promise((r) => setTimeout(r, 4200));
    s.stop();
    expect(maxActive).toBe(1);
    expect(outcomes.filter((o) => o.status === "ran").length).toBeGreaterThanOrEqual(1);
  });
});
