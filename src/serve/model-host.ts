import type { FeatureSchema, FeatureTable } from "../features/schema.js";
import type { Model } from "../model/index.js";
import type { Logger } from "../util/log.js";
import { isCanary } from "./canary.js";
import type { CitySource } from "./city-source.js";
import type { ModelRef, ModelSelector, ModelSource } from "./model-source.js";
import {
  prepareServedModel,
  type Role,
  type ServedModel,
  type ServingCity,
  type SnapshotInfo,
  servingCity,
} from "./served-model.js";

/**
 * Everything a request needs, swapped as one object. A handler reads `host.state` once and uses only
 * that snapshot, so a swap never mixes two models in one answer and in-flight requests finish on the
 * state they started with.
 */
export interface HostState {
  readonly generation: number;
  readonly city: ServingCity | null;
  /** The last time the serving snapshot was replaced while this service runs (not the first load). */
  readonly cityChange: { readonly from: SnapshotInfo; readonly at: string } | null;
  readonly champion: ServedModel | null;
  readonly canary: ServedModel | null;
  /** Share of keyed traffic the canary answers (0 when there is no canary). */
  readonly canaryShare: number;
}

/** One scoring event, for listeners such as the monitor's live window and prediction log (issue 7). */
export interface ScoredEvent {
  source: "risk" | "predict" | "rankings";
  version: string;
  role: Role;
  /** The feature rows that were scored: `rows` indexes into `table` (null = every row of `table`). */
  table: FeatureTable;
  rows: Int32Array | null;
  /** Restaurant ids, aligned with the scored rows; null for raw feature payloads. */
  camis: readonly string[] | null;
  scores: ArrayLike<number>;
  /** Milliseconds since the epoch. */
  at: number;
}
export type ScoredListener = (event: ScoredEvent) => void;

export type LoadOutcome =
  | { status: "unchanged" | "loaded"; version: string | null }
  | { status: "failed"; version: string | null; error: string }
  | { status: "none"; version: null };

export interface RefreshReport {
  generation: number;
  /** Set when a cluster round did not swap (the workers disagreed); the current state keeps serving. */
  deferred?: boolean;
  city: LoadOutcome;
  champion: LoadOutcome;
  canary: LoadOutcome;
}

export interface SwapEvent {
  at: number;
  previous: HostState;
  next: HostState;
}

export interface ModelHostOptions {
  models: ModelSource;
  city: CitySource;
  /** Registered model name ("rodent-risk"). */
  modelName: string;
  /** What the champion follows: normally { alias: "champion" }. */
  champion: ModelSelector;
  /** Alias of the canary; null turns the canary off. */
  canaryAlias: string | null;
  canaryShare: number;
  /** The feature schema requests are validated against; a model with another schema is refused. */
  schema: FeatureSchema;
  log: Logger;
  /** Reasons precomputed per ranking list at load (default 50). */
  warmReasons?: number;
}

/** The versions the registry's aliases point at now, as the host would load them. */
export interface RegistryView {
  /** The version the champion selector resolves to (a pinned version resolves to itself); null = no such alias. */
  champion: string | null;
  /** The canary alias's version, null when unset or when the canary is off. */
  canary: string | null;
  checkedAt: string;
}

/** Registry lookups for the status are cached this long, so a page polling /v1/model costs one lookup per window. */
const REGISTRY_VIEW_TTL_MS = 2000;
/** A refresh asked for by a reader (reload pending) runs at most this often. */
const EAGER_REFRESH_MS = 5000;

const EMPTY: HostState = Object.freeze({
  generation: 0,
  city: null,
  cityChange: null,
  champion: null,
  canary: null,
  canaryShare: 0,
});

/** Holds the champion and canary, follows the registry, and swaps atomically after a smoke check. */
export class ModelHost {
  private current: HostState = EMPTY;
  private queue: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
  private readonly scored: ScoredListener[] = [];
  private readonly swaps: ((e: SwapEvent) => void)[] = [];
  /** Refused loads since start, by what failed (read by the metrics' collect callback). */
  readonly failures: Record<Role | "city", number> = { champion: 0, canary: 0, city: 0 };
  lastRefresh: { at: string; report: RefreshReport } | null = null;
  /** Seconds between registry polls; 0 = the service only reloads on POST /admin/reload. */
  pollSeconds = 0;
  private registryCache: { at: number; view: Promise<RegistryView> } | null = null;
  private lastEagerRefresh = 0;

  constructor(readonly opts: ModelHostOptions) {}

  /**
   * What the registry's aliases point at now (cached for 2 s). Compared with what is served, it tells a reader
   * that a promotion or rollback has not reached this service yet. Throws when the registry cannot be read.
   */
  registryView(): Promise<RegistryView> {
    const now = Date.now();
    if (this.registryCache && now - this.registryCache.at < REGISTRY_VIEW_TTL_MS) return this.registryCache.view;
    const { models, modelName, champion, canaryAlias } = this.opts;
    const view = (async () => {
      const [c, k] = await Promise.all([
        models.resolve(modelName, champion),
        canaryAlias ? models.resolve(modelName, { alias: canaryAlias }) : Promise.resolve(null),
      ]);
      return { champion: c?.version ?? null, canary: k?.version ?? null, checkedAt: new Date().toISOString() };
    })();
    this.registryCache = { at: now, view };
    view.catch(() => {
      if (this.registryCache?.view === view) this.registryCache = null;
    });
    return view;
  }

  /**
   * Refresh now rather than at the next poll, because a reader saw the registry move (at most every 5 s, and only
   * when the service follows the registry by polling: with polling off the operator reloads by hand).
   */
  refreshSoon(): boolean {
    if (!(this.pollSeconds > 0)) return false;
    const now = Date.now();
    if (now - this.lastEagerRefresh < EAGER_REFRESH_MS) return false;
    this.lastEagerRefresh = now;
    this.registryCache = null;
    this.refresh().catch((e) => this.opts.log.error({ err: e }, "refresh after a registry change failed"));
    return true;
  }

  get state(): HostState {
    return this.current;
  }

  /** Ready = a champion and the serving table are loaded, scored and warmed. */
  get ready(): boolean {
    return this.current.champion !== null && this.current.city !== null;
  }

  /** Which model answers a request with this key fraction (see canary.ts). */
  pick(state: HostState, fraction: number): ServedModel | null {
    if (state.canary && isCanary(fraction, state.canaryShare)) return state.canary;
    return state.champion;
  }

  /** Register a listener for every scored request. Called synchronously; keep it cheap (sample, enqueue). */
  onScored(listener: ScoredListener): () => void {
    this.scored.push(listener);
    return () => this.scored.splice(this.scored.indexOf(listener) >>> 0, 1);
  }

  get hasScoredListeners(): boolean {
    return this.scored.length > 0;
  }

  emitScored(event: ScoredEvent): void {
    for (const l of this.scored) {
      try {
        l(event);
      } catch (e) {
        this.opts.log.warn({ err: e }, "onScored listener failed");
      }
    }
  }

  onSwap(listener: (e: SwapEvent) => void): () => void {
    this.swaps.push(listener);
    return () => this.swaps.splice(this.swaps.indexOf(listener) >>> 0, 1);
  }

  /**
   * Re-read the aliases and the latest snapshot; load what changed off the request path; swap once.
   * Refreshes run one at a time (a reload during a poll waits for it, then looks again).
   */
  refresh(): Promise<RefreshReport> {
    return this.coordinator ? this.coordinator() : this.refreshLocal();
  }

  /**
   * In a cluster worker (cluster.ts): refresh() asks the primary for a round, in which every worker runs
   * refreshLocal() and swaps only when all of them would serve the same versions.
   */
  coordinator: (() => Promise<RefreshReport>) | null = null;
  /**
   * In a cluster worker: asked before every swap with what this worker would serve ("snapshot champion canary");
   * resolves true to swap, false to keep the current state (another worker saw the registry differently).
   */
  gate: ((proposal: string) => Promise<boolean>) | null = null;

  /** This process's refresh, whatever the coordinator. */
  refreshLocal(): Promise<RefreshReport> {
    const next = this.queue.then(() => this.refreshOnce());
    this.queue = next.catch(() => undefined);
    return next;
  }

  startPolling(seconds: number): void {
    this.stopPolling();
    this.pollSeconds = Number.isFinite(seconds) ? Math.max(seconds, 0) : 0;
    if (!(seconds > 0)) return;
    const tick = () => {
      this.refresh()
        .catch((e) => this.opts.log.error({ err: e }, "model poll failed"))
        .finally(() => {
          if (this.timer) this.timer = setTimeout(tick, seconds * 1000).unref();
        });
    };
    this.timer = setTimeout(tick, seconds * 1000).unref();
  }

  stopPolling(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.pollSeconds = 0;
  }

  async close(): Promise<void> {
    this.stopPolling();
    await this.queue;
    await this.opts.models.close();
  }

  private async refreshOnce(): Promise<RefreshReport> {
    const { log } = this.opts;
    const prev = this.current;
    const report: RefreshReport = {
      generation: prev.generation,
      city: { status: "unchanged", version: prev.city?.id ?? null },
      champion: { status: "unchanged", version: prev.champion?.ref.version ?? null },
      canary: { status: "unchanged", version: prev.canary?.ref.version ?? null },
    };

    let city = prev.city;
    try {
      const ref = await this.opts.city.latest();
      if (!ref) report.city = city ? report.city : { status: "none", version: null };
      else if (ref.id !== city?.id) {
        const set = await this.opts.city.load(ref);
        if (set.table.schema.version !== this.opts.schema.version) {
          throw new Error(
            `serving table schema ${set.table.schema.version} ≠ service schema ${this.opts.schema.version}`,
          );
        }
        city = servingCity(ref.id, set, ref);
        report.city = { status: "loaded", version: ref.id };
      }
    } catch (e) {
      this.failures.city++;
      report.city = { status: "failed", version: city?.id ?? null, error: (e as Error).message };
      log.error({ err: e }, "serving table refused; keeping the previous one");
    }

    const cityChanged = city !== prev.city;
    let champion = city
      ? await this.follow("champion", this.opts.champion, prev.champion, city, cityChanged, report)
      : null;
    if (cityChanged && !champion && prev.champion) {
      // The current champion could not score the new table: keep serving the old table with it.
      this.failures.city++;
      report.city = { status: "failed", version: prev.city?.id ?? null, error: "the champion refused the new table" };
      city = prev.city;
      champion = prev.champion;
    }
    const canary =
      city && champion && this.opts.canaryAlias
        ? await this.follow("canary", { alias: this.opts.canaryAlias }, prev.canary, city, city !== prev.city, report)
        : null;
    if (!this.opts.canaryAlias) report.canary = { status: "none", version: null };
    // A canary pointing at the champion's version is a finished canary: serve it once, as champion.
    const liveCanary = canary && champion && canary.ref.version !== champion.ref.version ? canary : null;
    if (canary && !liveCanary) report.canary = { status: "none", version: null };

    if (this.gate) {
      const proposal = `${city?.id ?? "-"} ${champion?.ref.version ?? "-"} ${liveCanary?.ref.version ?? "-"}`;
      if (!(await this.gate(proposal))) {
        log.warn({ proposal }, "swap deferred: the other workers would serve other versions");
        this.registryCache = null;
        return { ...report, generation: prev.generation, deferred: true };
      }
    }
    if (city !== prev.city || champion !== prev.champion || liveCanary !== prev.canary) {
      const next: HostState = Object.freeze({
        generation: prev.generation + 1,
        city,
        cityChange:
          prev.city && city && city.id !== prev.city.id
            ? { from: prev.city.snapshot, at: new Date().toISOString() }
            : prev.cityChange,
        champion,
        canary: liveCanary,
        canaryShare: liveCanary ? this.opts.canaryShare : 0,
      });
      this.current = next;
      report.generation = next.generation;
      log.info(
        {
          generation: next.generation,
          snapshot: city?.id,
          champion: champion?.ref.version,
          canary: liveCanary?.ref.version ?? null,
        },
        "model host swapped",
      );
      const ev = { at: Date.now(), previous: prev, next };
      for (const l of this.swaps) {
        try {
          l(ev);
        } catch (e) {
          log.warn({ err: e }, "onSwap listener failed");
        }
      }
    }
    this.lastRefresh = { at: new Date().toISOString(), report };
    this.registryCache = null;
    return report;
  }

  /** Resolve one role; load + smoke-check a moved version; keep the old one on any failure. */
  private async follow(
    role: Role,
    selector: ModelSelector,
    prev: ServedModel | null,
    city: ServingCity,
    cityChanged: boolean,
    report: RefreshReport,
  ): Promise<ServedModel | null> {
    const { log, models, modelName } = this.opts;
    let ref: ModelRef | null;
    try {
      ref = await models.resolve(modelName, selector);
    } catch (e) {
      this.failures[role]++;
      report[role] = { status: "failed", version: prev?.ref.version ?? null, error: (e as Error).message };
      log.error({ err: e, role }, "registry lookup failed; keeping the current model");
      return prev;
    }
    if (!ref) {
      if (role === "champion" && prev) {
        log.warn({ selector }, "champion alias is gone; keeping the current model");
        return prev;
      }
      report[role] = { status: "none", version: null };
      return null;
    }
    if (prev && prev.ref.version === ref.version && !cityChanged) return prev;
    try {
      const model: Model = prev && prev.ref.version === ref.version ? prev.model : await models.load(ref);
      const served = await prepareServedModel(model, ref, role, city, this.opts.warmReasons);
      report[role] = { status: "loaded", version: ref.version };
      log.info({ role, version: ref.version, rankMs: Math.round(served.rankMs) }, "model loaded and smoke-checked");
      return served;
    } catch (e) {
      this.failures[role]++;
      report[role] = { status: "failed", version: ref.version, error: (e as Error).message };
      log.error(
        { err: e, role, version: ref.version, keeping: prev?.ref.version ?? null },
        "model version refused; keeping the current one",
      );
      return prev && prev.cityId === city.id ? prev : null;
    }
  }
}
