// The public JSON API, typed as the page reads it. Everything the page shows comes from these requests, so a
// script can fetch the same documents (see the README, "The web page").

export interface Reason {
  feature: string;
  value: number | null;
  contribution: number;
  text: string;
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
  features_date: string;
  snapshot: string;
  model: AnsweredBy;
  items: {
    rank: number;
    city_rank: number;
    restaurant: Restaurant;
    probability: number;
    band: Band;
    reasons: Reason[];
  }[];
}
export interface Risk {
  restaurant: Restaurant;
  probability: number;
  band: Band;
  top_fraction: number;
  rank: number;
  of: number;
  tied_with: number;
  features_date: string;
  snapshot: string;
  model: AnsweredBy;
  reasons: Reason[];
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

export const rankingsUrl = (k: number, borough: string) =>
  `/v1/rankings?k=${k}${borough ? `&borough=${encodeURIComponent(borough)}` : ""}`;
export const riskUrl = (camis: string) => `/v1/restaurants/${encodeURIComponent(camis)}/risk`;
