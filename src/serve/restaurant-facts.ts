import { dayNumber, isoOfDay, VISIT_HISTORY } from "../features/index.js";
import { CAT_CYCLE_REINSPECTION, CAT_PREPERM_REINSPECTION, CAT_REOPENING, CATEGORY_WORDS } from "../features/labels.js";
import { bandOf, countAbove, countAtOrAbove } from "./bands.js";
import { restaurantOf } from "./routes/answer.js";
import { reasonsFor, type ServedModel, type ServingCity } from "./served-model.js";

// Every field a risk card and a ranking row carry about one restaurant, built by ONE function (restaurantFacts), so
// the rankings, the risk card, the CSV and any precomputed answer bytes agree field for field.
//
// "Already due" follows the city's grading rules as the inspection types and scores in the data record them (the
// same rule that sets the "this inspection's type" features, serving-set.ts nextCategory): an initial inspection
// (cycle or pre-permit) scoring 14 or more is not an A, and DOHMH re-inspects; a closure is followed by a reopening
// inspection. A restaurant whose last counted inspection left one of those pending is "re-inspection due": the
// schedule will reach it anyway, so a "new leads" view leaves it out. See docs/web.md.

const GRADES = ["", "A", "B", "C"];
const DUE = new Set<number>([CAT_CYCLE_REINSPECTION, CAT_PREPERM_REINSPECTION, CAT_REOPENING]);

export interface Visit {
  date: string;
  type: string;
  score: number | null;
  grade: string | null;
  rodent: boolean;
  closed: boolean;
  /** plain words: "score 32, grade C, rats or mice found, closed" */
  result: string;
}

export interface InspectionContext {
  last_date: string | null;
  last_type: string | null;
  last_result: string | null;
  /** days from the last inspection to the features date (the day the list is for) */
  days_since: number | null;
  /** the kind of inspection the restaurant would get next under the city's rules */
  next: string | null;
  reinspection_due: boolean;
  due_reason: string | null;
  /** the last inspections, newest first (at most VISIT_HISTORY) */
  history: Visit[];
}

function resultWords(score: number, grade: number, rodent: boolean, closed: boolean): string {
  const parts: string[] = [];
  parts.push(Number.isNaN(score) ? "no score" : `score ${score}`);
  if (!Number.isNaN(grade)) parts.push(`grade ${GRADES[grade] ?? grade}`);
  parts.push(rodent ? "rats or mice found" : "no rats or mice");
  if (closed) parts.push("closed");
  return parts.join(", ");
}

const EMPTY: InspectionContext = {
  last_date: null,
  last_type: null,
  last_result: null,
  days_since: null,
  next: null,
  reinspection_due: false,
  due_reason: null,
  history: [],
};

export function inspectionContext(city: ServingCity, i: number): InspectionContext {
  const v = city.set.visits;
  if (!v) return EMPTY;
  const history: Visit[] = [];
  for (let e = v.start[i]; e < v.start[i + 1] && history.length < VISIT_HISTORY; e++) {
    const score = v.score[e];
    const grade = v.grade[e];
    history.push({
      date: isoOfDay(v.day[e]),
      type: v.type[e],
      score: Number.isNaN(score) ? null : score,
      grade: Number.isNaN(grade) ? null : (GRADES[grade] ?? null),
      rodent: v.rodent[e] === 1,
      closed: v.closed[e] === 1,
      result: resultWords(score, grade, v.rodent[e] === 1, v.closed[e] === 1),
    });
  }
  const next = v.next[i];
  const due = DUE.has(next);
  const last = history[0];
  let dueReason: string | null = null;
  if (due) {
    const cause = history.find((h) => /initial inspection/i.test(h.type) && (h.score ?? 0) >= 14);
    dueReason =
      next === CAT_REOPENING
        ? "closed at an inspection: the city reopens only after a reopening inspection"
        : cause
          ? `${cause.type} on ${cause.date} scored ${cause.score} (14 or more is not an A): the city re-inspects`
          : "the last initial inspection scored 14 or more (not an A): the city re-inspects";
  }
  return {
    last_date: last?.date ?? null,
    last_type: last?.type ?? null,
    last_result: last?.result ?? null,
    days_since: last ? dayNumber(city.set.asOf) - v.day[v.start[i]] : null,
    next: CATEGORY_WORDS[next] ?? null,
    reinspection_due: due,
    due_reason: dueReason,
    history,
  };
}

/**
 * The one function behind a ranking row and a risk card: restaurant, calibrated probability, city rank by raw score
 * (competition rank), band, inspection context and reasons. The rankings route adds only `rank` (the rank in the
 * list asked for); the risk route adds the answer's envelope (features date, snapshot, model).
 */
export function restaurantFacts(m: ServedModel, city: ServingCity, i: number, scratch?: Float32Array) {
  const n = m.margins.length;
  const above = countAbove(m.ascending, m.margins[i]);
  const top = (above + 1) / n;
  return {
    restaurant: restaurantOf(city, i),
    probability: m.scores[i],
    band: bandOf(top),
    top_fraction: top,
    city_rank: above + 1,
    of: n,
    tied_with: countAtOrAbove(m.ascending, m.margins[i]) - above - 1,
    inspection: inspectionContext(city, i),
    reasons: reasonsFor(m, city, i, scratch),
  };
}
export type RestaurantFacts = ReturnType<typeof restaurantFacts>;

/** The filters of a "new leads" list: leave out restaurants inspected in the last N days and those already due. */
export interface LeadFilter {
  notInspectedDays?: number;
  notDue?: boolean;
}

/** Whether serving row i passes the filter (a restaurant never inspected passes "not inspected in N days"). */
export function passes(city: ServingCity, i: number, f: LeadFilter, asOfDay: number): boolean {
  const v = city.set.visits;
  if (!v) return true;
  if (f.notDue && DUE.has(v.next[i])) return false;
  if (f.notInspectedDays !== undefined && v.start[i + 1] > v.start[i]) {
    if (asOfDay - v.day[v.start[i]] < f.notInspectedDays) return false;
  }
  return true;
}
