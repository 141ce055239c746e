import { initBanner, refreshBanner } from "./banner.js";
import { initCard } from "./card.js";
import { byId } from "./dom.js";
import { loadHealth } from "./health.js";
import { initList, loadList } from "./list.js";
import { loadMap, refreshPins } from "./map.js";
import { loadModel } from "./model.js";
import { viewOf } from "./route.js";

// The page: four views behind links (#list, #map, #model, #health); the hash picks one, so each view has its own
// address, the back button works and a view loads its data the first time it is shown.

const VIEWS = {
  list: { load: loadList },
  map: { load: loadMap },
  model: { load: loadModel },
  health: { load: loadHealth },
} as const;
type View = keyof typeof VIEWS;
const loaded = new Set<View>();

function current(): View {
  const v = viewOf(location.hash);
  return v in VIEWS ? (v as View) : "list";
}

function show(focus: boolean): void {
  const v = current();
  for (const name of Object.keys(VIEWS) as View[]) {
    byId(`${name}-view`).hidden = name !== v;
    const link = document.querySelector<HTMLAnchorElement>(`nav a[href="#${name}"]`);
    if (name === v) link?.setAttribute("aria-current", "page");
    else link?.removeAttribute("aria-current");
  }
  document.title = `${byId(`${v}-title`).textContent} · rodent-risk`;
  // The list reloads on every navigation to it: its address carries its state (#list?borough=brooklyn&k=20).
  if (!loaded.has(v) || v === "health" || v === "list") {
    loaded.add(v);
    void VIEWS[v].load();
  } else if (v === "map") void refreshPins();
  if (bannerReady) void refreshBanner();
  // After a navigation, move focus to the view's heading so screen readers announce it.
  if (focus) byId(`${v}-title`).focus();
}

let bannerReady = false;
initCard();
initList();
window.addEventListener("hashchange", () => show(true));
for (const el of document.querySelectorAll<HTMLButtonElement>("[data-refresh]")) {
  el.addEventListener("click", () => void VIEWS[el.dataset.refresh as View].load());
}
show(false);
// When the notices change (a reload became pending, or is done), the views may show something stale: reload the
// open one; the others load again when shown.
initBanner(() => {
  loaded.clear();
  show(false);
});
bannerReady = true;
