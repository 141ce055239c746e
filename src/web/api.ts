// The public JSON API, typed as the page reads it. Everything the page shows comes from these requests, so a
// script can fetch the same documents (see the README, "The web page").

export interface Reason {
  feature: string;
  value: number | null;
  contribution: number;
  text: string;
  percentile: number | null;
  relative: string | null;
}
export interface Visit {
  date: string;
  type: string;
  score: number | null;
  grade: string | null;
  rodent: boolean;
  closed: boolean;
  result: string;
}
export interface InspectionContext {
  last_date: string | null;
  last_type: string | null;
  last_result: string | null;
  days_since: number | null;
  next: string | null;
  reinspection_due: boolean;
  due_reason: string | null;
  history: Visit[];
}
/** The fields restaurantFacts (src/serve/restaurant-facts.ts) gives a ranking row and a risk card alike. */
export interface Facts {
  restaurant: Restaurant;
  probability: number;
  band: Band;
  top_fraction: number;
  city_rank: number;
  of: number;
  tied_with: number;
  inspection: InspectionContext;
  reasons: Reason[];
}
export interface Restaurant {
  camis: string;
  name: string;
  address: string;
  borough: string;
  cuisine: string;
  lat: number | null;
  lon: number | null;
}
export interface AnsweredBy {
  version: string;
  role: string;
  alias: string;
}
export type Band = "high" | "elevated" | "moderate" | "low";
export interface Rankings {
  borough: string | null;
  k: number;
  total: number;
  matching: number;
  filters: { not_inspected_days: number | null; not_due: boolean };
  features_date: string;
  snapshot: string;
  model: AnsweredBy;
  items: (Facts & { rank: number })[];
}
export interface Risk extends Facts {
  rank: number;
  features_date: string;
  snapshot: string;
  model: AnsweredBy;
}
export interface UiSettings {
  stale_after_days: number;
}
export interface MapData {
  features_date: string;
  snapshot: string;
  model: AnsweredBy;
  n: number;
  boroughs: string[];
  bands: Band[];
  camis: string[];
  name: string[];
  borough: number[];
  lat: (number | null)[];
  lon: (number | null)[];
  probability: number[];
  band: number[];
}
export interface ServedModelInfo {
  name: string;
  version: string;
  alias: string;
  role: string;
  run_id: string;
  trained_at: string | null;
  training_snapshot: string | null;
  calibration: string;
  registered_at: string;
  loaded_at: string;
  rank_ms: number;
  tags: Record<string, string>;
  metrics: unknown;
}
export interface ModelInfo {
  champion: ServedModelInfo;
  canary: ServedModelInfo | null;
  canary_share: number;
  serving: {
    snapshot: string;
    snapshot_name: string;
    snapshot_source: string | null;
    snapshot_created_at: string | null;
    data_to: string | null;
    features_date: string;
    restaurants: number;
    loaded_at: string;
    poll_seconds: number;
  };
  registry: { champion: string | null; canary: string | null; checked_at: string } | null;
  notices: Notice[];
  feature_schema: { version: string; features: { name: string; kind: string; description: string }[] };
}
export interface Notice {
  code: "snapshot_changed" | "training_snapshot_differs" | "reload_pending" | "registry_unreachable";
  severity: "info" | "warning";
  message: string;
  since: string | null;
}
export interface HistoryVersion {
  version: string;
  created_at: string;
  run_id: string;
  aliases: string[];
  snapshot: string | null;
  feature_schema: string | null;
  gate: string | null;
  gate_reasons: string[];
  previous_champion: string | null;
  promoted_at: string | null;
  rolled_back_at: string | null;
  metrics: Record<string, number>;
}
export interface History {
  name: string;
  aliases: Record<string, string>;
  versions: HistoryVersion[];
  events: { at: string; kind: string; version: string; detail: string }[];
}

export interface EvaluationSlice {
  n: number;
  positives: number;
  auc: number | null;
  ece: number | null;
  brier: number | null;
  lift_at_10: number | null;
}
export interface Evaluation {
  version: string;
  run_id: string;
  window: { from: string | null; to: string | null } | null;
  test:
    | (EvaluationSlice & {
        precision_at_10: number | null;
        reliability: { lo: number; hi: number; n: number; mean_score: number | null; positive_rate: number | null }[];
        by_borough: Record<string, EvaluationSlice>;
        days_earlier: Record<string, number | null>;
      })
    | null;
  gate: {
    passed: boolean;
    against: string | null;
    checks: {
      name: string;
      scope: string;
      metric: string;
      candidate: number | null;
      comparison: string;
      threshold: number | null;
      champion: number | null;
      passed: boolean;
    }[];
    skipped: string[];
  } | null;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

/** GET a JSON document; a non-2xx answer becomes an ApiError carrying the service's message. */
export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  const res = await fetch(path, { headers: { accept: "application/json" }, signal });
  if (!res.ok) {
    let message = `${res.status} ${res.statusText}`;
    let code: string | undefined;
    try {
      const body = (await res.json()) as { message?: string; code?: string };
      if (body.message) message = body.message;
      code = body.code;
    } catch {
      /* not JSON: keep the status line */
    }
    throw new ApiError(res.status, message, code);
  }
  return (await res.json()) as T;
}

/** GET that answers null for 404 (an optional document such as the replay or the monitoring report). */
export async function getOptional<T>(path: string): Promise<T | null> {
  try {
    return await getJson<T>(path);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  }
}

export interface ListQuery {
  k: number;
  borough: string;
  /** leave out restaurants inspected in the last N days (0 = no filter) */
  days: number;
  /** leave out restaurants with a re-inspection already due */
  notDue: boolean;
}

export function rankingsUrl(q: ListQuery): string {
  const p = new URLSearchParams({ k: String(q.k) });
  if (q.borough) p.set("borough", q.borough);
  if (q.days > 0) p.set("not_inspected_days", String(q.days));
  if (q.notDue) p.set("not_due", "true");
  return `/v1/rankings?${p}`;
}
export const riskUrl = (camis: string) => `/v1/restaurants/${encodeURIComponent(camis)}/risk`;

/** An error as a supervisor can act on it: what happened, in plain words, and what to do next. */
export function errorText(e: unknown, what: string): string {
  if (e instanceof ApiError) {
    if (e.status === 503)
      return `The service has no model loaded yet, so ${what} cannot be shown. It loads one by itself once a model is trained and promoted: wait a minute and press Refresh. If this stays, ask the operator to check the Health view.`;
    if (e.status === 404) return `Not found: ${e.message}. The restaurant may have closed or not be active any more.`;
    if (e.status === 400 || e.status === 422)
      return `The service did not accept this request: ${e.message}. Change the filter and try again.`;
    if (e.status === 429) return `Too many requests just now. Wait a few seconds and press Refresh.`;
    return `The service failed to answer (${e.status}): ${e.message}. Press Refresh; if it fails again, tell the operator.`;
  }
  if (e instanceof DOMException && e.name === "AbortError") return "";
  return `Could not reach the service, so ${what} cannot be shown. Check the network connection (and that the service is running), then press Refresh.`;
}
