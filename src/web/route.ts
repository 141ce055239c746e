// The page's address: "#view?key=value&…". The view picks the section; the parameters are that view's state
// (for the list: borough, k, days, notdue, sort), so a link or a bookmark opens the same list.

export function viewOf(hash: string): string {
  return hash.replace(/^#/, "").split("?")[0];
}

export function paramsOf(hash: string): URLSearchParams {
  const q = hash.indexOf("?");
  return new URLSearchParams(q < 0 ? "" : hash.slice(q + 1));
}

/** Write a view's state into the address without a navigation (no hashchange, no new history entry). */
export function setParams(view: string, params: Record<string, string | number | boolean | null | undefined>): void {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === null || v === undefined || v === false || v === "") continue;
    p.set(k, v === true ? "1" : String(v));
  }
  const qs = p.toString();
  const next = `#${view}${qs ? `?${qs}` : ""}`;
  if (location.hash !== next) history.replaceState(null, "", next);
}
