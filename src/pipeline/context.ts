import type { Config } from "../config/index.js";
import type { ObjectStore } from "../data/index.js";
import { createObjectStore } from "../data/index.js";
import { openTracking, type Registry, type Tracker } from "../tracking/index.js";
import type { Logger } from "../util/log.js";
import { codeVersion } from "./code-version.js";
import { StepCache } from "./step-cache.js";

/** What every step gets: where data and models live, the step cache, the code version, and --force. */
export interface PipelineContext {
  config: Config;
  log: Logger;
  store: ObjectStore;
  tracker: Tracker;
  registry: Registry;
  cache: StepCache;
  code: { version: string; gitCommit: string | null };
  force: boolean;
}

export interface OpenPipelineContext extends PipelineContext {
  close(): Promise<void>;
}

/**
 * Open the object store and tracking for a set of steps; close() when done. `store` shares an open store;
 * `trackingConfig` puts tracking elsewhere (the replay gives each policy its own registry over shared data).
 */
export async function openPipelineContext(
  config: Config,
  log: Logger,
  opts: { force?: boolean; store?: ObjectStore; trackingConfig?: Config } = {},
): Promise<OpenPipelineContext> {
  const store = opts.store ?? createObjectStore(config);
  const tracking = await openTracking(opts.trackingConfig ?? config, store);
  // Runs left RUNNING by a process that crashed or was killed (kill -9, OOM, a deleted pod) are ended now, at the
  // next start, rather than staying RUNNING forever (tracking/tracker.ts, recoverInterruptedRuns).
  try {
    for (const r of await tracking.tracker.recoverInterruptedRuns())
      log.warn(
        { run: r.runId, experiment: r.experimentId, name: r.name, reason: r.reason },
        "interrupted run marked KILLED",
      );
  } catch (e) {
    log.warn({ err: e }, "could not check for interrupted runs; continuing");
  }
  return {
    config,
    log,
    store,
    tracker: tracking.tracker,
    registry: tracking.registry,
    cache: new StepCache(store),
    code: codeVersion(),
    force: Boolean(opts.force),
    close: () => tracking.close(),
  };
}
