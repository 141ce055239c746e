import { errorText, getJson, type ListQuery, type Rankings, type Reason, rankingsUrl, type UiSettings } from "./api.js";
import { bandBadge, openCard } from "./card.js";
import { download, toCsv } from "./csv.js";
import { byId, clear, h } from "./dom.js";
import { BANDS, probabilityText } from "./format.js";
import { paramsOf, setParams, viewOf } from "./route.js";

// This week's list: the champion's top-k (GET /v1/rankings) with the lead filters, sortable, exportable as CSV,
// printable as a route sheet. Its state lives in the address (#list?borough=brooklyn&k=20&days=90&notdue=1).

type Item = Rankings["items"][number];
type SortKey = "rank" | "name" | "borough" | "probability" | "last";
const COLUMNS: { key: SortKey | null; label: string; cls?: string }[] = [
  { key: "rank", label: "Rank", cls: "num" },
  { key: "name", label: "Restaurant" },
  { key: "borough", label: "Borough" },
  { key: "probability", label: "Risk", cls: "num" },
  { key: "last", label: "Last inspection" },
  { key: null, label: "Why" },
];
const SORT_KEYS: SortKey[] = ["rank", "name", "borough", "probability", "last"];
const KS = [10, 20, 50, 100, 200, 500];
const DAYS = [0, 30, 60, 90, 180, 365];
/** A reason carried by this share of the list (or more) does not set a row apart: shown faded, last. */
const COMMON_SHARE = 0.8;

let data: Rankings | null = null;
let sort: { key: SortKey; dir: 1 | -1 } = { key: "rank", dir: 1 };
let seq = 0;
let staleAfter = 14;
let settingsAsked = false;

/** The list as last loaded (null before, or after a failed load): the map pins it. */
export const currentList = (): Rankings | null => data;

function value(it: Item, key: SortKey): string | number {
  switch (key) {
    case "rank":
      return it.rank;
    case "probability":
      return it.probability;
    case "name":
      return it.restaurant.name.toLowerCase();
    case "borough":
      return it.restaurant.borough;
    case "last":
      return it.inspection.days_since ?? Number.POSITIVE_INFINITY;
  }
}

function sorted(items: Item[]): Item[] {
  const { key, dir } = sort;
  return [...items].sort((a, b) => {
    const x = value(a, key);
    const y = value(b, key);
    return (x < y ? -1 : x > y ? 1 : 0) * dir || a.rank - b.rank;
  });
}

/** The features that most rows of this list share among their reasons: they do not tell the rows apart. */
function commonFeatures(items: Item[]): Set<string> {
  const count = new Map<string, number>();
  for (const it of items) for (const r of it.reasons) count.set(r.feature, (count.get(r.feature) ?? 0) + 1);
  const out = new Set<string>();
  if (items.length < 5) return out;
  for (const [f, c] of count) if (c / items.length >= COMMON_SHARE) out.add(f);
  return out;
}

/** "average score 55.5 over earlier inspections · higher than 98% of active restaurants" */
export function reasonText(r: Reason): string {
  return r.relative ? `${r.text} · ${r.relative}` : r.text;
}

/** A chip's short form of the standing: "higher than 95% of active restaurants" → "top 5%" (full words on hover). */
export function shortStanding(relative: string): string {
  let m = /^higher than (\d+)%/.exec(relative);
  if (m) return `top ${100 - Number(m[1])}%`;
  m = /^lower than (\d+)%/.exec(relative);
  if (m) return `bottom ${100 - Number(m[1])}%`;
  m = /^true of (.+?) of active/.exec(relative);
  if (m) return `${m[1]} have it`;
  return relative.replace(" of active restaurants", "");
}

function chips(reasons: Reason[], common: Set<string>) {
  if (reasons.length === 0) return h("span", { class: "muted" }, "–");
  const ordered = [...reasons.filter((r) => !common.has(r.feature)), ...reasons.filter((r) => common.has(r.feature))];
  return h(
    "ul",
    { class: "chips" },
    ...ordered.map((r) =>
      h(
        "li",
        { class: common.has(r.feature) ? "chip chip-common" : "chip", "data-feature": r.feature },
        r.text,
        r.relative ? h("span", { class: "rel", title: r.relative }, ` · ${shortStanding(r.relative)}`) : null,
      ),
    ),
  );
}

function lastCell(it: Item) {
  const x = it.inspection;
  if (!x.last_date) return h("span", { class: "muted" }, "never inspected");
  return [
    h("span", { title: `${x.last_type ?? ""}: ${x.last_result ?? ""}` }, `${x.last_date} · ${x.days_since} d ago`),
    x.reinspection_due ? h("span", { class: "tag tag-due", title: x.due_reason ?? "" }, "re-inspection due") : null,
  ];
}

/** The data's age in whole days (from the features date to today) and a badge that turns red past the setting. */
function ageBadge(featuresDate: string) {
  const days = Math.floor((Date.now() - Date.parse(`${featuresDate}T00:00:00Z`)) / 86_400_000);
  const stale = days > staleAfter;
  return h(
    "span",
    {
      class: stale ? "age age-stale" : "age",
      id: "list-age",
      "data-days": days,
      title: `Turns red when the data is more than ${staleAfter} days old (RODENT_STALE_DAYS)`,
    },
    stale ? `Data ${days} days old: refresh the data before planning` : `Data ${days} days old`,
  );
}

function render(): void {
  const table = byId<HTMLTableElement>("list-table");
  if (!data) return;
  const d = data;
  const head = h(
    "tr",
    {},
    ...COLUMNS.map((c) => {
      if (!c.key) return h("th", { scope: "col" }, c.label);
      const active = sort.key === c.key;
      const key = c.key;
      return h(
        "th",
        {
          scope: "col",
          class: c.cls,
          "aria-sort": active ? (sort.dir === 1 ? "ascending" : "descending") : "none",
        },
        h(
          "button",
          {
            type: "button",
            class: "sort",
            "data-sort": key,
            onclick: () => {
              // Risk sorts highest first on the first click; text columns A→Z, last inspection longest ago first.
              const first = key === "probability" || key === "last" ? -1 : 1;
              sort = active ? { key, dir: sort.dir === 1 ? -1 : 1 } : { key, dir: first };
              writeState();
              render();
              table.querySelector<HTMLButtonElement>(`button[data-sort="${key}"]`)?.focus();
            },
          },
          c.label,
          h("span", { class: "arrow", "aria-hidden": "true" }, active ? (sort.dir === 1 ? " ▲" : " ▼") : ""),
        ),
      );
    }),
  );
  const common = commonFeatures(d.items);
  const rows = sorted(d.items).map((it) =>
    h(
      "tr",
      { "data-camis": it.restaurant.camis, "data-due": it.inspection.reinspection_due ? "1" : null },
      h("td", { "data-label": "Rank", class: "num" }, it.rank),
      h(
        "td",
        { "data-label": "Restaurant", class: "who" },
        h(
          "button",
          { type: "button", class: "link", onclick: () => openCard(it.restaurant.camis) },
          it.restaurant.name || it.restaurant.camis,
        ),
        h(
          "span",
          { class: "muted small addr", title: it.restaurant.address },
          ` ${it.restaurant.address}${it.restaurant.cuisine ? ` · ${it.restaurant.cuisine}` : ""}`,
        ),
      ),
      h("td", { "data-label": "Borough" }, it.restaurant.borough),
      h(
        "td",
        { "data-label": "Risk", class: "num" },
        h("span", { class: "prob", title: `${(it.probability * 100).toFixed(2)}%` }, probabilityText(it.probability)),
        " ",
        bandBadge(it.band),
      ),
      h("td", { "data-label": "Last inspection", class: "last" }, lastCell(it)),
      h("td", { "data-label": "Why" }, chips(it.reasons, common)),
    ),
  );
  const where = d.borough ? ` in ${d.borough}` : " in the city";
  const filters: string[] = [];
  if (d.filters.not_inspected_days !== null)
    filters.push(`not inspected in the last ${d.filters.not_inspected_days} days`);
  if (d.filters.not_due) filters.push("no re-inspection already due");
  const caption = filters.length
    ? `Top ${d.items.length} of ${d.matching.toLocaleString("en-US")} active restaurants${where} ${filters.join(", ")} (of ${d.total.toLocaleString("en-US")})`
    : `Top ${d.items.length} of ${d.total.toLocaleString("en-US")} active restaurants${where}`;
  clear(table, h("caption", {}, caption), h("thead", {}, head), h("tbody", {}, rows));
  table.dataset.borough = d.borough ? "1" : "";
  if (d.items.length === 0)
    table.append(h("tbody", {}, h("tr", {}, h("td", { colspan: 6 }, "No restaurant passes these filters."))));
  const counts = BANDS.map((b) => `${d.items.filter((i) => i.band === b).length} ${b}`).join(", ");
  const due = d.items.filter((i) => i.inspection.reinspection_due).length;
  clear(
    byId("list-status"),
    ageBadge(d.features_date),
    ` Data as of ${d.features_date} · snapshot ${d.snapshot} · model version ${d.model.version} · ${counts} · ${due} with a re-inspection already due`,
  );
  clear(
    byId("list-common"),
    common.size
      ? `Shared by most of this list, so shown faded and last: ${[...common]
          .map((f) => {
            const text = d.items.flatMap((i) => i.reasons).find((r) => r.feature === f)?.text ?? f;
            // The values differ from row to row: name the reason, not one row's number.
            return text.replace(/\d[\d,.]*/g, "N");
          })
          .join("; ")}.`
      : "",
  );
  byId("data-date").textContent = `Data as of ${d.features_date}`;
  byId<HTMLButtonElement>("list-csv").disabled = false;
  byId<HTMLButtonElement>("list-print").disabled = false;
}

function query(): ListQuery {
  return {
    k: Number(byId<HTMLSelectElement>("list-k").value),
    borough: byId<HTMLSelectElement>("list-borough").value,
    days: Number(byId<HTMLSelectElement>("list-days").value),
    notDue: byId<HTMLInputElement>("list-notdue").checked,
  };
}

function writeState(): void {
  const q = query();
  setParams("list", {
    borough: q.borough,
    k: q.k,
    days: q.days || null,
    notdue: q.notDue,
    sort: sort.key === "rank" && sort.dir === 1 ? null : `${sort.key}${sort.dir === 1 ? "" : "-desc"}`,
  });
}

/** Set the controls from the address (#list?borough=brooklyn&k=20…); values the page does not offer are ignored. */
export function readState(): void {
  if (viewOf(location.hash) !== "list") return;
  const p = paramsOf(location.hash);
  if (p.toString() === "") return; // the "This week's list" link: keep the list as it is
  const k = Number(p.get("k"));
  if (KS.includes(k)) byId<HTMLSelectElement>("list-k").value = String(k);
  const b = (p.get("borough") ?? "").toLowerCase().replace(/\s+/g, "-");
  const boroughSelect = byId<HTMLSelectElement>("list-borough");
  if ([...boroughSelect.options].some((o) => o.value === b)) boroughSelect.value = b;
  const days = Number(p.get("days") ?? 0);
  if (DAYS.includes(days)) byId<HTMLSelectElement>("list-days").value = String(days);
  byId<HTMLInputElement>("list-notdue").checked = p.get("notdue") === "1" || p.get("notdue") === "true";
  const s = /^(rank|name|borough|probability|last)(-desc)?$/.exec(p.get("sort") ?? "");
  sort =
    s && SORT_KEYS.includes(s[1] as SortKey) ? { key: s[1] as SortKey, dir: s[2] ? -1 : 1 } : { key: "rank", dir: 1 };
}

async function loadSettings(): Promise<void> {
  if (settingsAsked) return;
  settingsAsked = true;
  try {
    staleAfter = (await getJson<UiSettings>("/v1/ui/settings")).stale_after_days;
  } catch {
    settingsAsked = false; // ask again next time; keep the default meanwhile
  }
}

/** A failed load must not leave the previous rows on screen (or exportable) under the new filters. */
function fail(message: string): void {
  data = null;
  clear(byId("list-table"));
  clear(byId("list-common"));
  byId<HTMLButtonElement>("list-csv").disabled = true;
  byId<HTMLButtonElement>("list-print").disabled = true;
  clear(byId("list-status"), h("span", { class: "error", role: "alert" }, message));
  delete byId("list-view").dataset.loaded;
}

export async function loadList(): Promise<void> {
  readState();
  const q = query();
  writeState();
  const mine = ++seq;
  // Not loaded until this answer is shown: a script or test waiting for data-loaded gets these rows, not the last.
  delete byId("list-view").dataset.loaded;
  const status = byId("list-status");
  status.textContent = "Loading…";
  try {
    await loadSettings();
    const r = await getJson<Rankings>(rankingsUrl(q));
    if (mine !== seq) return; // a newer request is on its way
    data = r;
    render();
    const view = byId("list-view");
    view.dataset.loaded = `${q.k}|${q.borough}`;
    view.dataset.filters = `${q.days}|${q.notDue ? 1 : 0}`;
  } catch (e) {
    if (mine === seq) fail(errorText(e, "the list"));
  }
}

function exportCsv(): void {
  if (!data) return;
  const d = data;
  const header = [
    "rank",
    "city_rank",
    "camis",
    "name",
    "address",
    "borough",
    "cuisine",
    "latitude",
    "longitude",
    "probability",
    "band",
    "last_inspection_date",
    "last_inspection_type",
    "last_inspection_result",
    "days_since_last_inspection",
    "reinspection_due",
    "reason_1",
    "reason_2",
    "reason_3",
    "data_as_of",
    "model_version",
  ];
  const rows = sorted(d.items).map((it) => [
    it.rank,
    it.city_rank,
    it.restaurant.camis,
    it.restaurant.name,
    it.restaurant.address,
    it.restaurant.borough,
    it.restaurant.cuisine,
    it.restaurant.lat,
    it.restaurant.lon,
    Number(it.probability.toFixed(6)),
    it.band,
    it.inspection.last_date,
    it.inspection.last_type,
    it.inspection.last_result,
    it.inspection.days_since,
    it.inspection.reinspection_due,
    it.reasons[0] ? reasonText(it.reasons[0]) : "",
    it.reasons[1] ? reasonText(it.reasons[1]) : "",
    it.reasons[2] ? reasonText(it.reasons[2]) : "",
    d.features_date,
    d.model.version,
  ]);
  const slug = d.borough ? d.borough.toLowerCase().replace(/\s+/g, "-") : "nyc";
  download(`rodent-risk-top${d.items.length}-${slug}-${d.features_date}.csv`, toCsv(header, rows));
}

export function initList(): void {
  byId("list-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    void loadList();
  });
  const reload = () => {
    writeState();
    void loadList();
  };
  for (const id of ["list-k", "list-borough", "list-days", "list-notdue"]) byId(id).addEventListener("change", reload);
  byId("list-csv").addEventListener("click", exportCsv);
  byId("list-print").addEventListener("click", () => window.print());
}
