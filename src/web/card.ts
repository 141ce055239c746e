import { errorText, getJson, type InspectionContext, type Risk, riskUrl } from "./api.js";
import { byId, clear, h } from "./dom.js";
import { BAND_LABEL, probabilityText, rankText, topText } from "./format.js";

// One restaurant's risk card, in a modal <dialog> (focus moves in, Escape closes, focus returns to the opener).

export function bandBadge(band: Risk["band"]) {
  return h("span", { class: `band band-${band}` }, BAND_LABEL[band]);
}

export function reasonsList(reasons: Risk["reasons"]) {
  if (reasons.length === 0)
    return h("p", { class: "muted" }, "No feature raised this score above the city's base rate.");
  return h(
    "ol",
    { class: "reasons" },
    ...reasons.map((r) => h("li", {}, r.text, r.relative ? h("span", { class: "muted" }, ` · ${r.relative}`) : null)),
  );
}

/** Last visit, whether a re-inspection is already due and why, and the last few inspections. */
export function inspectionBlock(x: InspectionContext) {
  if (!x.last_date)
    return h("p", { "data-testid": "card-last" }, "Never inspected: a new permit awaiting its first visit.");
  return [
    h(
      "p",
      { "data-testid": "card-last" },
      `Last inspected ${x.last_date} (${x.days_since} days before the data's date): ${x.last_type}, ${x.last_result}.`,
    ),
    h(
      "p",
      { "data-testid": "card-due", class: x.reinspection_due ? "due" : "" },
      x.reinspection_due
        ? h("strong", {}, `Re-inspection already due: ${x.due_reason}.`)
        : `No re-inspection pending; next under the city's rules: ${x.next ?? "a cycle inspection"}.`,
    ),
    h(
      "div",
      { class: "scroll" },
      h(
        "table",
        { class: "visits", "data-testid": "card-history" },
        h("caption", {}, `Last ${x.history.length} inspections`),
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            h("th", { scope: "col" }, "Date"),
            h("th", { scope: "col" }, "Type"),
            h("th", { scope: "col" }, "Result"),
          ),
        ),
        h(
          "tbody",
          {},
          ...x.history.map((v) =>
            h(
              "tr",
              { class: v.rodent ? "rodent" : "" },
              h("td", {}, v.date),
              h("td", {}, v.type),
              h("td", {}, v.result),
            ),
          ),
        ),
      ),
    ),
  ];
}

export async function openCard(camis: string): Promise<void> {
  const dialog = byId<HTMLDialogElement>("card");
  const body = byId("card-body");
  clear(body, h("h2", { id: "card-title" }, "Loading…"));
  if (!dialog.open) dialog.showModal();
  try {
    const r = await getJson<Risk>(riskUrl(camis));
    const x = r.restaurant;
    dialog.dataset.camis = x.camis;
    clear(
      body,
      h("h2", { id: "card-title" }, x.name),
      h("p", { class: "address" }, `${x.address}, ${x.borough}`, x.cuisine ? ` · ${x.cuisine}` : ""),
      h(
        "p",
        { class: "risk-line" },
        h("strong", { class: "prob", title: `${(r.probability * 100).toFixed(2)}%` }, probabilityText(r.probability)),
        " chance that the next inspection finds rats or mice ",
        bandBadge(r.band),
      ),
      h(
        "p",
        { class: "muted", "data-testid": "card-rank" },
        `Rank ${rankText(r.rank, r.of)} active restaurants in the city (${topText(r.top_fraction)})`,
        r.tied_with > 0 ? `, tied with ${r.tied_with.toLocaleString("en-US")} others on the same score.` : ".",
      ),
      h("h3", {}, "Why"),
      reasonsList(r.reasons),
      h("h3", {}, "Inspections"),
      inspectionBlock(r.inspection),
      h(
        "dl",
        { class: "facts" },
        h("dt", {}, "Location"),
        h("dd", {}, x.lat !== null && x.lon !== null ? `${x.lat.toFixed(5)}, ${x.lon.toFixed(5)}` : "unknown"),
        h("dt", {}, "CAMIS"),
        h("dd", { "data-testid": "card-camis" }, x.camis),
        h("dt", {}, "Data as of"),
        h("dd", {}, r.features_date),
        h("dt", {}, "Model"),
        h("dd", {}, `version ${r.model.version} (${r.model.role})`),
        h("dt", {}, "Snapshot"),
        h("dd", {}, r.snapshot),
      ),
    );
  } catch (e) {
    clear(
      body,
      h("h2", { id: "card-title" }, "Restaurant"),
      h("p", { role: "alert" }, errorText(e, "this restaurant")),
    );
  }
}

export function initCard(): void {
  const dialog = byId<HTMLDialogElement>("card");
  byId("card-close").addEventListener("click", () => dialog.close());
  // A click on the backdrop (outside the dialog's box) closes it too.
  dialog.addEventListener("click", (ev) => {
    if (ev.target === dialog) dialog.close();
  });
}
