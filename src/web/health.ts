import { getJson } from "./api.js";
import { byId, clear, h } from "./dom.js";
import { num, pct } from "./format.js";

// Health: drift per feature and of the score, worst first, and realised performance per week (GET /v1/monitoring),
// requests and latency per route (GET /metrics, Prometheus text), and the latest replay (GET /v1/replay).

interface ColumnDrift {
  name: string;
  kind?: string;
  test?: "ks" | "chi2";
  n?: number;
  refN?: number;
  psi?: number;
  ks?: number;
  chi2?: number;
  df?: number;
  js?: number;
  pValue?: number;
  judged?: boolean;
  note?: string;
  drift?: boolean;
  watch?: boolean;
  hist?: { labels: string[]; ref: number[]; cur: number[] };
}
interface Verdict {
  level: "ok" | "watch" | "act";
  reasons: string[];
}
interface DriftReport {
  n?: number;
  judged?: boolean;
  reference?: { basis: string; asOf: string | null; n: number };
  columns?: ColumnDrift[];
  score?: ColumnDrift;
  drifted?: string[];
  watched?: string[];
  verdict?: Verdict;
  rule?: { psiThreshold?: number; psiWatch?: number; alpha?: number; minSample?: number };
}
interface StreamReport {
  window: { from: string; to: string; days: number };
  reference: string;
  judged: boolean;
  dispersion: number;
  boroughs: { borough: string; current: number; expected: number; ratio: number; z: number; signal: string | null }[];
  volume: { current: number; expected: number; ratio: number; signal: string | null };
  verdict: Verdict;
}
interface OutcomeWeek {
  week: string;
  inspections?: number;
  matched?: number;
  matched_logged?: number;
  matched_backfill?: number;
  models?: string[];
  positives?: number;
  auc: number | null;
  precision_at_10: number | null;
  lift_at_10: number | null;
}
interface Monitoring {
  data_date?: string;
  week?: string;
  snapshot?: string;
  verdict?: Verdict;
  signals?: { key: string; kind: string; label: string }[];
  population?: DriftReport | null;
  stream?: StreamReport | null;
  requests?: { since: string | null; scored: number; sampled: number };
  /** The request sample against the model's profile: described, never judged. */
  drift?: DriftReport | null;
  outcomes?: { weeks?: OutcomeWeek[]; performance_drop?: boolean; reasons?: string[] } | null;
  trigger?: { acknowledged: string[]; last_start: string | null } | null;
  [k: string]: unknown;
}
interface ReplaySummary {
  policy?: string;
  scenario?: string;
  change_date?: string | null;
  summary?: Record<string, unknown>;
}

/** Prometheus text → samples (name, labels, value). Only what this page reads; no exemplars or escapes beyond \" */
export function parseProm(text: string): { name: string; labels: Record<string, string>; value: number }[] {
  const out: { name: string; labels: Record<string, string>; value: number }[] = [];
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2].replace(/\\"/g, '"');
    out.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return out;
}

/** A quantile from cumulative histogram buckets (linear inside the bucket, as Prometheus does). */
export function bucketQuantile(q: number, buckets: { le: number; count: number }[]): number | null {
  const b = [...buckets].sort((x, y) => x.le - y.le);
  const total = b.at(-1)?.count ?? 0;
  if (total === 0) return null;
  const rank = q * total;
  let prevLe = 0;
  let prevCount = 0;
  for (const { le, count } of b) {
    if (count >= rank) {
      if (!Number.isFinite(le)) return prevLe;
      return prevLe + ((le - prevLe) * (rank - prevCount)) / Math.max(1, count - prevCount);
    }
    prevLe = le;
    prevCount = count;
  }
  return prevLe;
}

function requestsTable(text: string): HTMLElement {
  const samples = parseProm(text);
  const routes = new Map<string, { n: number; errors: number; buckets: Map<number, number> }>();
  const get = (r: string) => {
    let x = routes.get(r);
    if (!x) {
      x = { n: 0, errors: 0, buckets: new Map() };
      routes.set(r, x);
    }
    return x;
  };
  for (const s of samples) {
    if (s.name === "rodent_http_requests_total") {
      const x = get(s.labels.route ?? "?");
      x.n += s.value;
      if (Number(s.labels.status_code) >= 500) x.errors += s.value;
    } else if (s.name === "rodent_http_request_duration_seconds_bucket") {
      const x = get(s.labels.route ?? "?");
      const le = s.labels.le === "+Inf" ? Number.POSITIVE_INFINITY : Number(s.labels.le);
      x.buckets.set(le, (x.buckets.get(le) ?? 0) + s.value);
    }
  }
  const rows = [...routes.entries()].filter(([, x]) => x.n > 0).sort((a, b) => b[1].n - a[1].n);
  const ms = (v: number | null) => (v === null ? "–" : `${(v * 1000).toFixed(v < 0.01 ? 2 : 1)} ms`);
  return h(
    "table",
    { class: "requests" },
    h("caption", {}, "Requests since the service started, by route (from /metrics)"),
    h("thead", {}, h("tr", {}, ...["Route", "Requests", "5xx", "p50", "p99"].map((l) => h("th", { scope: "col" }, l)))),
    h(
      "tbody",
      {},
      ...rows.map(([route, x]) => {
        const buckets = [...x.buckets.entries()].map(([le, count]) => ({ le, count }));
        return h(
          "tr",
          {},
          h("th", { scope: "row" }, h("code", {}, route)),
          h("td", { class: "num" }, x.n.toLocaleString("en-US")),
          h("td", { class: "num" }, x.errors.toLocaleString("en-US")),
          h("td", { class: "num" }, ms(bucketQuantile(0.5, buckets))),
          h("td", { class: "num" }, ms(bucketQuantile(0.99, buckets))),
        );
      }),
    ),
  );
}

/** Rows shown before "all columns": the worst are what an operator acts on. */
const DRIFT_TOP = 10;

const VERDICT_WORDS = { ok: "OK", watch: "Watch", act: "Act" } as const;

function verdictBox(v: Verdict, title: string): HTMLElement {
  return h(
    "div",
    { class: `verdict verdict-${v.level}`, role: v.level === "act" ? "alert" : "status" },
    h("strong", {}, `${title}: ${VERDICT_WORDS[v.level]}`),
    h("ul", {}, ...v.reasons.map((r) => h("li", {}, r))),
  );
}

/** Reference vs now, as two bars per group (inline SVG: no library, nothing from the internet). */
function histogram(c: ColumnDrift): SVGSVGElement | null {
  const hist = c.hist;
  if (!hist || hist.labels.length === 0) return null;
  const ns = "http://www.w3.org/2000/svg";
  const W = 240;
  const H = 56;
  const n = hist.labels.length;
  const max = Math.max(...hist.ref, ...hist.cur, 1e-9);
  const bw = W / n;
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
  svg.setAttribute("width", String(W));
  svg.setAttribute("height", String(H));
  svg.setAttribute("class", "hist");
  svg.setAttribute("role", "img");
  svg.setAttribute(
    "aria-label",
    `${c.name}: ${hist.labels.map((l, i) => `${l} ${(100 * hist.ref[i]).toFixed(0)}% then, ${(100 * hist.cur[i]).toFixed(0)}% now`).join("; ")}`,
  );
  hist.labels.forEach((l, i) => {
    for (const [k, v] of [hist.ref[i], hist.cur[i]].entries()) {
      const r = document.createElementNS(ns, "rect");
      const hh = Math.max(0.5, (v / max) * (H - 4));
      r.setAttribute("x", String(i * bw + 1 + k * (bw / 2 - 1)));
      r.setAttribute("y", String(H - hh));
      r.setAttribute("width", String(Math.max(1, bw / 2 - 1.5)));
      r.setAttribute("height", String(hh));
      r.setAttribute("class", k === 0 ? "ref" : "cur");
      const t = document.createElementNS(ns, "title");
      t.textContent = `${l}: ${(100 * v).toFixed(1)}% ${k === 0 ? "reference" : "now"}`;
      r.append(t);
      svg.append(r);
    }
  });
  return svg;
}

function driftTable(d: DriftReport, what: string, limit = Number.POSITIVE_INFINITY): HTMLElement {
  const all = [...(d.score ? [{ ...d.score, name: "score" }] : []), ...(d.columns ?? [])];
  // Worst first: acting columns, then watched, then by PSI.
  all.sort(
    (a, b) =>
      Number(Boolean(b.drift)) - Number(Boolean(a.drift)) ||
      Number(Boolean(b.watch)) - Number(Boolean(a.watch)) ||
      (b.psi ?? 0) - (a.psi ?? 0),
  );
  const cols = all.slice(0, limit);
  return h(
    "div",
    { class: "scroll", tabindex: "0", role: "region", "aria-label": `${what}: drift per feature` },
    h(
      "table",
      { class: "drift" },
      h(
        "caption",
        {},
        `${what}: ${(d.n ?? 0).toLocaleString("en-US")} rows against ${d.reference?.basis ?? "the reference"}` +
          (cols.length < all.length ? `, the ${cols.length} worst of ${all.length} columns` : ""),
      ),
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          ...["Column", "Test", "PSI", "KS / χ²", "p-value", "Verdict", "Reference (light) vs now (dark)"].map((l) =>
            h("th", { scope: "col" }, l),
          ),
        ),
      ),
      h(
        "tbody",
        {},
        ...cols.map((c) =>
          h(
            "tr",
            { class: c.drift ? "drifting" : c.watch ? "watched" : "" },
            h("th", { scope: "row" }, c.name),
            h("td", {}, c.test === "ks" ? "KS" : c.test === "chi2" ? "χ² by category" : "–"),
            h("td", { class: "num" }, num(c.psi, 3)),
            h("td", { class: "num" }, c.test === "ks" ? num(c.ks, 3) : num(c.chi2, 1)),
            h("td", { class: "num" }, c.pValue === undefined ? "–" : c.pValue < 1e-4 ? "<0.0001" : num(c.pValue, 4)),
            h(
              "td",
              {},
              c.judged === false
                ? h("span", { title: c.note ?? "" }, "not judged")
                : c.drift
                  ? h("strong", {}, "act")
                  : c.watch
                    ? "watch"
                    : "ok",
            ),
            h("td", {}, histogram(c)),
          ),
        ),
      ),
    ),
  );
}

function driftSection(d: DriftReport, what: string): HTMLElement[] {
  const n = (d.columns?.length ?? 0) + (d.score ? 1 : 0);
  return [
    d.verdict ? verdictBox(d.verdict, what) : null,
    driftTable(d, what, DRIFT_TOP),
    n > DRIFT_TOP ? h("details", {}, h("summary", {}, `All ${n} columns`), driftTable(d, what)) : null,
  ].filter((x) => x !== null);
}

function streamSection(s: StreamReport): HTMLElement[] {
  const pctOf = (r: number) => (Number.isFinite(r) ? `${r >= 1 ? "+" : ""}${(100 * (r - 1)).toFixed(0)}%` : "–");
  return [
    verdictBox(s.verdict, "311 rat sightings"),
    h(
      "table",
      { class: "stream" },
      h(
        "caption",
        {},
        `311 sightings ${s.window.from} to ${s.window.to}, each borough against the rest of the city and ${s.reference} (dispersion ${num(s.dispersion, 2)})`,
      ),
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          ...["Borough", "Sightings", "Expected", "Change", "z", "Signal"].map((l) => h("th", { scope: "col" }, l)),
        ),
      ),
      h(
        "tbody",
        {},
        ...s.boroughs.map((b) =>
          h(
            "tr",
            { class: b.signal ? "drifting" : "" },
            h("th", { scope: "row" }, b.borough),
            h("td", { class: "num" }, b.current.toLocaleString("en-US")),
            h("td", { class: "num" }, num(b.expected, 0)),
            h("td", { class: "num" }, pctOf(b.ratio)),
            h("td", { class: "num" }, num(b.z, 1)),
            h("td", {}, b.signal ? h("strong", {}, b.signal) : "–"),
          ),
        ),
        h(
          "tr",
          { class: s.volume.signal ? "drifting" : "" },
          h("th", { scope: "row" }, "Citywide volume"),
          h("td", { class: "num" }, s.volume.current.toLocaleString("en-US")),
          h("td", { class: "num" }, num(s.volume.expected, 0)),
          h("td", { class: "num" }, pctOf(s.volume.ratio)),
          h("td", { class: "num" }, "–"),
          h("td", {}, s.volume.signal ? h("strong", {}, s.volume.signal) : "–"),
        ),
      ),
    ),
  ];
}

function outcomesTable(weeks: OutcomeWeek[]): HTMLElement {
  return h(
    "table",
    { class: "outcomes" },
    h("caption", {}, "Realised performance per week, once inspections report back"),
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        ...[
          "Week",
          "Inspections",
          "Scored (logged / backfilled)",
          "Rodents found",
          "AUC",
          "Precision top 10%",
          "Lift top 10%",
          "Model",
        ].map((l) => h("th", { scope: "col" }, l)),
      ),
    ),
    h(
      "tbody",
      {},
      ...weeks.map((w) =>
        h(
          "tr",
          {},
          h("th", { scope: "row" }, w.week),
          h("td", { class: "num" }, w.inspections ?? "–"),
          h("td", { class: "num" }, `${w.matched ?? "–"} (${w.matched_logged ?? "–"} / ${w.matched_backfill ?? "–"})`),
          h("td", { class: "num" }, w.positives ?? "–"),
          h("td", { class: "num" }, num(w.auc, 3)),
          h("td", { class: "num" }, w.precision_at_10 === null ? "–" : pct(w.precision_at_10)),
          h("td", { class: "num" }, w.lift_at_10 === null ? "–" : `${num(w.lift_at_10, 2)}×`),
          h("td", {}, (w.models ?? []).map((v) => `v${v}`).join(", ") || "–"),
        ),
      ),
    ),
  );
}

function replaySection(
  results: ReplaySummary[],
  chart: string,
  recommendation: { policy: string; reason: string } | null,
): HTMLElement {
  const keys = [
    "weeks",
    "retrains",
    "promotions",
    "refused",
    "drift_weeks",
    "mean_lift_at_10",
    "mean_oracle_lift_at_10",
    "weeks_to_first_drift",
    "days_earlier",
  ];
  return h(
    "div",
    {},
    h(
      "figure",
      { class: "replay" },
      h("img", {
        src: chart,
        alt: "Lift in the top 10% per week for each retraining policy over the replayed years, with retrain and drift marks",
      }),
      h(
        "figcaption",
        {},
        `Replay${results[0]?.scenario ? ` with scenario ${results[0].scenario}` : ""}${results[0]?.change_date ? `, change on ${results[0].change_date}` : ""}.`,
      ),
    ),
    recommendation
      ? h(
          "p",
          { class: "recommendation" },
          h("strong", {}, `Recommended: ${recommendation.policy}. `),
          recommendation.reason,
        )
      : null,
    h(
      "table",
      { class: "replay-summary" },
      h("caption", {}, "Replay summary per policy"),
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", { scope: "col" }, "Policy"),
          ...keys.map((k) => h("th", { scope: "col" }, k.replace(/_/g, " "))),
        ),
      ),
      h(
        "tbody",
        {},
        ...results.map((r) =>
          h(
            "tr",
            {},
            h("th", { scope: "row" }, r.policy ?? "?"),
            ...keys.map((k) => {
              const raw = r.summary?.[k];
              const v = k === "days_earlier" ? ((raw as { mean?: number | null } | undefined)?.mean ?? null) : raw;
              return h("td", { class: "num" }, typeof v !== "number" ? "–" : Number.isInteger(v) ? v : num(v, 2));
            }),
          ),
        ),
      ),
    ),
  );
}

interface ReplayDoc {
  available: boolean;
  results: ReplaySummary[] | null;
  chart: string | null;
  recommendation?: { policy: string; reason: string } | null;
}

/** Whether the service documents a route (optional routes are looked up first, so the page never asks for a 404). */
async function hasRoute(path: string): Promise<boolean> {
  try {
    const doc = await getJson<{ paths?: Record<string, unknown> }>("/openapi.json");
    return path in (doc.paths ?? {});
  } catch {
    return false;
  }
}

export async function loadHealth(): Promise<void> {
  const out = byId("health-body");
  clear(out, h("p", { role: "status" }, "Loading…"));
  const [mon, metrics, replay] = await Promise.all([
    hasRoute("/v1/monitoring")
      .then((yes) => (yes ? getJson<Monitoring>("/v1/monitoring") : null))
      .catch((e: Error) => e),
    fetch("/metrics")
      .then((r) => (r.ok ? r.text() : null))
      .catch(() => null),
    getJson<ReplayDoc>("/v1/replay").catch((e: Error) => e),
  ]);
  const m = mon && !(mon instanceof Error) ? mon : null;
  const population = m?.population ?? (m?.serving_drift as DriftReport | null | undefined) ?? null;
  const outcome = m?.outcomes ?? null;
  const weeks = outcome?.weeks ?? [];
  const acknowledged = m?.trigger?.acknowledged ?? [];
  clear(
    out,
    h(
      "section",
      { "aria-labelledby": "drift-title" },
      h("h3", { id: "drift-title" }, "Drift"),
      mon instanceof Error
        ? h("p", { role: "alert" }, `Could not load monitoring: ${mon.message}`)
        : m
          ? [
              m.verdict ? verdictBox(m.verdict, `Data up to ${m.data_date ?? "?"} (week of ${m.week ?? "?"})`) : null,
              m.signals?.length
                ? h(
                    "p",
                    {},
                    `Signals: ${m.signals.map((x) => x.label + (acknowledged.includes(x.key) ? " (acknowledged: a retrain already answered it)" : "")).join("; ")}.`,
                  )
                : null,
              ...(m.stream ? streamSection(m.stream) : [h("p", {}, "No 311 stream behind this snapshot.")]),
              ...(population
                ? driftSection(population, "Every active restaurant now")
                : [h("p", {}, "No population drift yet: no year-earlier data and no reference profile.")]),
              m.requests
                ? h(
                    "p",
                    { class: "requests-note" },
                    `Requests: ${m.requests.scored.toLocaleString("en-US")} rows scored since the champion loaded (${m.requests.sampled.toLocaleString("en-US")} sampled). Which restaurants people ask about is a selection, not the city: shown in the API (drift), never judged.`,
                  )
                : null,
            ]
          : h("p", {}, "Monitoring is not available on this service."),
    ),
    h(
      "section",
      { "aria-labelledby": "perf-title" },
      h("h3", { id: "perf-title" }, "Realised performance"),
      weeks.length
        ? [
            h(
              "p",
              {},
              outcome?.performance_drop
                ? h("strong", {}, `Performance drop: ${(outcome.reasons ?? []).join("; ")}`)
                : "No drop beyond the tolerance against the model's offline test metrics.",
            ),
            outcomesTable(weeks),
          ]
        : h("p", {}, "No outcomes yet: they arrive with the next inspections (rodent monitor outcomes)."),
    ),
    h(
      "section",
      { "aria-labelledby": "req-title" },
      h("h3", { id: "req-title" }, "Requests and latency"),
      metrics ? requestsTable(metrics) : h("p", {}, "/metrics is not reachable."),
    ),
    h(
      "section",
      { "aria-labelledby": "replay-title" },
      h("h3", { id: "replay-title" }, "Replay"),
      replay instanceof Error
        ? h("p", { role: "alert" }, `Could not load the replay: ${replay.message}`)
        : replay.available && replay.results
          ? replaySection(replay.results, replay.chart ?? "/v1/replay/chart.svg", replay.recommendation ?? null)
          : h("p", {}, "No replay has been run yet (rodent replay --from … --to … --policy …)."),
    ),
  );
  byId("health-view").dataset.loaded = "1";
}
