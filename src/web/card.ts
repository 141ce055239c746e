import { getJson, type Risk, riskUrl } from "./api.js";
import { byId, clear, h } from "./dom.js";
import { BAND_LABEL, probabilityText, rankText, topText } from "./format.js";

// One restaurant's risk card, in a modal <dialog> (focus moves in, Escape closes, focus returns to the opener).

export function bandBadge(band: Risk["band"]) {
  return h("span", { class: `band band-${band}` }, BAND_LABEL[band]);
}

export function reasonsList(reasons: Risk["reasons"]) {
  if (reasons.length === 0)
    return h("p", { class: "muted" }, "No feature raised this score above the city's base rate.");
  return h("ol", { class: "reasons" }, ...reasons.map((r) => h("li", {}, r.text)));
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
      h(
        "dl",
        { class: "facts" },
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
    clear(body, h("h2", { id: "card-title" }, "Restaurant"), h("p", { role: "alert" }, (e as Error).message));
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
