import { readManifest } from "../data/index.js";
import { isRodentError } from "../errors.js";
import type { Model } from "../model/index.js";
import type { PipelineContext } from "./context.js";
import { loadRunModel } from "./model-loader.js";
import { MODEL_NAME, VERSION_TAGS } from "./promotion.js";

/** A version that has been champion, placed in data time. */
export interface ChampionSpan {
  version: string;
  runId: string;
  /** the newest inspection day of its training snapshot: it became champion for data dates after this day */
  dataEnd: string;
  /** the first day it was never fitted on (its test window's start): it may score inspections from here */
  honestFrom: string | null;
}

/**
 * Every version that has been champion, ordered by the end of its training data (issue 13 §5). In data time a
 * version is "the champion of its time" from the day after its training data ends until the next one's starts;
 * before the first champion's data ends, the first champion still scores honestly the inspections of its own
 * test window (it never fitted on them). Rolled-back versions were champions for their time and count.
 */
export async function championHistory(
  ctx: Pick<PipelineContext, "registry" | "tracker" | "store">,
): Promise<ChampionSpan[]> {
  await ctx.registry.createRegisteredModel(MODEL_NAME);
  const versions = await ctx.registry.listModelVersions(MODEL_NAME);
  const out: ChampionSpan[] = [];
  for (const mv of versions) {
    if (!(VERSION_TAGS.promotedAt in mv.tags) && !mv.aliases.includes("champion")) continue;
    const snap = mv.tags[VERSION_TAGS.snapshotId];
    let dataEnd: string | null = null;
    try {
      dataEnd = snap ? ((await readManifest(ctx.store, snap)).datasets.inspections?.max_date ?? null) : null;
    } catch (e) {
      if (!isRodentError(e, "RODENT_ERR_NOT_FOUND")) throw e;
    }
    if (!dataEnd) continue;
    let honestFrom: string | null = null;
    try {
      honestFrom = (await ctx.tracker.getRun(mv.runId)).params.test_from ?? null;
    } catch (e) {
      if (!isRodentError(e, "RODENT_ERR_NOT_FOUND")) throw e;
    }
    out.push({ version: mv.version, runId: mv.runId, dataEnd, honestFrom });
  }
  return out.sort((a, b) => a.dataEnd.localeCompare(b.dataEnd) || Number(a.version) - Number(b.version));
}

/** Which span scores an inspection on `day` (ISO): the last one whose data ended before it, else the first in its test window. */
export function championOfDay(spans: ChampionSpan[], day: string): ChampionSpan | null {
  let pick: ChampionSpan | null = null;
  for (const s of spans) if (s.dataEnd < day) pick = s;
  if (pick) return pick;
  const first = spans[0];
  return first?.honestFrom && first.honestFrom <= day ? first : null;
}

/** Load each champion's model once, on demand. */
export function championModels(ctx: Pick<PipelineContext, "tracker">): (s: ChampionSpan) => Promise<Model> {
  const cache = new Map<string, Promise<Model>>();
  return (s) => {
    const m = cache.get(s.version) ?? loadRunModel(ctx.tracker, s.runId);
    cache.set(s.version, m);
    return m;
  };
}
