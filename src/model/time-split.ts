// Out-of-time split: the last `testMonths` of the data are the test window (never used for fitting, early
// stopping or calibration), the `validMonths` before it the validation window, everything earlier is training.
import { RodentError } from "../errors.js";

const DAY_MS = 86_400_000;

function addMonths(day: number, months: number): number {
  const d = new Date(day * DAY_MS);
  const r = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, d.getUTCDate());
  return Math.round(r / DAY_MS);
}

export interface TimeSplit {
  train: Int32Array;
  valid: Int32Array;
  test: Int32Array;
  /** first day number of the validation and test windows */
  validStart: number;
  testStart: number;
}

export function timeSplit(day: Int32Array, opts: { testMonths: number; validMonths: number }): TimeSplit {
  if (!(opts.testMonths > 0) || !(opts.validMonths > 0)) {
    throw new RodentError("RODENT_ERR_INVALID_ARGUMENT", "timeSplit: testMonths and validMonths must be > 0", {
      ...opts,
    });
  }
  if (day.length === 0) throw new RodentError("RODENT_ERR_INVALID_ARGUMENT", "timeSplit: no rows to split");
  let max = day[0];
  for (let i = 1; i < day.length; i++) if (day[i] > max) max = day[i];
  const testStart = addMonths(max + 1, -opts.testMonths);
  const validStart = addMonths(testStart, -opts.validMonths);
  const train: number[] = [];
  const valid: number[] = [];
  const test: number[] = [];
  for (let i = 0; i < day.length; i++) {
    const d = day[i];
    if (d >= testStart) test.push(i);
    else if (d >= validStart) valid.push(i);
    else train.push(i);
  }
  return {
    train: Int32Array.from(train),
    valid: Int32Array.from(valid),
    test: Int32Array.from(test),
    validStart,
    testStart,
  };
}
