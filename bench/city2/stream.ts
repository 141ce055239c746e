import { isoToDay } from "../../src/data/synth/dates.js";
import { type Stream, type StreamOptions, streamFromRows } from "../ct-stream.js";
import { sightings } from "./sightings.js";
import { World } from "./world.js";

/** The second city's 311 stream as (day, borough), without writing files: for the detector bench. */
export async function city2Stream(o: StreamOptions): Promise<Stream> {
  const world = new World({
    seed: o.seed,
    from: isoToDay(o.from),
    to: isoToDay(o.to),
    scenario: o.scenario,
    scenarioStart: isoToDay(o.scenarioStart),
  });
  const rows: { day: number; borough: number }[] = [];
  for (const s of sightings(world, { seed: o.seed, scale: o.scale })) rows.push({ day: s.day, borough: s.borough });
  return streamFromRows(rows);
}
