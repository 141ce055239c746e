import { getJson, type ModelInfo, type Notice } from "./api.js";
import { byId, clear, h } from "./dom.js";

// The banner above every view: what an operator must know about what is served (GET /v1/model `notices`): a
// reload pending after a promotion or rollback, a serving snapshot other than the models' training snapshot, a
// snapshot replaced in the last day. While a reload is pending it looks again every 3 s (the service loads the
// new version as soon as it is asked), otherwise every 30 s; `onChange` runs when the notices change (a reload
// became pending or is done), so the open view can show what is served now.

const PENDING_MS = 3000;
const IDLE_MS = 30_000;
let timer: ReturnType<typeof setTimeout> | null = null;
let last: string | null = null;
let changed: () => void = () => {};

function render(notices: Notice[]): void {
  const el = byId("banner");
  el.hidden = notices.length === 0;
  clear(
    el,
    ...notices.map((n) =>
      h(
        "p",
        { class: `notice notice-${n.severity}`, "data-code": n.code },
        h("strong", {}, n.severity === "warning" ? "Note: " : "Info: "),
        n.message,
      ),
    ),
  );
}

export async function refreshBanner(): Promise<void> {
  if (timer) clearTimeout(timer);
  let pending = false;
  let notices: Notice[] = [];
  try {
    notices = (await getJson<ModelInfo>("/v1/model")).notices;
    pending = notices.some((n) => n.code === "reload_pending");
  } catch {
    // Not ready yet (503) or unreachable: the views say so themselves.
  }
  render(notices);
  const key = JSON.stringify(notices.map((n) => [n.code, n.message]));
  const isChange = last !== null && key !== last;
  last = key;
  timer = setTimeout(() => void refreshBanner(), pending ? PENDING_MS : IDLE_MS);
  if (isChange) changed();
}

export function initBanner(onChange: () => void): void {
  changed = onChange;
  void refreshBanner();
}
