import { getJson, type Rankings, rankingsUrl } from "./api.js";
import { bandBadge, openCard } from "./card.js";
import { download, toCsv } from "./csv.js";
import { byId, clear, h } from "./dom.js";
import { BANDS, probabilityText } from "./format.js";

// This week's list: the champion's top-k (GET /v1/rankings), sortable, exportable as CSV.

type Item = Rankings["items"][number];
type SortKey = "rank" | "name" | "address" | "borough" | "probability";
const COLUMNS: { key: SortKey | null; label: string }[] = [
  { key: "rank", label: "Rank" },
  { key: "name", label: "Restaurant" },
  { key: "address", label: "Address" },
  { key: "borough", label: "Borough" },
  { key: "probability", label: "Risk" },
  { key: null, label: "Top reasons" },
];

let data: Rankings | null = null;
let sort: { key: SortKey; dir: 1 | -1 } = { key: "rank", dir: 1 };
let seq = 0;

function value(it: Item, key: SortKey): string | number {
  switch (key) {
    case "rank":
      return it.rank;
    case "probability":
      return it.probability;
    case "name":
      return it.restaurant.name.toLowerCase();
    case "address":
      return it.restaurant.address.toLowerCase();
    case "borough":
      return it.restaurant.borough;
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

function render(): void {
  const table = byId<HTMLTableElement>("list-table");
  if (!data) return;
  const head = h(
    "tr",
    {},
    ...COLUMNS.map((c) => {
      if (!c.key) return h("th", { scope: "col" }, c.label);
      const active = sort.key === c.key;
      const key = c.key;
      return h(
        "th",
        { scope: "col", "aria-sort": active ? (sort.dir === 1 ? "ascending" : "descending") : "none" },
        h(
          "button",
          {
            type: "button",
            class: "sort",
            "data-sort": key,
            onclick: () => {
              // Risk sorts highest first on the first click; text columns A→Z.
              sort = active ? { key, dir: sort.dir === 1 ? -1 : 1 } : { key, dir: key === "probability" ? -1 : 1 };
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
  const rows = sorted(data.items).map((it) =>
    h(
      "tr",
      { "data-camis": it.restaurant.camis },
      h("td", { "data-label": "Rank", class: "num" }, it.rank),
      h(
        "td",
        { "data-label": "Restaurant" },
        h(
          "button",
          { type: "button", class: "link", onclick: () => openCard(it.restaurant.camis) },
          it.restaurant.name || it.restaurant.camis,
        ),
        it.restaurant.cuisine ? h("span", { class: "muted small" }, ` ${it.restaurant.cuisine}`) : null,
      ),
      h("td", { "data-label": "Address" }, it.restaurant.address),
      h("td", { "data-label": "Borough" }, it.restaurant.borough),
      h(
        "td",
        { "data-label": "Risk", class: "num" },
        h("span", { class: "prob", title: `${(it.probability * 100).toFixed(2)}%` }, probabilityText(it.probability)),
        " ",
        bandBadge(it.band),
      ),
      h(
        "td",
        { "data-label": "Top reasons" },
        it.reasons.length
          ? h("ol", { class: "reasons" }, ...it.reasons.slice(0, 3).map((r) => h("li", {}, r.text)))
          : h("span", { class: "muted" }, "–"),
      ),
    ),
  );
  clear(
    table,
    h(
      "caption",
      {},
      `Top ${data.items.length} of ${data.total.toLocaleString("en-US")} active restaurants${data.borough ? ` in ${data.borough}` : " in the city"}`,
    ),
    h("thead", {}, head),
    h("tbody", {}, rows),
  );
  const counts = BANDS.map((b) => `${data?.items.filter((i) => i.band === b).length ?? 0} ${b}`).join(", ");
  clear(
    byId("list-status"),
    `Data as of ${data.features_date} · snapshot ${data.snapshot} · model version ${data.model.version} · ${counts}`,
  );
  byId("data-date").textContent = `Data as of ${data.features_date}`;
}

export async function loadList(): Promise<void> {
  const k = Number(byId<HTMLSelectElement>("list-k").value);
  const borough = byId<HTMLSelectElement>("list-borough").value;
  const mine = ++seq;
  const status = byId("list-status");
  status.textContent = "Loading…";
  try {
    const r = await getJson<Rankings>(rankingsUrl(k, borough));
    if (mine !== seq) return; // a newer request is on its way
    data = r;
    render();
    byId("list-view").dataset.loaded = `${k}|${borough}`;
  } catch (e) {
    if (mine === seq) status.textContent = `Could not load the list: ${(e as Error).message}`;
  }
}

function exportCsv(): void {
  if (!data) return;
  const header = [
    "rank",
    "camis",
    "name",
    "address",
    "borough",
    "cuisine",
    "probability",
    "band",
    "reason_1",
    "reason_2",
    "reason_3",
    "data_as_of",
    "model_version",
  ];
  const rows = sorted(data.items).map((it) => [
    it.rank,
    it.restaurant.camis,
    it.restaurant.name,
    it.restaurant.address,
    it.restaurant.borough,
    it.restaurant.cuisine,
    it.probability.toFixed(6),
    it.band,
    it.reasons[0]?.text ?? "",
    it.reasons[1]?.text ?? "",
    it.reasons[2]?.text ?? "",
    data?.features_date ?? "",
    data?.model.version ?? "",
  ]);
  const slug = data.borough ? data.borough.toLowerCase().replace(/\s+/g, "-") : "nyc";
  download(`rodent-risk-top${data.items.length}-${slug}-${data.features_date}.csv`, toCsv(header, rows));
}

export function initList(): void {
  byId("list-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    void loadList();
  });
  byId("list-k").addEventListener("change", () => void loadList());
  byId("list-borough").addEventListener("change", () => void loadList());
  byId("list-csv").addEventListener("click", exportCsv);
}
