import type { Evaluation, History, ModelInfo } from "./api.js";
import { h } from "./dom.js";
import { num, pct } from "./format.js";

// The part of the Model view an operator reads before trusting the champion (GET /v1/model/evaluation): the gate's
// checks with bounds and values, calibration (ECE, Brier, reliability plot), per-borough results with their
// positives, the business measure, and the exact commands to roll back or promote.

/** Below this many positives a borough's AUC moves by more than ±0.1 between samples: say so next to it. */
const FEW_POSITIVES = 30;

/** A wide table's box: scrolls sideways on its own (focusable, so a keyboard can scroll it too). */
function scrollBox(label: string, ...children: (HTMLElement | null)[]) {
  return h(
    "div",
    { class: "scroll", tabindex: "0", role: "region", "aria-label": `${label} (scrolls sideways)` },
    ...children,
  );
}

const METRIC_WORDS: Record<string, string> = { auc: "AUC", lift_at_10: "Lift in top 10%", ece: "ECE" };

function checkName(name: string, metric: string): string {
  const m = METRIC_WORDS[metric] ?? metric;
  if (name.startsWith("floor.")) return `${m}: floor`;
  if (name.startsWith("champion.")) return `${m}: not worse than the champion`;
  return name;
}

function fmt(metric: string, x: number | null): string {
  if (x === null) return "–";
  return metric === "lift_at_10" ? `${num(x, 2)}×` : num(x, 3);
}

export function gateChecks(ev: Evaluation) {
  const g = ev.gate;
  if (!g) return h("p", { class: "muted" }, "No gate record for this version (registered by hand or by an older run).");
  return h(
    "div",
    {},
    scrollBox(
      "Gate checks",
      h(
        "table",
        { class: "checks", "data-testid": "gate-checks" },
        h(
          "caption",
          {},
          `Gate ${g.passed ? "passed" : "refused"}: ${g.checks.length} checks${g.against ? ` against ${g.against}` : " (no champion: floors only)"}`,
        ),
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            ...["Check", "Where", "Value", "Bound", "Champion", "Result"].map((l) => h("th", { scope: "col" }, l)),
          ),
        ),
        h(
          "tbody",
          {},
          ...g.checks.map((c) =>
            h(
              "tr",
              { class: c.passed ? "" : "failed" },
              h("th", { scope: "row" }, checkName(c.name, c.metric)),
              h("td", {}, c.scope),
              h("td", { class: "num" }, fmt(c.metric, c.candidate)),
              h("td", { class: "num" }, `${c.comparison === "<=" ? "≤" : "≥"} ${fmt(c.metric, c.threshold)}`),
              h("td", { class: "num" }, fmt(c.metric, c.champion)),
              h("td", { class: c.passed ? "gate-passed" : "gate-refused" }, c.passed ? "passed" : "failed"),
            ),
          ),
        ),
      ),
    ),
    g.skipped.length
      ? h("ul", { class: "small muted" }, ...g.skipped.map((s) => h("li", {}, `Not checked: ${s}`)))
      : null,
  );
}

const SVG = "http://www.w3.org/2000/svg";
function svg(tag: string, attrs: Record<string, string | number>, ...children: (Element | string)[]): SVGElement {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const c of children) el.append(c);
  return el;
}

/** Reliability plot: each score bin's mean predicted probability against the share that found rats or mice. */
function reliabilityPlot(bins: NonNullable<Evaluation["test"]>["reliability"]): SVGElement {
  const W = 260;
  const P = 34;
  const used = bins.filter((b) => b.n > 0 && b.mean_score !== null && b.positive_rate !== null);
  const max = Math.max(0.05, ...used.map((b) => Math.max(b.mean_score ?? 0, b.positive_rate ?? 0)));
  const top = Math.min(1, Math.ceil(max * 10) / 10);
  const x = (v: number) => P + (v / top) * (W - P - 8);
  const y = (v: number) => W - P - (v / top) * (W - P - 8);
  const total = used.reduce((s, b) => s + b.n, 0) || 1;
  const ticks = [0, top / 2, top];
  return svg(
    "svg",
    {
      viewBox: `0 0 ${W} ${W}`,
      width: W,
      height: W,
      role: "img",
      class: "reliability",
      "aria-label": `Reliability plot: ${used.length} score bins; points on the diagonal are perfectly calibrated. The table below gives the same numbers.`,
    },
    svg("rect", { x: P, y: 8, width: W - P - 8, height: W - P - 8, fill: "#fff", stroke: "#999" }),
    svg("line", { x1: x(0), y1: y(0), x2: x(top), y2: y(top), stroke: "#777", "stroke-dasharray": "4 3" }),
    ...ticks.flatMap((t) => [
      svg("text", { x: x(t), y: W - P + 14, "text-anchor": "middle", "font-size": 10, fill: "#333" }, pct(t, 0)),
      svg("text", { x: P - 4, y: y(t) + 3, "text-anchor": "end", "font-size": 10, fill: "#333" }, pct(t, 0)),
    ]),
    svg("text", { x: (W + P) / 2, y: W - 4, "text-anchor": "middle", "font-size": 10, fill: "#333" }, "predicted"),
    svg(
      "text",
      {
        x: 10,
        y: (W - P) / 2,
        "text-anchor": "middle",
        "font-size": 10,
        fill: "#333",
        transform: `rotate(-90 10 ${(W - P) / 2})`,
      },
      "observed",
    ),
    svg("polyline", {
      points: used.map((b) => `${x(b.mean_score ?? 0)},${y(b.positive_rate ?? 0)}`).join(" "),
      fill: "none",
      stroke: "#0b5394",
      "stroke-width": 1.5,
    }),
    ...used.map((b) =>
      svg("circle", {
        cx: x(b.mean_score ?? 0),
        cy: y(b.positive_rate ?? 0),
        r: 2.5 + 5 * Math.sqrt(b.n / total),
        fill: "#0b5394",
      }),
    ),
  );
}

export function calibration(ev: Evaluation) {
  const t = ev.test;
  if (!t) return h("p", { class: "muted" }, "No test-window evaluation for this version.");
  const used = t.reliability.filter((b) => b.n > 0);
  return h(
    "div",
    { class: "calibration", "data-testid": "calibration" },
    h(
      "p",
      {},
      `On the test window${ev.window?.from ? ` (${ev.window.from} to ${ev.window.to})` : ""}: expected calibration error (ECE) `,
      h("strong", { "data-testid": "ece" }, num(t.ece, 3)),
      ", Brier score ",
      h("strong", { "data-testid": "brier" }, num(t.brier, 4)),
      ` over ${t.n.toLocaleString("en-US")} inspections (${t.positives.toLocaleString("en-US")} found rats or mice). ECE is the average gap between predicted and observed rates; 0 is perfect.`,
    ),
    h(
      "figure",
      { class: "plot" },
      reliabilityPlot(t.reliability),
      h("figcaption", { class: "small muted" }, "Dashed: perfect calibration. Dot size: inspections in the bin."),
    ),
    h(
      "details",
      {},
      h("summary", {}, "Reliability bins as a table"),
      scrollBox(
        "Reliability bins",
        h(
          "table",
          { class: "bins" },
          h("caption", {}, "Score bins of the test window"),
          h(
            "thead",
            {},
            h("tr", {}, ...["Scores", "Inspections", "Predicted", "Observed"].map((l) => h("th", { scope: "col" }, l))),
          ),
          h(
            "tbody",
            {},
            ...used.map((b) =>
              h(
                "tr",
                {},
                h("th", { scope: "row" }, `${pct(b.lo, 0)}–${pct(b.hi, 0)}`),
                h("td", { class: "num" }, b.n),
                h("td", { class: "num" }, b.mean_score === null ? "–" : pct(b.mean_score)),
                h("td", { class: "num" }, b.positive_rate === null ? "–" : pct(b.positive_rate)),
              ),
            ),
          ),
        ),
      ),
    ),
  );
}

export function boroughs(ev: Evaluation) {
  const t = ev.test;
  if (!t) return null;
  const rows = Object.entries(t.by_borough).sort((a, b) => b[1].n - a[1].n);
  return h(
    "div",
    {},
    scrollBox(
      "Test window by borough",
      h(
        "table",
        { class: "boroughs", "data-testid": "by-borough" },
        h("caption", {}, "Test window by borough"),
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            ...["Borough", "Inspections", "Positives", "AUC", "Lift in top 10%", "ECE"].map((l) =>
              h("th", { scope: "col" }, l),
            ),
          ),
        ),
        h(
          "tbody",
          {},
          ...rows.map(([b, m]) =>
            h(
              "tr",
              {},
              h("th", { scope: "row" }, b),
              h("td", { class: "num" }, m.n.toLocaleString("en-US")),
              h(
                "td",
                { class: "num" },
                m.positives.toLocaleString("en-US"),
                m.positives < FEW_POSITIVES
                  ? h("span", { class: "tag tag-due", title: "too few positives for a stable AUC" }, "few")
                  : null,
              ),
              h("td", { class: "num" }, num(m.auc, 3)),
              h("td", { class: "num" }, m.lift_at_10 === null ? "–" : `${num(m.lift_at_10, 2)}×`),
              h("td", { class: "num" }, num(m.ece, 3)),
            ),
          ),
        ),
      ),
    ),
    h(
      "p",
      { class: "small muted" },
      `"few": under ${FEW_POSITIVES} inspections that found rats or mice; that borough's AUC can move by 0.1 or more from one window to the next.`,
    ),
  );
}

export function business(ev: Evaluation) {
  const t = ev.test;
  if (!t) return null;
  const d = t.days_earlier;
  return h(
    "p",
    { "data-testid": "business" },
    `What it buys: visiting each week's inspections in this model's order instead of the schedule as it ran, the ${t.positives.toLocaleString("en-US")} inspections that found rats or mice would have come on average `,
    h("strong", {}, `${num(d.mean ?? null, 1)} days sooner`),
    ` (median ${num(d.median ?? null, 0)}); ${pct(d.first_half_share ?? 0, 0)} of them in the first half of the window, ${num(d.later ?? null, 0)} later than they were. The top 10% of each week's list held rats or mice ${pct(t.precision_at_10 ?? 0)} of the time, ${num(t.lift_at_10, 2)}× the base rate.`,
  );
}

/** The exact commands, with the versions filled in: what to run on the laptop or in the cluster's job. */
export function commands(info: ModelInfo, hist: History | null) {
  const champion = info.champion.version;
  const previous = hist?.aliases.previous ?? null;
  const candidate =
    info.canary?.version ??
    hist?.versions.find((v) => v.version !== champion && v.gate === "passed" && !v.rolled_back_at)?.version ??
    null;
  const lines: (HTMLElement | null)[] = [
    h(
      "p",
      {},
      previous
        ? `Roll back: version ${previous} (the previous champion) serves again; look first with --dry-run.`
        : "Roll back: there is no previous champion recorded, so a rollback has nothing to restore.",
    ),
    h("pre", { "data-testid": "cmd-rollback" }, h("code", {}, "rodent rollback --dry-run\nrodent rollback")),
    candidate
      ? h("p", {}, `Promote version ${candidate} to champion, only if version ${champion} is still the champion:`)
      : null,
    candidate
      ? h(
          "pre",
          { "data-testid": "cmd-promote" },
          h(
            "code",
            {},
            `rodent promote ${candidate} --to champion --expect ${champion} --dry-run\nrodent promote ${candidate} --to champion --expect ${champion}`,
          ),
        )
      : null,
    h(
      "p",
      { class: "small muted" },
      `The service picks the change up within ${info.serving.poll_seconds || "its next"} seconds (or at once: POST /admin/reload).`,
    ),
  ];
  return h("div", { class: "commands" }, ...lines);
}
