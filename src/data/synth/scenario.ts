import { RodentError } from "../../errors.js";
import { BOROUGHS } from "../records.js";

// Injected changes of the synthetic city, from --scenario-start on (issue 13 §7: every borough, step and gradual
// changes of rodent pressure, 311 reporting surges and drops, a heat wave, no change). A scenario is a string:
//   none
//   pressure:BOROUGH:±PCT[:rampWEEKS]   true rat pressure in one borough × (1 + PCT/100), at once or linearly
//                                        over WEEKS weeks; sightings and rodent findings follow it
//   reporting:FACTOR                    311 reports × FACTOR citywide (reporting only: pressure, inspections and
//                                        truth stay byte-identical to `none`)
//   heat-wave                           +10 °F on TMAX and TMIN for 28 days
// and the named presets below. BOROUGH is manhattan | bronx | brooklyn | queens | staten-island.

export type Scenario = string;

export type ScenarioSpec =
  | { kind: "none" }
  | { kind: "pressure"; borough: number; change: number; rampDays: number }
  | { kind: "reporting"; factor: number }
  | { kind: "heat-wave" };

export const SCENARIO_PRESETS: Record<string, string> = {
  "sanitation-program": "pressure:brooklyn:-40",
  "reporting-surge": "reporting:2",
  "reporting-drop": "reporting:0.5",
};

/** The named scenarios (help texts); any `pressure:…` or `reporting:…` string is valid too. */
export const SCENARIOS: readonly string[] = ["none", ...Object.keys(SCENARIO_PRESETS), "heat-wave"];

export const boroughSlug = (b: number) => BOROUGHS[b].toLowerCase().replace(/\s+/g, "-");

export function parseScenario(s: string): ScenarioSpec {
  const bad = (why: string) =>
    new RodentError("RODENT_ERR_INVALID_ARGUMENT", `scenario ${JSON.stringify(s)}: ${why}`, { field: "scenario" });
  const text = SCENARIO_PRESETS[s] ?? s;
  if (text === "none") return { kind: "none" };
  if (text === "heat-wave") return { kind: "heat-wave" };
  let m = /^pressure:([a-z-]+):([+-]?\d+(?:\.\d+)?)(?::ramp(\d+))?$/.exec(text);
  if (m) {
    const borough = BOROUGHS.findIndex((_, i) => boroughSlug(i) === m![1]);
    if (borough < 0) throw bad(`unknown borough ${m[1]} (${BOROUGHS.map((_, i) => boroughSlug(i)).join(", ")})`);
    const change = Number(m[2]) / 100;
    if (!(change > -1 && change <= 5)) throw bad("the change must be above -100% and at most +500%");
    return { kind: "pressure", borough, change, rampDays: m[3] ? Number(m[3]) * 7 : 0 };
  }
  m = /^reporting:(\d+(?:\.\d+)?)$/.exec(text);
  if (m) {
    const factor = Number(m[1]);
    if (!(factor > 0 && factor <= 10)) throw bad("the reporting factor must be in (0, 10]");
    return { kind: "reporting", factor };
  }
  throw bad(
    `expected ${SCENARIOS.join(" | ")} | pressure:BOROUGH:±PCT[:rampWEEKS] | reporting:FACTOR (e.g. pressure:queens:-30:ramp8)`,
  );
}

/** Multiplier on true pressure in a borough on a day. */
export function pressureFactor(spec: ScenarioSpec, start: number, boro: number, day: number): number {
  if (spec.kind !== "pressure" || boro !== spec.borough || day < start) return 1;
  const f = spec.rampDays > 0 ? Math.min(1, (day - start + 1) / spec.rampDays) : 1;
  return 1 + spec.change * f;
}

/** Multiplier on 311 reporting on a day (citywide). */
export function reportingFactor(spec: ScenarioSpec, start: number, day: number): number {
  return spec.kind === "reporting" && day >= start ? spec.factor : 1;
}
