// Restaurants and their inspections. Each restaurant is simulated on its own seeded stream, start to finish, and its
// rows are streamed out at once, so memory does not grow with the city. Nothing here interacts across restaurants:
// neighbours share only the pressure field.
//
// The truth: at a sanitary inspection on day t, a rodent (04K/04L) finding has probability
//   p = 1 − exp(−exp(η)),  η = B0 + log P(x, t) + 0.6·h + 0.9·[rodent at previous inspection]
//                              + 0.3·min(past rodent inspections, 3) + cuisine + inspection-type effects
// where P is the pressure field (seasonal, weather- and scenario-dependent) and h the restaurant's persistent latent
// hygiene, which also drives how many other violations it gets (so it is visible through scores). With the
// complementary log-log link p ≈ exp(η) at these rates, so a 40 % fall in pressure lowers p by about 40 %.
import { BOROUGHS, NYC_BBOX } from "../records.js";
import {
  ACTION,
  ADMIN_CODES,
  ORDINARY,
  TYPE,
  V04K,
  V04L,
  V04M,
  V04N,
  V08A,
  V08C,
  type ViolationCode,
} from "./codes.js";
import { csvField, type GzCsvWriter } from "./csv-out.js";
import { dayToUs, weekday } from "./dates.js";
import { drawBuilding, drawName, drawPhone } from "./names.js";
import type { PressureField } from "./pressure.js";
import { AliasTable, hashSeed, Rng } from "./prng.js";
import type { Reference, RestaurantAnchor } from "./reference.js";

/** Active restaurants at scale 1. */
export const ACTIVE_AT_SCALE_1 = 27_000;
/** Yearly share of restaurants that close for good (replaced by openings). */
export const CHURN_PER_YEAR = 0.09;
const B0 = -2.95;
const HYGIENE_EFFECT = 0.6;
const PREV_RODENT_EFFECT = 0.9;
const PAST_RODENT_EFFECT = 0.3;

export const INSPECTIONS_HEADER =
  "CAMIS,DBA,BORO,BUILDING,STREET,ZIPCODE,PHONE,CUISINE DESCRIPTION,INSPECTION DATE,ACTION,VIOLATION CODE," +
  "VIOLATION DESCRIPTION,CRITICAL FLAG,SCORE,GRADE,GRADE DATE,RECORD DATE,INSPECTION TYPE,Latitude,Longitude," +
  "Community Board,Council District,Census Tract,BIN,BBL,NTA,Location";
export const TRUTH_HEADER = "CAMIS,INSPECTION DATE,INSPECTION TYPE,P_TRUE";

const M_PER_DEG_LAT = 111_000;
const M_PER_DEG_LON = 84_300;

export interface RestaurantStats {
  restaurants: number;
  activeAtEnd: number;
  neverInspected: number;
  inspections: number;
  sanitaryInspections: number;
  rodentInspections: number;
  meanPTrue: number;
  byType: Record<string, number>;
}

interface Ctx {
  ref: Reference;
  field: PressureField;
  seed: number;
  from: number;
  to: number;
  recordDate: string;
  cuisineTables: AliasTable[];
  inspections: GzCsvWriter;
  truth: GzCsvWriter;
  stats: RestaurantStats;
  sumP: number;
}

/** Pre-formatted "code,description,flag" triples (CSV-escaped once). */
const triple = (v: ViolationCode) => `${v.code},${csvField(v.description)},${v.critical}`;
const ORDINARY_TRIPLES = ORDINARY.map(triple);
const ORDINARY_TABLE = new AliasTable(ORDINARY.map((v) => v.weight));
const T04K = triple(V04K);
const T04L = triple(V04L);
const T04M = triple(V04M);
const T04N = triple(V04N);
const T08A = triple(V08A);
const T08C = triple(V08C);
const EMPTY_TRIPLE = ",,Not Applicable";

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** A small fixed rodent-risk effect per cuisine (kitchens with grain, produce or long hours attract more). */
const CUISINE_EFFECT = new Map<string, number>();
function cuisineEffect(cuisine: string): number {
  let e = CUISINE_EFFECT.get(cuisine);
  if (e === undefined) {
    e = 0.3 * (hashSeed(...Array.from(cuisine, (ch) => ch.charCodeAt(0))) / 4294967296 - 0.5);
    CUISINE_EFFECT.set(cuisine, e);
  }
  return e;
}

interface Place {
  camis: string;
  lat: number;
  lon: number;
  boro: number;
  prefix: string; // CAMIS..CUISINE DESCRIPTION,
  prefixNoCuisine: string; // for the never-inspected placeholder (the export leaves cuisine empty)
  suffix: string; // ,Latitude..Location
  h: number;
  cuisineEff: number;
  chain: boolean;
}

function makePlace(ctx: Ctx, rng: Rng, camis: string): Place {
  const { ref } = ctx;
  const a: RestaurantAnchor = ref.restaurants[Math.floor(rng.next() * ref.restaurants.length)];
  // Jitter ~120 m around the real location, clamped into the box.
  const lat = clamp(a.lat + (120 * rng.normal()) / M_PER_DEG_LAT, NYC_BBOX.minLat + 1e-4, NYC_BBOX.maxLat - 1e-4);
  const lon = clamp(a.lon + (120 * rng.normal()) / M_PER_DEG_LON, NYC_BBOX.minLon + 1e-4, NYC_BBOX.maxLon - 1e-4);
  const boro = a.boro;
  const table = ctx.cuisineTables[boro];
  const cuisine =
    a.cuisine && rng.next() < 0.5 ? a.cuisine : ref.cuisines[boro].labels[table.draw(rng)] || a.cuisine || "American";
  const name = drawName(rng, cuisine);
  const building = drawBuilding(rng, boro);
  const phone = drawPhone(rng, boro);
  const latS = lat.toFixed(9);
  const lonS = lon.toFixed(9);
  const bin = `${boro + 1}${String(rng.int(0, 999999)).padStart(6, "0")}`;
  const bbl = `${boro + 1}${String(rng.int(1, 16000)).padStart(5, "0")}${String(rng.int(1, 200)).padStart(4, "0")}`;
  const head = `${camis},${csvField(name.dba)},${BOROUGHS[boro]},${csvField(building)},${csvField(a.street)},${a.zip},${phone},`;
  return {
    camis,
    lat,
    lon,
    boro,
    prefix: `${head}${csvField(cuisine)},`,
    prefixNoCuisine: head + ",",
    suffix: `,${latS},${lonS},${a.communityBoard},${a.councilDistrict},${a.censusTract},${bin},${bbl},${a.nta},POINT (${lonS} ${latS})`,
    h: rng.normal() - (name.chain ? 0.3 : 0),
    cuisineEff: cuisineEffect(cuisine),
    chain: name.chain,
  };
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, v));
}

interface Event {
  day: number;
  type: string;
  lines: string[];
  truth: string;
}

interface History {
  prevRodent: number;
  pastRodent: number;
  prevPest: number;
}

type SanitaryKind = "initial" | "re" | "reopen";

interface Outcome {
  score: number;
  rodent: boolean;
  closed: boolean;
}

/** The truth: probability that a sanitary inspection on `day` finds rats or mice (see the header comment). */
function rodentProbability(ctx: Ctx, pl: Place, hist: History, day: number, typeEff: number): number {
  const P = ctx.field.spatial(pl.lat, pl.lon, pl.boro, day) * ctx.field.temporal(day);
  const eta =
    B0 +
    Math.log(P) +
    HYGIENE_EFFECT * pl.h +
    PREV_RODENT_EFFECT * hist.prevRodent +
    PAST_RODENT_EFFECT * Math.min(hist.pastRodent, 3) +
    pl.cuisineEff +
    typeEff;
  return clamp(1 - Math.exp(-Math.exp(eta)), 0.001, 0.95);
}

/** One sanitary inspection: draws its citations, writes its rows into `ev`, returns score and outcome. */
function sanitary(
  ctx: Ctx,
  rng: Rng,
  pl: Place,
  hist: History,
  day: number,
  type: string,
  kind: SanitaryKind,
  prePermit: boolean,
  grade: (score: number, closed: boolean) => string,
  ev: Event[],
): Outcome {
  const typeEff = kind === "reopen" ? -0.6 : kind === "re" ? -0.15 : prePermit ? -0.3 : 0;
  const p = rodentProbability(ctx, pl, hist, day, typeEff);
  const logP = Math.log(ctx.field.spatial(pl.lat, pl.lon, pl.boro, day) * ctx.field.temporal(day));
  const rodent = rng.next() < p;

  const cited: string[] = [];
  const points: number[] = [];
  let condMean = 0.5 + 0.3 * Math.max(0, pl.h);
  const cite = (t: string, base: number) => {
    cited.push(t);
    points.push(base + Math.min(3, rng.poisson(condMean)));
  };
  if (rodent) {
    // Mice dominate restaurant findings; rats are likelier where outdoor pressure is high.
    const ratShare = sigmoid(-1.8 + 0.8 * logP);
    const u = rng.next();
    if (u < 0.07) {
      cite(T04K, 5);
      cite(T04L, 5);
    } else if (u < 0.07 + ratShare) cite(T04K, 5);
    else cite(T04L, 5);
  }
  const roach = rng.next() < sigmoid(-2.9 + 0.9 * pl.h + 0.5 * hist.prevPest);
  if (roach) cite(T04M, 5);
  if (rng.next() < sigmoid(-3.0 + 0.6 * pl.h + 1.2 * (ctx.field.temporal(day) - 1))) cite(T04N, 5);
  if (rng.next() < sigmoid(-1.7 + 0.8 * pl.h + 1.6 * (rodent ? 1 : 0) + 0.3 * logP)) cite(T08A, 2);
  if (rng.next() < sigmoid(-3.6 + 0.5 * pl.h + 0.8 * (rodent || roach ? 1 : 0))) cite(T08C, 2);
  const lambda =
    Math.exp(0.85 + 0.38 * pl.h) * (kind === "re" ? 0.6 : kind === "reopen" ? 0.4 : 1) * (prePermit ? 0.85 : 1);
  const k = Math.min(10, rng.poisson(lambda));
  condMean = 0.4 + 0.3 * Math.max(0, pl.h);
  let used = 0; // bitmask over ORDINARY (fewer than 32 codes): never the same code twice in one inspection
  for (let i = 0; i < k; i++) {
    let j = ORDINARY_TABLE.draw(rng);
    for (let tries = 0; used & (1 << j) && tries < 20; tries++) j = ORDINARY_TABLE.draw(rng);
    if (used & (1 << j)) continue;
    used |= 1 << j;
    cite(ORDINARY_TRIPLES[j], ORDINARY[j].basePoints);
  }
  let score = 0;
  for (const v of points) score += v;

  const closed =
    kind !== "reopen" &&
    ((rodent && score >= 28 && rng.next() < 0.2) || (score >= 50 && rng.next() < 0.3) || (rodent && score >= 50));
  const g = grade(score, closed);
  const date = dayToUs(day);
  const gradePart = g ? `${g},${date}` : ",";
  const action =
    kind === "reopen" ? ACTION.reopened : closed ? ACTION.closed : cited.length ? ACTION.cited : ACTION.none;
  const mid = `${date},${csvField(action)},`;
  const tail = `,${score},${gradePart},${ctx.recordDate},${type}${pl.suffix}`;
  const lines: string[] = [];
  if (cited.length === 0) lines.push(pl.prefix + mid + EMPTY_TRIPLE + tail);
  for (const t of cited) lines.push(pl.prefix + mid + t + tail);
  ev.push({ day, type, lines, truth: `${pl.camis},${date},${type},${p.toFixed(6)}` });

  ctx.stats.sanitaryInspections++;
  if (rodent) ctx.stats.rodentInspections++;
  ctx.sumP += p;
  hist.prevRodent = rodent ? 1 : 0;
  hist.pastRodent += rodent ? 1 : 0;
  hist.prevPest = roach ? 1 : 0;
  return { score, rodent, closed };
}

function letter(score: number): "A" | "B" | "C" {
  return score < 14 ? "A" : score < 28 ? "B" : "C";
}

/** Next cycle's initial inspection after a cycle that ended on `day` with grade g. */
function nextCycle(rng: Rng, day: number, g: "A" | "B" | "C"): number {
  if (g === "A") return day + rng.int(320, 410);
  if (g === "B") return day + rng.int(150, 215);
  return day + rng.int(95, 150);
}

/** 7–58 days; a weekend shift adds at most 2, so re-inspections stay within DOHMH's 7–60 days. */
function reinspectionDelay(rng: Rng): number {
  return 7 + Math.min(51, Math.floor(rng.gamma(2) * 9));
}

/** Inspectors work Monday to Saturday, Saturdays lightly: Sundays and most Saturdays move to Monday. */
function workday(rng: Rng, day: number): number {
  const wd = weekday(day);
  if (wd === 6) return day + 1;
  if (wd === 5 && rng.next() < 0.7) return day + 2;
  return day;
}

/** Simulate one restaurant over [open, close] ∩ [from, to] and write its rows. */
function simulate(ctx: Ctx, idx: number, camis: string, open: number, close: number, isNew: boolean): void {
  const rng = Rng.stream(ctx.seed, 0x5e57, idx);
  const pl = makePlace(ctx, rng, camis);
  const end = Math.min(close, ctx.to);
  const hist: History = { prevRodent: 0, pastRodent: 0, prevPest: 0 };
  const ev: Event[] = [];
  const stats = ctx.stats;

  // A cycle: initial, a re-inspection within 7–60 days when the score is 14 or more, a reopening inspection
  // a few days after a closure; the cycle's grade sets when the next one starts.
  const cycle = (day: number, pre: boolean): number => {
    const tInit = pre ? TYPE.preInitial : TYPE.cycleInitial;
    const tRe = pre ? TYPE.preRe : TYPE.cycleRe;
    const tReopen = pre ? TYPE.preReopen : TYPE.cycleReopen;
    const init = sanitary(ctx, rng, pl, hist, day, tInit, "initial", pre, (s, c) => (s < 14 && !c ? "A" : ""), ev);
    let last = day;
    let g: "A" | "B" | "C" = "A";
    if (init.closed) {
      const r = workday(rng, day + rng.int(1, 6));
      if (r > end) return Number.POSITIVE_INFINITY;
      sanitary(ctx, rng, pl, hist, r, tReopen, "reopen", pre, () => "P", ev);
      last = r;
    }
    if (init.score >= 14 || init.closed) {
      const r = workday(rng, Math.max(day + reinspectionDelay(rng), last + 1));
      if (r > end) return Number.POSITIVE_INFINITY;
      const re = sanitary(
        ctx,
        rng,
        pl,
        hist,
        r,
        tRe,
        "re",
        pre,
        (s) => {
          const l = letter(s);
          // Grade Pending while a B or C is contested at the tribunal.
          return l !== "A" && rng.next() < 0.15 ? "Z" : l;
        },
        ev,
      );
      last = r;
      g = letter(re.score);
      if (re.closed) {
        const r2 = workday(rng, r + rng.int(1, 6));
        if (r2 > end) return Number.POSITIVE_INFINITY;
        sanitary(ctx, rng, pl, hist, r2, tReopen, "reopen", pre, () => "", ev);
        last = r2;
      }
    }
    return workday(rng, nextCycle(rng, last, g));
  };

  let inspected = false;
  if (isNew) {
    const first = workday(rng, open + rng.int(7, 75));
    if (first <= end) {
      let next = cycle(first, true);
      inspected = true;
      while (next <= end) next = cycle(next, false);
    }
  } else {
    // Already open at the start: its unseen past (the export, like DOHMH's, starts at `from`) still shapes its
    // risk. Its earlier inspections (about 1.6 a year over an exponential age) are drawn with the same model, so the
    // history state starts at its steady state instead of empty (which would make the rodent rate climb for years).
    const before = Math.min(15, Math.round(1.6 * rng.exponential(CHURN_PER_YEAR)));
    for (let k = 0; k < before; k++) {
      const p = rodentProbability(ctx, pl, hist, ctx.from, 0);
      const r = rng.next() < p ? 1 : 0;
      hist.prevRodent = r;
      hist.pastRodent += r;
    }
    const u = rng.next();
    const g0 = u < 0.8 ? "A" : u < 0.92 ? "B" : "C";
    const interval = nextCycle(rng, 0, g0);
    let next = workday(rng, ctx.from + rng.int(0, interval - 1));
    while (next <= end) {
      inspected = true;
      next = cycle(next, false);
    }
  }

  // Administrative, calorie-posting, trans-fat and smoke-free inspections: no sanitary citations, no score, no grade.
  const adminKinds: [string, string, number][] = [
    [TYPE.admin, "Administrative Miscellaneous", 0.08],
    [TYPE.calorie, "Calorie Posting", pl.chain ? 0.2 : 0.005],
    [TYPE.transFat, "Trans Fat", 0.01],
    [TYPE.smokeFree, "Smoke-Free Air Act", 0.01],
  ];
  const startAdmin = Math.max(open, ctx.from);
  for (const [type, family, rate] of adminKinds) {
    let t = startAdmin + rng.exponential(rate / 365.25);
    const used = new Set<number>(); // one inspection of a type per day (the key includes only the date)
    while (t <= end) {
      const day = workday(rng, Math.floor(t));
      t += rng.exponential(rate / 365.25);
      if (day > end) break;
      if (used.has(day)) continue;
      used.add(day);
      const date = dayToUs(day);
      const lines: string[] = [];
      const codes = ADMIN_CODES[family];
      const tail = `,,,,${ctx.recordDate},${type}${pl.suffix}`;
      if (rng.next() < 0.4) {
        lines.push(`${pl.prefix}${date},${csvField(ACTION.none)},${EMPTY_TRIPLE}${tail}`);
      } else {
        const v = codes[Math.floor(rng.next() * codes.length)];
        lines.push(`${pl.prefix}${date},${csvField(ACTION.cited)},${triple(v)}${tail}`);
      }
      ev.push({ day, type, lines, truth: `${pl.camis},${date},${type},0.000000` });
      inspected = true;
    }
  }

  stats.restaurants++;
  if (close > ctx.to) stats.activeAtEnd++;
  if (!inspected && close > ctx.to) {
    // Opened, permit pending, not inspected yet: DOHMH's 1900-01-01 placeholder row.
    stats.neverInspected++;
    ctx.inspections.line(`${pl.prefixNoCuisine}01/01/1900,,${EMPTY_TRIPLE},,,,${ctx.recordDate},${pl.suffix}`);
    return;
  }
  // Chronological within the restaurant; ties keep generation order.
  ev.sort((a, b) => a.day - b.day);
  for (const e of ev) {
    for (const l of e.lines) ctx.inspections.line(l);
    ctx.truth.line(e.truth);
    stats.inspections++;
    stats.byType[e.type] = (stats.byType[e.type] ?? 0) + 1;
  }
}

/** The whole restaurant population: the ones open at `from`, then openings over time. */
export async function writeRestaurants(
  ref: Reference,
  field: PressureField,
  opts: { seed: number; from: number; to: number; scale: number; recordDate: string },
  inspections: GzCsvWriter,
  truth: GzCsvWriter,
  onRestaurant?: () => void,
): Promise<RestaurantStats> {
  const stats: RestaurantStats = {
    restaurants: 0,
    activeAtEnd: 0,
    neverInspected: 0,
    inspections: 0,
    sanitaryInspections: 0,
    rodentInspections: 0,
    meanPTrue: 0,
    byType: {},
  };
  const ctx: Ctx = {
    ref,
    field,
    seed: opts.seed,
    from: opts.from,
    to: opts.to,
    recordDate: opts.recordDate,
    cuisineTables: ref.cuisines.map((c) => new AliasTable(c.weights.length ? c.weights : [1])),
    inspections,
    truth,
    stats,
    sumP: 0,
  };
  const n0 = Math.max(1, Math.round(ACTIVE_AT_SCALE_1 * opts.scale));
  const closeRate = CHURN_PER_YEAR / 365.25;

  // Openings balance closures, so the active count stays near n0.
  const popRng = Rng.stream(opts.seed, 0x909);
  const openings: number[] = [];
  for (let t = opts.from + popRng.exponential(n0 * closeRate); t <= opts.to; t += popRng.exponential(n0 * closeRate)) {
    openings.push(Math.floor(t));
  }
  // CAMIS: 8 digits, older restaurants in the 40M range, newer ones 50M+ and increasing with opening date.
  const stride0 = Math.max(1, Math.floor(9_900_000 / n0));
  const stride1 = Math.max(1, Math.floor(9_900_000 / Math.max(1, openings.length)));
  for (let i = 0; i < n0; i++) {
    const r = Rng.stream(opts.seed, 0xca, i);
    const camis = String(40_000_000 + i * stride0 + r.int(0, stride0 - 1));
    const close = opts.from + Math.floor(r.exponential(closeRate));
    simulate(ctx, i, camis, opts.from - 1, close, false);
    onRestaurant?.();
    await inspections.maybeFlush();
    await truth.maybeFlush();
  }
  for (let j = 0; j < openings.length; j++) {
    const r = Rng.stream(opts.seed, 0xcb, j);
    const camis = String(50_000_000 + j * stride1 + r.int(0, stride1 - 1));
    const close = openings[j] + Math.floor(r.exponential(closeRate));
    simulate(ctx, n0 + j, camis, openings[j], close, true);
    onRestaurant?.();
    await inspections.maybeFlush();
    await truth.maybeFlush();
  }
  stats.meanPTrue = stats.sanitaryInspections ? ctx.sumP / stats.sanitaryInspections : 0;
  return stats;
}
