import type { MetricInput } from "./types.js";

/** MLflow's runs/log-batch limits per request. */
export const LOG_BATCH_LIMITS = { metrics: 1000, params: 100, tags: 100, total: 1000 } as const;

export interface BatchChunk {
  params: [string, string][];
  metrics: MetricInput[];
  tags: [string, string][];
}

/**
 * Split a batch into requests that each respect the limits. Params and tags go first (they are few), metrics
 * fill the rest of each request. Order within each kind is kept, so steps of one metric stay in order.
 */
export function chunkBatch(
  params: [string, string][],
  metrics: MetricInput[],
  tags: [string, string][],
  limits: { metrics: number; params: number; tags: number; total: number } = LOG_BATCH_LIMITS,
): BatchChunk[] {
  const out: BatchChunk[] = [];
  let p = 0;
  let m = 0;
  let t = 0;
  while (p < params.length || m < metrics.length || t < tags.length) {
    const np = Math.min(limits.params, params.length - p, limits.total);
    const nt = Math.min(limits.tags, tags.length - t, limits.total - np);
    const nm = Math.min(limits.metrics, metrics.length - m, limits.total - np - nt);
    out.push({ params: params.slice(p, p + np), tags: tags.slice(t, t + nt), metrics: metrics.slice(m, m + nm) });
    p += np;
    t += nt;
    m += nm;
  }
  return out;
}
