// Champion vs canary from the service's own /metrics: error rate, latency and the shift of the served
// score distribution (PSI over the rodent_prediction_score buckets). Pure functions over the text format,
// so `rodent canary status` works against any replica, and the comparison is unit-testable.

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parse Prometheus text exposition (the subset prom-client writes: no timestamps, escaped label values). */
export function parsePrometheusText(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    if (m[3]) {
      const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
      for (let l = re.exec(m[3]); l; l = re.exec(m[3])) {
        labels[l[1]] = l[2].replace(/\\n/g, "\n").replace(/\\"/g, '"').replace(/\\\\/g, "\\");
      }
    }
    out.push({ name: m[1], labels, value: Number(m[4]) });
  }
  return out;
}

export interface VersionStats {
  version: string;
  role: string | null;
  requests: number;
  errors5xx: number;
  errorRate: number;
  /** Latency quantiles (seconds) interpolated from the histogram buckets, all routes together. */
  p50: number | null;
  p99: number | null;
  predictions: number;
  meanScore: number | null;
}

export interface CanaryStatus {
  champion: VersionStats | null;
  canary: VersionStats | null;
  canaryShare: number;
  /** Population stability index of the canary's served scores against the champion's (same buckets). */
  scorePsi: number | null;
  /** Rule of thumb: < 0.1 no shift, 0.1–0.25 moderate, > 0.25 large. */
  scoreShift: "none" | "moderate" | "large" | null;
  verdict: "no-canary" | "insufficient-data" | "healthy" | "unhealthy";
  reasons: string[];
}

function bucketsOf(samples: Sample[], name: string, match: (l: Record<string, string>) => boolean) {
  const acc = new Map<number, number>();
  for (const s of samples) {
    if (s.name !== `${name}_bucket` || !match(s.labels)) continue;
    const le = s.labels.le === "+Inf" ? Number.POSITIVE_INFINITY : Number(s.labels.le);
    acc.set(le, (acc.get(le) ?? 0) + s.value);
  }
  return [...acc.entries()].sort((a, b) => a[0] - b[0]);
}

/** Quantile from cumulative buckets, linear inside a bucket (as PromQL's histogram_quantile). */
export function bucketQuantile(cumulative: [number, number][], q: number): number | null {
  const total = cumulative.at(-1)?.[1] ?? 0;
  if (total <= 0) return null;
  const rank = q * total;
  let prevLe = 0;
  let prevCount = 0;
  for (const [le, c] of cumulative) {
    if (c >= rank) {
      if (!Number.isFinite(le)) return prevLe;
      const inBucket = c - prevCount;
      return inBucket > 0 ? prevLe + ((le - prevLe) * (rank - prevCount)) / inBucket : le;
    }
    prevLe = le;
    prevCount = c;
  }
  return prevLe;
}

/** PSI of two cumulative histograms over the same bucket bounds (0.5-count smoothing for empty buckets). */
export function psiFromBuckets(expected: [number, number][], actual: [number, number][]): number | null {
  const toCounts = (h: [number, number][]) => h.map(([, c], i) => c - (i > 0 ? h[i - 1][1] : 0));
  const e = toCounts(expected);
  const a = toCounts(actual);
  if (e.length !== a.length || e.length === 0) return null;
  const te = e.reduce((s, x) => s + x, 0);
  const ta = a.reduce((s, x) => s + x, 0);
  if (te === 0 || ta === 0) return null;
  let psi = 0;
  for (let i = 0; i < e.length; i++) {
    const p = (e[i] + 0.5) / (te + 0.5 * e.length);
    const q = (a[i] + 0.5) / (ta + 0.5 * a.length);
    psi += (q - p) * Math.log(q / p);
  }
  return psi;
}

function statsFor(samples: Sample[], version: string, role: string | null): VersionStats {
  let requests = 0;
  let errors5xx = 0;
  for (const s of samples) {
    if (s.name !== "rodent_http_requests_total" || s.labels.model_version !== version) continue;
    requests += s.value;
    if (s.labels.status_code?.startsWith("5")) errors5xx += s.value;
  }
  const lat = bucketsOf(samples, "rodent_http_request_duration_seconds", (l) => l.model_version === version);
  const scoreBuckets = bucketsOf(samples, "rodent_prediction_score", (l) => l.model_version === version);
  let sum = 0;
  for (const s of samples) {
    if (s.name === "rodent_prediction_score_sum" && s.labels.model_version === version) sum += s.value;
  }
  const predictions = scoreBuckets.at(-1)?.[1] ?? 0;
  return {
    version,
    role,
    requests,
    errors5xx,
    errorRate: requests > 0 ? errors5xx / requests : 0,
    p50: bucketQuantile(lat, 0.5),
    p99: bucketQuantile(lat, 0.99),
    predictions,
    meanScore: predictions > 0 ? sum / predictions : null,
  };
}

export interface CanaryPolicy {
  /** Fewest canary predictions before a verdict. */
  minPredictions: number;
  /** Largest allowed canary error rate above the champion's. */
  maxErrorRateDelta: number;
  /** Largest allowed canary p99 as a multiple of the champion's. */
  maxP99Ratio: number;
  maxPsi: number;
}

export const DEFAULT_CANARY_POLICY: CanaryPolicy = {
  minPredictions: 100,
  maxErrorRateDelta: 0.01,
  maxP99Ratio: 1.5,
  maxPsi: 0.25,
};

/** Compare champion and canary as the service sees them right now. */
export function compareFromMetrics(text: string, policy: CanaryPolicy = DEFAULT_CANARY_POLICY): CanaryStatus {
  const samples = parsePrometheusText(text);
  const info = samples.filter((s) => s.name === "rodent_model_info" && s.value > 0);
  const champ = info.find((s) => s.labels.role === "champion")?.labels.version ?? null;
  const can = info.find((s) => s.labels.role === "canary")?.labels.version ?? null;
  const share = samples.find((s) => s.name === "rodent_canary_share")?.value ?? 0;
  const champion = champ ? statsFor(samples, champ, "champion") : null;
  const canary = can ? statsFor(samples, can, "canary") : null;
  const reasons: string[] = [];
  if (!champion || !canary) {
    return { champion, canary, canaryShare: share, scorePsi: null, scoreShift: null, verdict: "no-canary", reasons };
  }
  const psi = psiFromBuckets(
    bucketsOf(samples, "rodent_prediction_score", (l) => l.model_version === champion.version),
    bucketsOf(samples, "rodent_prediction_score", (l) => l.model_version === canary.version),
  );
  const shift = psi === null ? null : psi < 0.1 ? "none" : psi < 0.25 ? "moderate" : "large";
  let verdict: CanaryStatus["verdict"] = "healthy";
  if (canary.predictions < policy.minPredictions) {
    verdict = "insufficient-data";
    reasons.push(`canary served ${canary.predictions} predictions, fewer than ${policy.minPredictions}`);
  } else {
    if (canary.errorRate > champion.errorRate + policy.maxErrorRateDelta) {
      reasons.push(
        `canary 5xx rate ${canary.errorRate.toFixed(4)} > champion ${champion.errorRate.toFixed(4)} + ${policy.maxErrorRateDelta}`,
      );
    }
    if (canary.p99 !== null && champion.p99 !== null && canary.p99 > champion.p99 * policy.maxP99Ratio) {
      reasons.push(
        `canary p99 ${canary.p99.toFixed(4)}s > ${policy.maxP99Ratio}× champion ${champion.p99.toFixed(4)}s`,
      );
    }
    if (psi !== null && psi > policy.maxPsi) reasons.push(`score PSI ${psi.toFixed(3)} > ${policy.maxPsi}`);
    if (reasons.length) verdict = "unhealthy";
  }
  return { champion, canary, canaryShare: share, scorePsi: psi, scoreShift: shift, verdict, reasons };
}
