import cluster, { type Worker } from "node:cluster";
import { readFileSync } from "node:fs";
import os from "node:os";
import { AggregatorRegistry } from "prom-client";
import type { Logger } from "../util/log.js";
import type { ModelHost, RefreshReport } from "./model-host.js";
import type { ServiceMetrics } from "./plugins/metrics.js";

// `rodent serve --workers N`: N processes behind one port (node:cluster; the primary accepts connections and hands
// them to the workers in turn), each a whole service with its own model host. The primary holds no model: it
// restarts workers that die, runs the registry poll, and coordinates swaps and metrics:
//
// - Swaps happen in rounds. The primary asks every worker to refresh; each loads what the registry says into a
//   state of its own but, before swapping, sends the primary what it would serve ("snapshot champion canary")
//   and waits. Only when every worker proposes the same does the primary tell them all to swap; otherwise none
//   swaps and the round is retried. So the workers never serve two different answers for long: the skew of a
//   swap across workers is the time from the first worker receiving "swap" to the last, one IPC message each
//   (well under 10 ms on an idle machine, bounded by the slowest worker's event-loop delay), and a worker never
//   answers from a version that no worker has committed. POST /admin/reload on any worker runs a round and
//   answers once every worker has swapped.
// - Metrics: /metrics on any worker asks the primary, which collects every worker's registry and aggregates them
//   with prom-client's AggregatorRegistry: counters and histograms sum, per-model gauges take the max (see each
//   metric's `aggregator`).
// - The canary split is a hash of the restaurant (or routing key) and the configured share, the same in every
//   worker, and the rounds keep every worker on the same canary version: a restaurant lands on the same side
//   whichever worker answers.

const ENV = "RODENT_CLUSTER_WORKER";
/** How long the primary waits for every worker's proposal or swap in a round. */
const ROUND_TIMEOUT_MS = 120_000;
const ROUND_RETRIES = 3;

type Msg =
  | { t: "rodent:listening"; info: WorkerInfo }
  | { t: "rodent:round"; round: number }
  | { t: "rodent:proposal"; round: number; proposal: string }
  | { t: "rodent:decision"; round: number; swap: boolean }
  | { t: "rodent:swapped"; round: number; report: RefreshReport }
  | { t: "rodent:reload"; id: number }
  | { t: "rodent:reloaded"; id: number; report: RefreshReport | null; error?: string }
  | { t: "rodent:metrics"; id: number }
  | { t: "rodent:metrics-text"; id: number; text: string | null; error?: string };

/** What a worker tells the primary once it listens (the CLI prints it). */
export interface WorkerInfo {
  url: string;
  ready: boolean;
  champion: string | null;
  canary: string | null;
  snapshot: string | null;
  /** The highest-risk restaurant, for the sample command. */
  top: string | null;
}

const isMsg = (m: unknown): m is Msg =>
  typeof m === "object" && m !== null && typeof (m as { t?: unknown }).t === "string";

/** True in a process forked by runPrimary. */
export function isClusterWorker(): boolean {
  return cluster.isWorker && process.env[ENV] === "1";
}

/**
 * The default worker count: the cores this process may use, within a container's CPU limit (cgroup v2
 * cpu.max or v1 cfs quota, rounded up), at least 1.
 */
export function defaultWorkers(): number {
  return Math.max(1, Math.min(os.availableParallelism(), cgroupCpuLimit() ?? Number.POSITIVE_INFINITY));
}

function cgroupCpuLimit(): number | null {
  const read = (f: string) => {
    try {
      return readFileSync(f, "utf8").trim();
    } catch {
      return null;
    }
  };
  const v2 = read("/sys/fs/cgroup/cpu.max");
  if (v2) {
    const [quota, period] = v2.split(/\s+/);
    if (quota !== "max" && Number(period) > 0) return Math.ceil(Number(quota) / Number(period));
    return null;
  }
  const q = Number(read("/sys/fs/cgroup/cpu/cpu.cfs_quota_us"));
  const p = Number(read("/sys/fs/cgroup/cpu/cpu.cfs_period_us"));
  return q > 0 && p > 0 ? Math.ceil(q / p) : null;
}

export interface PrimaryOptions {
  workers: number;
  log: Logger;
  /** Seconds between registry polls (rounds); 0 = only on POST /admin/reload. */
  pollSeconds: number;
}

export interface Primary {
  /** Resolves when every worker listens (after the first aligning round), with the first one's description. */
  ready: Promise<WorkerInfo>;
  /** Run one swap round now (what a reload does). */
  round(): Promise<RefreshReport | null>;
  /** SIGTERM every worker (each drains as a single process does) and wait for them to exit. */
  close(): Promise<void>;
  /** Resolves once the workers exited after close(). */
  closed: Promise<void>;
}

/** In the primary: fork the workers (they re-run this program with ENV set), restart the dead, run rounds. */
export function runPrimary(opts: PrimaryOptions): Primary {
  const { log } = opts;
  const aggregator = new AggregatorRegistry();
  let closing = false;
  let roundNo = 0;
  let chain: Promise<unknown> = Promise.resolve();
  const listening = new Set<number>();
  let first: WorkerInfo | null = null;
  let resolveReady!: (info: WorkerInfo) => void;
  const ready = new Promise<WorkerInfo>((r) => {
    resolveReady = r;
  });
  const pending = new Map<number, (m: Msg, w: Worker) => void>();

  const live = () => Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w && w.isConnected());
  const fork = () => cluster.fork({ [ENV]: "1" });

  /** One round: every live worker proposes; all swap if all agree. Resolves with a worker's report. */
  const roundOnce = (): Promise<{ agreed: boolean; report: RefreshReport | null }> =>
    new Promise((resolve) => {
      const round = ++roundNo;
      const workers = live().filter((w) => listening.has(w.id));
      if (workers.length === 0) return resolve({ agreed: true, report: null });
      const proposals = new Map<number, string>();
      const swapped = new Map<number, RefreshReport>();
      let decided = false;
      let agreed = false;
      const finish = (report: RefreshReport | null) => {
        clearTimeout(timer);
        pending.delete(round);
        resolve({ agreed, report });
      };
      const decide = (swap: boolean) => {
        decided = true;
        agreed = swap;
        for (const w of workers) if (w.isConnected()) w.send({ t: "rodent:decision", round, swap } satisfies Msg);
      };
      const timer = setTimeout(() => {
        log.error({ round, proposals: proposals.size, workers: workers.length }, "swap round timed out");
        if (!decided) decide(false);
        finish(null);
      }, ROUND_TIMEOUT_MS);
      pending.set(round, (m, w) => {
        if (m.t === "rodent:proposal") {
          proposals.set(w.id, m.proposal);
          if (!decided && proposals.size === workers.length) {
            const distinct = new Set(proposals.values());
            if (distinct.size > 1) log.warn({ round, proposals: [...distinct] }, "workers disagree; no swap");
            decide(distinct.size === 1);
          }
        } else if (m.t === "rodent:swapped") {
          swapped.set(w.id, m.report);
          if (swapped.size === workers.length) finish(m.report);
        }
      });
      for (const w of workers) w.send({ t: "rodent:round", round } satisfies Msg);
    });

  /** Rounds run one at a time; a disagreement (the registry moved mid-round) is retried. */
  const round = (): Promise<RefreshReport | null> => {
    const run = chain.then(async () => {
      for (let k = 0; k < ROUND_RETRIES; k++) {
        const { agreed, report } = await roundOnce();
        if (agreed) return report;
        await new Promise((r) => setTimeout(r, 200 * (k + 1)));
      }
      return null;
    });
    chain = run.catch(() => undefined);
    return run;
  };

  cluster.on("message", (w: Worker, m: unknown) => {
    if (!isMsg(m)) return;
    if (m.t === "rodent:listening") {
      listening.add(w.id);
      first ??= m.info;
      // A worker (re)started: align it with the others before calling the cluster ready.
      round().finally(() => {
        if (listening.size >= opts.workers && first) resolveReady(first);
      });
    } else if (m.t === "rodent:proposal" || m.t === "rodent:swapped") {
      pending.get(m.round)?.(m, w);
    } else if (m.t === "rodent:reload") {
      round().then(
        (report) => w.isConnected() && w.send({ t: "rodent:reloaded", id: m.id, report } satisfies Msg),
        (e: Error) =>
          w.isConnected() && w.send({ t: "rodent:reloaded", id: m.id, report: null, error: e.message } satisfies Msg),
      );
    } else if (m.t === "rodent:metrics") {
      aggregator.clusterMetrics().then(
        (text) => w.isConnected() && w.send({ t: "rodent:metrics-text", id: m.id, text } satisfies Msg),
        (e: Error) =>
          w.isConnected() && w.send({ t: "rodent:metrics-text", id: m.id, text: null, error: e.message } satisfies Msg),
      );
    }
  });
  cluster.on("exit", (w, code, signal) => {
    listening.delete(w.id);
    if (closing) return;
    log.error({ worker: w.id, code, signal }, "worker died; starting another");
    fork();
  });
  for (let k = 0; k < opts.workers; k++) fork();
  const timer =
    opts.pollSeconds > 0
      ? setInterval(() => {
          round().catch((e) => log.error({ err: e }, "poll round failed"));
        }, opts.pollSeconds * 1000)
      : null;
  timer?.unref();

  let closed: Promise<void> | null = null;
  const close = () => {
    closed ??= (async () => {
      closing = true;
      if (timer) clearInterval(timer);
      const exits = live().map((w) => new Promise<void>((r) => w.once("exit", () => r())));
      for (const w of live()) w.process.kill("SIGTERM");
      await Promise.all(exits);
    })();
    return closed;
  };
  let resolveClosed!: () => void;
  const closedP = new Promise<void>((r) => {
    resolveClosed = r;
  });
  return {
    ready,
    round,
    close: () => close().then(resolveClosed),
    closed: closedP,
  };
}

/** In a worker: route refreshes and /metrics through the primary, and answer its rounds. */
export function joinCluster(
  host: ModelHost,
  metrics: ServiceMetrics,
  log: Logger,
): { listening(info: WorkerInfo): void } {
  // This worker's registry is what the primary's AggregatorRegistry collects (prom-client's worker side).
  new AggregatorRegistry();
  AggregatorRegistry.setRegistries([metrics.registry]);
  let nextId = 0;
  const waiting = new Map<number, (m: Msg) => void>();
  const ask = <T>(msg: Msg, id: number, pick: (m: Msg) => T): Promise<T> =>
    new Promise((resolve, reject) => {
      waiting.set(id, (m) => {
        waiting.delete(id);
        try {
          resolve(pick(m));
        } catch (e) {
          reject(e);
        }
      });
      process.send?.(msg);
    });
  const decisions = new Map<number, (swap: boolean) => void>();
  let currentRound = 0;
  host.gate = (proposal) =>
    new Promise((resolve) => {
      const round = currentRound;
      decisions.set(round, resolve);
      process.send?.({ t: "rodent:proposal", round, proposal } satisfies Msg);
    });
  host.coordinator = () => {
    const id = ++nextId;
    return ask({ t: "rodent:reload", id }, id, (m) => {
      if (m.t !== "rodent:reloaded" || !m.report)
        throw new Error(`reload round failed: ${(m as { error?: string }).error ?? "no report"}`);
      return m.report;
    });
  };
  metrics.text = () => {
    const id = ++nextId;
    return ask({ t: "rodent:metrics", id }, id, (m) => {
      if (m.t !== "rodent:metrics-text" || m.text === null)
        throw new Error(`metrics from the workers: ${(m as { error?: string }).error ?? "none"}`);
      return m.text;
    });
  };
  process.on("message", (m: unknown) => {
    if (!isMsg(m)) return;
    if (m.t === "rodent:round") {
      currentRound = m.round;
      host.refreshLocal().then(
        (report) => process.send?.({ t: "rodent:swapped", round: m.round, report } satisfies Msg),
        (e: Error) => log.error({ err: e }, "refresh in a swap round failed"),
      );
    } else if (m.t === "rodent:decision") {
      decisions.get(m.round)?.(m.swap);
      decisions.delete(m.round);
    } else if (m.t === "rodent:reloaded" || m.t === "rodent:metrics-text") {
      waiting.get(m.id)?.(m);
    }
  });
  return { listening: (info) => process.send?.({ t: "rodent:listening", info } satisfies Msg) };
}
