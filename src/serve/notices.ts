// What the operator must know about what this service serves, as short notices the page shows in a banner (issue
// 14 §2): the serving snapshot was replaced, the models were trained on another snapshot than the one they score,
// or the registry's aliases moved and this service has not loaded the new version yet (reload pending). Pure: the
// host's state, the registry's view and the clock in, notices out.
import type { HostState, RefreshReport, RegistryView } from "./model-host.js";
import type { ServedModel } from "./served-model.js";

export type NoticeCode = "snapshot_changed" | "training_snapshot_differs" | "reload_pending" | "registry_unreachable";

export interface Notice {
  code: NoticeCode;
  severity: "info" | "warning";
  message: string;
  /** When the condition started, when known. */
  since: string | null;
}

/** A replaced serving snapshot is announced for a day; after that it is simply what is served. */
export const SNAPSHOT_CHANGE_NOTICE_MS = 24 * 3600 * 1000;

export function trainingSnapshotOf(m: ServedModel): string | null {
  const meta = m.model.meta.trainingSnapshot;
  return typeof meta === "string" && meta ? meta : (m.ref.tags["rodent.snapshot_id"] ?? null);
}

export interface NoticeInput {
  state: HostState;
  /** null when the registry could not be read (then `registryError` says why). */
  registry: RegistryView | null;
  registryError?: string;
  /** Seconds between polls (0 = reload only on POST /admin/reload). */
  pollSeconds: number;
  /** The last refresh's outcome, to say why a pending version is not served (it was refused). */
  lastRefresh: RefreshReport | null;
  now: number;
}

function pending(
  role: "champion" | "canary",
  wanted: string | null,
  served: string | null,
  input: NoticeInput,
): Notice | null {
  if (wanted === served) return null;
  const report = input.lastRefresh?.[role];
  const refused = report?.status === "failed" && report.version === wanted ? report.error : null;
  const what =
    wanted === null
      ? `the registry has no ${role} now, but this service still serves version ${served} as ${role}`
      : served === null
        ? `the registry's ${role} is version ${wanted}, which this service does not serve yet`
        : `the registry's ${role} is version ${wanted}, but this service still serves version ${served}`;
  const next = refused
    ? `loading version ${wanted} failed (${refused}), so the service keeps what it has`
    : input.pollSeconds > 0
      ? `it follows the registry every ${input.pollSeconds} s and is loading it now`
      : "polling is off (RODENT_POLL_SECONDS=0): POST /admin/reload, or restart the service, to serve it";
  return {
    code: "reload_pending",
    severity: "warning",
    message: `Reload pending: ${what}; ${next}.`,
    since: input.registry?.checkedAt ?? null,
  };
}

export function servingNotices(input: NoticeInput): Notice[] {
  const { state, registry, now } = input;
  const out: Notice[] = [];
  const city = state.city;
  if (registry) {
    const champion = pending("champion", registry.champion, state.champion?.ref.version ?? null, input);
    if (champion) out.push(champion);
    // A canary alias on the champion's version is a finished canary: nothing to load.
    const wantedCanary = registry.canary !== null && registry.canary !== registry.champion ? registry.canary : null;
    const canary = pending("canary", wantedCanary, state.canary?.ref.version ?? null, input);
    if (canary) out.push(canary);
  } else {
    out.push({
      code: "registry_unreachable",
      severity: "warning",
      message: `The registry could not be read (${input.registryError ?? "unknown error"}): this service keeps serving what it has, and cannot tell whether the champion moved.`,
      since: null,
    });
  }
  if (city) {
    for (const m of [state.champion, state.canary]) {
      if (!m) continue;
      const trained = trainingSnapshotOf(m);
      if (trained && trained !== city.id) {
        out.push({
          code: "training_snapshot_differs",
          severity: "warning",
          message: `The ${m.role} (version ${m.ref.version}) was trained on snapshot ${trained}; this service scores restaurants from snapshot ${city.id} (${city.snapshot.name}). Expected after an ingest until a model trained on it is promoted; if it lasts, check the training runs.`,
          since: city.loadedAt,
        });
      }
    }
    const change = state.cityChange;
    if (change && now - Date.parse(change.at) < SNAPSHOT_CHANGE_NOTICE_MS) {
      out.push({
        code: "snapshot_changed",
        severity: "info",
        message: `The serving snapshot changed at ${change.at.slice(0, 16).replace("T", " ")} UTC: from ${change.from.id} (${change.from.name}) to ${city.id} (${city.snapshot.name}).`,
        since: change.at,
      });
    }
  }
  return out;
}
