import {
  type Evaluation,
  errorText,
  getJson,
  getOptional,
  type History,
  type HistoryVersion,
  type ModelInfo,
  type ServedModelInfo,
} from "./api.js";
import { byId, clear, h } from "./dom.js";
import { num, pct, when } from "./format.js";
import { boroughs, business, calibration, commands, gateChecks } from "./trust.js";

// Model: what serves now (GET /v1/model), how each version was gated, its test metrics against the baselines
// and the oracle, and the history of versions, promotions and rollbacks (GET /v1/model/history).

const ROWS: { prefix: string; label: string }[] = [
  { prefix: "test", label: "This model" },
  { prefix: "baseline_status_quo", label: "Status quo (today's schedule)" },
  { prefix: "baseline_previous_rodent", label: "Rodents found last time" },
  { prefix: "baseline_previous_score", label: "Last inspection score" },
  { prefix: "oracle", label: "Oracle (true risk, synthetic city)" },
];
const COLS: { key: string; label: string; fmt: (x: number) => string }[] = [
  { key: "auc", label: "AUC", fmt: (x) => num(x, 3) },
  { key: "pr_auc", label: "PR AUC", fmt: (x) => num(x, 3) },
  { key: "precision_at_10", label: "Precision in top 10%", fmt: (x) => pct(x) },
  { key: "lift_at_10", label: "Lift in top 10%", fmt: (x) => `${num(x, 2)}×` },
  { key: "lift_at_5", label: "Lift in top 5%", fmt: (x) => `${num(x, 2)}×` },
  { key: "days_earlier_mean", label: "Days earlier (mean)", fmt: (x) => num(x, 1) },
  { key: "days_earlier_later", label: "Found later", fmt: (x) => num(x, 0) },
  { key: "days_earlier_first_half_share", label: "Found in first half", fmt: (x) => pct(x, 0) },
];

type OwnMetrics = {
  test?: {
    auc?: number;
    lift_at?: Record<string, number>;
    days_earlier?: Record<string, number>;
  };
} | null;

function metricsTable(v: HistoryVersion | undefined, fallback: ServedModelInfo): HTMLElement {
  const m: Record<string, number> = { ...(v?.metrics ?? {}) };
  // Without the run's metrics (no registry handle), the model's own stored test metrics.
  const own = fallback.metrics as OwnMetrics;
  if (m.test_auc === undefined && own?.test) {
    if (typeof own.test.auc === "number") m.test_auc = own.test.auc;
    for (const [f, x] of Object.entries(own.test.lift_at ?? {})) m[`test_lift_at_${f}`] = x;
    for (const [k, x] of Object.entries(own.test.days_earlier ?? {})) m[`test_days_earlier_${k}`] = x;
  }
  const rows = ROWS.filter((r) => COLS.some((c) => m[`${r.prefix}_${c.key}`] !== undefined));
  return h(
    "div",
    {
      class: "scroll",
      tabindex: "0",
      role: "region",
      "aria-label": `Test metrics of version ${fallback.version} (scrolls sideways)`,
    },
    metricsTableBody(m, rows, fallback),
    h(
      "p",
      { class: "note" },
      "Days earlier: the window's inspection dates handed out again in each ranking's order (highest risk first). ",
      "Mean days sooner that the inspections which found rats or mice would have come (the schedule as it ran = 0), ",
      "how many would have come later, and the share found in the first half of the window.",
    ),
  );
}

function metricsTableBody(m: Record<string, number>, rows: typeof ROWS, fallback: ServedModelInfo): HTMLElement {
  return h(
    "table",
    { class: "metrics", "data-testid": `metrics-${fallback.role}` },
    h(
      "caption",
      {},
      `Test window metrics of version ${fallback.version}, against the baselines on the same inspections`,
    ),
    h(
      "thead",
      {},
      h("tr", {}, h("th", { scope: "col" }, "Ranking by"), ...COLS.map((c) => h("th", { scope: "col" }, c.label))),
    ),
    h(
      "tbody",
      {},
      ...rows.map((r) =>
        h(
          "tr",
          { class: r.prefix === "test" ? "ours" : "" },
          h("th", { scope: "row" }, r.label),
          ...COLS.map((c) => {
            const x = m[`${r.prefix}_${c.key}`];
            return h("td", { class: "num" }, x === undefined ? "–" : c.fmt(x));
          }),
        ),
      ),
    ),
  );
}

function gateText(v: HistoryVersion | undefined, tags: Record<string, string>): HTMLElement {
  const gate = v?.gate ?? tags["rodent.gate"] ?? null;
  const reasons = v?.gate_reasons ?? [];
  return h(
    "div",
    { class: "gate" },
    h("p", {}, "Gate decision: ", h("strong", { class: `gate-${gate ?? "none"}` }, gate ?? "not gated")),
    reasons.length ? h("ul", {}, ...reasons.map((r) => h("li", {}, r))) : null,
  );
}

const CALIBRATION: Record<string, string> = {
  platt: "Platt scaling",
  beta: "beta calibration",
  "isotonic-interpolated": "interpolated isotonic",
  none: "none (raw probabilities)",
  isotonic: "isotonic, flat steps (older model)",
};

function servedCard(
  m: ServedModelInfo,
  v: HistoryVersion | undefined,
  share: number | null,
  registryVersion: string | null | undefined,
): HTMLElement {
  const behind = registryVersion !== undefined && registryVersion !== m.version;
  return h(
    "article",
    { class: "panel", "aria-labelledby": `served-${m.role}`, "data-testid": `served-${m.role}` },
    h(
      "h3",
      { id: `served-${m.role}` },
      `${m.role === "champion" ? "Champion" : "Canary"} served: version `,
      h("span", { class: "version" }, m.version),
    ),
    behind
      ? h(
          "p",
          { class: "notice notice-warning", "data-testid": `pending-${m.role}` },
          registryVersion === null
            ? `The registry has no ${m.role} alias now; this service keeps serving version ${m.version}.`
            : `The registry's ${m.role} is now version ${registryVersion}: reload pending.`,
        )
      : null,
    h(
      "dl",
      { class: "facts" },
      h("dt", {}, "Alias"),
      h("dd", {}, m.alias + (share !== null ? ` (answers ${pct(share, 0)} of keyed requests)` : "")),
      h("dt", {}, "Trained"),
      h("dd", {}, when(m.trained_at)),
      h("dt", {}, "Training snapshot"),
      h("dd", {}, m.training_snapshot ?? "–"),
      h("dt", {}, "Calibration"),
      h("dd", {}, CALIBRATION[m.calibration] ?? m.calibration),
      h("dt", {}, "Registered"),
      h("dd", {}, when(m.registered_at)),
      h("dt", {}, "Serving since"),
      h("dd", {}, when(m.loaded_at)),
      v?.promoted_at ? [h("dt", {}, "Promoted"), h("dd", {}, when(v.promoted_at))] : null,
      v?.previous_champion ? [h("dt", {}, "Replaced"), h("dd", {}, `version ${v.previous_champion}`)] : null,
    ),
    gateText(v, m.tags),
  );
}

function historyTable(hist: History): HTMLElement {
  return h(
    "div",
    { class: "scroll", tabindex: "0", role: "region", "aria-label": "Versions (scrolls sideways)" },
    h(
      "table",
      { class: "history" },
      h("caption", {}, `Every registered version of ${hist.name}, newest first`),
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          ...[
            "Version",
            "Registered",
            "Snapshot",
            "Gate",
            "AUC",
            "Lift top 10%",
            "Aliases now",
            "Promoted",
            "Rolled back",
          ].map((l) => h("th", { scope: "col" }, l)),
        ),
      ),
      h(
        "tbody",
        {},
        ...hist.versions.map((v) =>
          h(
            "tr",
            {},
            h("th", { scope: "row" }, v.version),
            h("td", {}, when(v.created_at)),
            h("td", {}, v.snapshot ?? "–"),
            h("td", { title: v.gate_reasons.join("; ") }, v.gate ?? "–"),
            h("td", { class: "num" }, num(v.metrics.test_auc, 3)),
            h(
              "td",
              { class: "num" },
              v.metrics.test_lift_at_10 === undefined ? "–" : `${num(v.metrics.test_lift_at_10, 2)}×`,
            ),
            h("td", {}, v.aliases.join(", ") || "–"),
            h("td", {}, when(v.promoted_at)),
            h("td", {}, when(v.rolled_back_at)),
          ),
        ),
      ),
    ),
  );
}

export async function loadModel(): Promise<void> {
  const out = byId("model-body");
  clear(out, h("p", { role: "status" }, "Loading…"));
  try {
    const [info, hist, ev] = await Promise.all([
      getJson<ModelInfo>("/v1/model"),
      getOptional<History>("/v1/model/history"),
      getOptional<Evaluation>("/v1/model/evaluation"),
    ]);
    const find = (ver: string) => hist?.versions.find((v) => v.version === ver);
    const reg = info.registry;
    const sv = info.serving;
    clear(
      out,
      h(
        "p",
        { class: "lead", "data-testid": "serving-snapshot" },
        "Serving snapshot ",
        h("strong", {}, sv.snapshot),
        ` (${sv.snapshot_name}), features as of ${sv.features_date}, `,
        `${sv.restaurants.toLocaleString("en-US")} active restaurants, feature schema ${info.feature_schema.version}. `,
        reg
          ? `The registry's champion is version ${reg.champion ?? "(none)"}${reg.canary ? `, canary version ${reg.canary}` : ""} (checked ${when(reg.checked_at)}).`
          : "The registry could not be read.",
      ),
      h(
        "div",
        { class: "cards" },
        servedCard(
          info.champion,
          find(info.champion.version),
          info.canary ? 1 - info.canary_share : null,
          reg ? reg.champion : undefined,
        ),
        info.canary
          ? servedCard(info.canary, find(info.canary.version), info.canary_share, reg ? reg.canary : undefined)
          : h("article", { class: "panel" }, h("h3", {}, "Canary"), h("p", {}, "No canary is being tried now.")),
      ),
      h(
        "section",
        { "aria-labelledby": "trust-title", class: "trust" },
        h("h3", { id: "trust-title" }, `Before trusting version ${info.champion.version}`),
        ev
          ? [
              business(ev),
              h("h4", {}, "Gate checks"),
              gateChecks(ev),
              h("h4", {}, "Calibration"),
              calibration(ev),
              h("h4", {}, "By borough"),
              boroughs(ev),
            ]
          : h(
              "p",
              { class: "muted" },
              "The evaluation of this version is not available from this service (no registry).",
            ),
        h("h4", {}, "Roll back or promote"),
        commands(info, hist),
      ),
      // Full width below the cards: the metrics table has a column per measure, days earlier included.
      metricsTable(find(info.champion.version), info.champion),
      info.canary ? metricsTable(find(info.canary.version), info.canary) : null,
      h("h3", {}, "History"),
      hist ? historyTable(hist) : h("p", {}, "The registry's history is not available from this service."),
      hist?.events.length
        ? h(
            "section",
            { "aria-labelledby": "events-title" },
            h("h3", { id: "events-title" }, "Promotions, refusals and rollbacks"),
            h(
              "ol",
              { class: "events" },
              ...hist.events.map((e) =>
                h(
                  "li",
                  {},
                  h("time", { datetime: e.at }, when(e.at)),
                  ` · version ${e.version} `,
                  h("strong", {}, e.kind),
                  ` · ${e.detail}`,
                ),
              ),
            ),
          )
        : null,
    );
    byId("data-date").textContent = `Data as of ${info.serving.features_date}`;
    byId("model-view").dataset.loaded = info.champion.version;
  } catch (e) {
    clear(out, h("p", { role: "alert", class: "error" }, errorText(e, "the model")));
  }
}
