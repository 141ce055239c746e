import { errorText, getJson, type MapData, type Rankings, rankingsUrl } from "./api.js";
import boroughsDoc from "./boroughs.json";
import { openCard } from "./card.js";
import { byId, clear, h } from "./dom.js";
import { BAND_COLOUR, BAND_LABEL, BANDS } from "./format.js";
import { currentList } from "./list.js";
import ntasDoc from "./ntas.json";

// The risk map on a canvas: borough outlines bundled with the page (NYC Dept of City Planning's Borough
// Boundaries, simplified; see scripts/web-boroughs.mjs), every active restaurant as a point coloured by its risk
// band, aggregated into hexagons while zoomed out. No tiles, nothing from the network but GET /v1/restaurants.

interface BoroughOutline {
  name: string;
  rings: number[][];
}
const OUTLINES = (boroughsDoc as { boroughs: BoroughOutline[] }).boroughs;
interface Nta {
  code: string;
  name: string;
  label: boolean;
  at: [number, number];
  rings: number[][];
}
/** 2020 Neighborhood Tabulation Areas (NYC DCP), simplified: outlines and labels (scripts/web-ntas.mjs). */
const NTAS = (ntasDoc as unknown as { ntas: Nta[] }).ntas;
/** Zoom (× whole city) from which neighbourhood outlines, then their names, are drawn. */
const NTA_LINES_ZOOM = 1.5;
const NTA_LABELS_ZOOM = 2.5;
/** Where the borough names go while zoomed out (lon, lat). */
const BOROUGH_LABELS: [string, number, number][] = [
  ["Manhattan", -73.968, 40.785],
  ["Bronx", -73.87, 40.85],
  ["Brooklyn", -73.95, 40.645],
  ["Queens", -73.81, 40.715],
  ["Staten Island", -74.15, 40.58],
];
/**
 * Hexagon colours: the share of a hexagon's restaurants in the city's top 20% (bands high + elevated). Stated on
 * the page under the map. A hexagon with 20% is average: the city as a whole has 20% in the top 20%.
 */
export const HEX_THRESHOLDS: { min: number; band: keyof typeof BAND_COLOUR }[] = [
  { min: 0.45, band: "high" },
  { min: 0.25, band: "elevated" },
  { min: 0.1, band: "moderate" },
  { min: 0, band: "low" },
];

/** Equirectangular projection around NYC: at this latitude a degree of longitude is cos(40.7°) of one of latitude. */
const LAT0 = 40.7;
const KX = Math.cos((LAT0 * Math.PI) / 180);
const wxOf = (lon: number) => (lon + 74) * KX;
const wyOf = (lat: number) => LAT0 - lat;
/** The five boroughs' extent in world units, the initial view. */
const EXTENT = { x0: wxOf(-74.26), x1: wxOf(-73.69), y0: wyOf(40.92), y1: wyOf(40.49) };
/** Below this zoom (× the whole-city view) restaurants are drawn as hexagons, at or above as points. */
export const POINTS_ZOOM = 3;
const HEX_R = 10;
const MAX_ZOOM = 64;

let data: MapData | null = null;
let wx = new Float32Array(0);
let wy = new Float32Array(0);
let canvas: HTMLCanvasElement;
let view = { s: 1, tx: 0, ty: 0, fit: 1 };
let outlines: Path2D[] = [];
let land = new Path2D();
let ntaLines = new Path2D();
let started = false;
/** The week's list pinned on the map (the list view's current rows, else the city's top 20). */
let pins: { camis: string; rank: number; name: string; i: number }[] = [];
let pinsKey = "";
/** The restaurant selected by a pin, the pinned list or a search: ringed on the map. */
let selected = -1;

const zoom = () => view.s / view.fit;
const pointRadius = () => Math.min(6, 2 + zoom() * 0.25);

function cssSize(): { w: number; h: number } {
  return { w: canvas.clientWidth || 600, h: canvas.clientHeight || 400 };
}

function fitView(): void {
  const { w, h: hh } = cssSize();
  const s = Math.min(w / (EXTENT.x1 - EXTENT.x0), hh / (EXTENT.y1 - EXTENT.y0)) * 0.96;
  view = {
    s,
    fit: s,
    tx: (w - (EXTENT.x1 - EXTENT.x0) * s) / 2 - EXTENT.x0 * s,
    ty: (hh - (EXTENT.y1 - EXTENT.y0) * s) / 2 - EXTENT.y0 * s,
  };
}

/** Zoom by `f` keeping the screen point (cx, cy) fixed. */
function zoomAt(f: number, cx: number, cy: number): void {
  const s = Math.max(view.fit * 0.8, Math.min(view.fit * MAX_ZOOM, view.s * f));
  const k = s / view.s;
  view = { ...view, s, tx: cx - (cx - view.tx) * k, ty: cy - (cy - view.ty) * k };
  draw();
}

function pan(dx: number, dy: number): void {
  view = { ...view, tx: view.tx + dx, ty: view.ty + dy };
  draw();
}

function addRings(p: Path2D, rings: number[][]): void {
  for (const ring of rings) {
    for (let i = 0; i < ring.length; i += 2) {
      const x = wxOf(ring[i]);
      const y = wyOf(ring[i + 1]);
      if (i === 0) p.moveTo(x, y);
      else p.lineTo(x, y);
    }
    p.closePath();
  }
}

function buildOutlines(): void {
  land = new Path2D();
  outlines = OUTLINES.map((b) => {
    const p = new Path2D();
    addRings(p, b.rings);
    addRings(land, b.rings);
    return p;
  });
  ntaLines = new Path2D();
  for (const n of NTAS) addRings(ntaLines, n.rings);
}

/** Share of a hexagon's restaurants in the top 20% (high or elevated) → a band colour (HEX_THRESHOLDS). */
function hexColour(share: number): string {
  for (const t of HEX_THRESHOLDS) if (share >= t.min) return BAND_COLOUR[t.band];
  return BAND_COLOUR.low;
}

function label(ctx: CanvasRenderingContext2D, text: string, x: number, y: number, font: string): void {
  ctx.font = font;
  ctx.textAlign = "center";
  ctx.textBaseline = "middle";
  ctx.lineWidth = 3;
  ctx.strokeStyle = "rgba(255,255,255,0.9)";
  ctx.strokeText(text, x, y);
  ctx.fillStyle = "#222";
  ctx.fillText(text, x, y);
}

/** Neighbourhood names (zoomed in) or borough names (zoomed out), over everything but the pins. */
function drawLabels(ctx: CanvasRenderingContext2D, w: number, hh: number): void {
  if (zoom() >= NTA_LABELS_ZOOM) {
    for (const n of NTAS) {
      if (!n.label) continue;
      const x = wxOf(n.at[0]) * view.s + view.tx;
      const y = wyOf(n.at[1]) * view.s + view.ty;
      if (x < -60 || y < -10 || x > w + 60 || y > hh + 10) continue;
      label(ctx, n.name, x, y, "11px system-ui, sans-serif");
    }
  } else {
    for (const [name, lon, lat] of BOROUGH_LABELS)
      label(ctx, name, wxOf(lon) * view.s + view.tx, wyOf(lat) * view.s + view.ty, "600 13px system-ui, sans-serif");
  }
}

const PIN_R = 9;

/** Numbered pins of the week's list, the selected restaurant ringed. */
function drawPins(ctx: CanvasRenderingContext2D): void {
  for (let k = pins.length - 1; k >= 0; k--) {
    const p = pins[k];
    if (p.i < 0 || Number.isNaN(wx[p.i])) continue;
    const x = wx[p.i] * view.s + view.tx;
    const y = wy[p.i] * view.s + view.ty;
    ctx.beginPath();
    ctx.arc(x, y, PIN_R, 0, Math.PI * 2);
    ctx.fillStyle = "#12263a";
    ctx.fill();
    ctx.lineWidth = p.i === selected ? 3 : 1.5;
    ctx.strokeStyle = p.i === selected ? "#f0b400" : "#fff";
    ctx.stroke();
    ctx.font = "700 10px system-ui, sans-serif";
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    ctx.fillStyle = "#fff";
    ctx.fillText(String(p.rank), x, y + 0.5);
  }
  if (selected >= 0 && !pins.some((p) => p.i === selected) && !Number.isNaN(wx[selected])) {
    ctx.beginPath();
    ctx.arc(wx[selected] * view.s + view.tx, wy[selected] * view.s + view.ty, PIN_R + 2, 0, Math.PI * 2);
    ctx.lineWidth = 3;
    ctx.strokeStyle = "#f0b400";
    ctx.stroke();
  }
}

function draw(): void {
  const ctx = canvas.getContext("2d");
  if (!ctx) return;
  const dpr = window.devicePixelRatio || 1;
  const { w, h: hh } = cssSize();
  if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(hh * dpr)) {
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(hh * dpr);
  }
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.fillStyle = "#dfe8ef";
  ctx.fillRect(0, 0, w, hh);
  ctx.setTransform(dpr * view.s, 0, 0, dpr * view.s, dpr * view.tx, dpr * view.ty);
  ctx.fillStyle = "#fbfaf6";
  ctx.strokeStyle = "#4a4a4a";
  ctx.lineWidth = 1.2 / view.s;
  for (const p of outlines) {
    ctx.fill(p, "evenodd");
    ctx.stroke(p);
  }
  if (zoom() >= NTA_LINES_ZOOM) {
    ctx.strokeStyle = "#9a9a92";
    ctx.lineWidth = 0.6 / view.s;
    ctx.stroke(ntaLines);
  }
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  if (!data) {
    drawLabels(ctx, w, hh);
    return;
  }
  const n = data.n;
  const mode = zoom() >= POINTS_ZOOM ? "points" : "hexagons";
  canvas.dataset.mode = mode;
  if (mode === "points") {
    const r = pointRadius();
    // Lowest risk first, so the highest risk is drawn on top (the list arrives highest first).
    for (let i = n - 1; i >= 0; i--) {
      const x = wx[i] * view.s + view.tx;
      const y = wy[i] * view.s + view.ty;
      if (!(x > -r && y > -r && x < w + r && y < hh + r)) continue;
      ctx.beginPath();
      ctx.arc(x, y, r, 0, Math.PI * 2);
      ctx.fillStyle = BAND_COLOUR[data.bands[data.band[i]]];
      ctx.fill();
      ctx.lineWidth = 0.75;
      ctx.strokeStyle = "#ffffff";
      ctx.stroke();
    }
  } else {
    // Pointy-top hexagons of radius HEX_R in screen space (axial coordinates, cube rounding).
    const cells = new Map<string, { q: number; r: number; n: number; top: number }>();
    const sq3 = Math.sqrt(3);
    for (let i = 0; i < n; i++) {
      const x = wx[i] * view.s + view.tx;
      const y = wy[i] * view.s + view.ty;
      if (!(x > -HEX_R && y > -HEX_R && x < w + HEX_R && y < hh + HEX_R)) continue;
      const fq = ((sq3 / 3) * x - y / 3) / HEX_R;
      const fr = ((2 / 3) * y) / HEX_R;
      let q = Math.round(fq);
      let r = Math.round(fr);
      const s = Math.round(-fq - fr);
      const dq = Math.abs(q - fq);
      const dr = Math.abs(r - fr);
      const ds = Math.abs(s + fq + fr);
      if (dq > dr && dq > ds) q = -r - s;
      else if (dr > ds) r = -q - s;
      const key = `${q},${r}`;
      let c = cells.get(key);
      if (!c) {
        c = { q, r, n: 0, top: 0 };
        cells.set(key, c);
      }
      c.n++;
      if (data.band[i] <= 1) c.top++;
    }
    // Hexagons stop at the shore: clip to the boroughs' land.
    ctx.save();
    ctx.setTransform(dpr * view.s, 0, 0, dpr * view.s, dpr * view.tx, dpr * view.ty);
    ctx.clip(land);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    for (const c of cells.values()) {
      const cx = HEX_R * sq3 * (c.q + c.r / 2);
      const cy = HEX_R * 1.5 * c.r;
      ctx.beginPath();
      for (let k = 0; k < 6; k++) {
        const a = (Math.PI / 180) * (60 * k - 30);
        const px = cx + (HEX_R - 0.5) * Math.cos(a);
        const py = cy + (HEX_R - 0.5) * Math.sin(a);
        if (k === 0) ctx.moveTo(px, py);
        else ctx.lineTo(px, py);
      }
      ctx.closePath();
      ctx.globalAlpha = Math.min(0.95, 0.45 + 0.15 * Math.log2(1 + c.n));
      ctx.fillStyle = hexColour(c.top / c.n);
      ctx.fill();
    }
    ctx.globalAlpha = 1;
    ctx.restore();
  }
  drawLabels(ctx, w, hh);
  drawPins(ctx);
  canvas.dataset.selected = selected >= 0 ? data.camis[selected] : "";
  byId("map-zoom").textContent =
    `Zoom ${zoom().toFixed(1)}× · ${mode === "points" ? "each dot is a restaurant" : "hexagons: share of restaurants in the top 20%"}`;
}

/** Row index of the restaurant drawn under a screen point (points mode), nearest first, ties to the higher risk. */
function hit(x: number, y: number): number {
  if (!data) return -1;
  const lim = pointRadius() + 4;
  let best = -1;
  let bestD = lim * lim;
  for (let i = 0; i < data.n; i++) {
    const dx = wx[i] * view.s + view.tx - x;
    const dy = wy[i] * view.s + view.ty - y;
    const d = dx * dx + dy * dy;
    // Strictly closer wins; rows come highest risk first, so on a tie the higher risk (drawn on top) stays.
    if (d < bestD - 0.25) {
      bestD = d;
      best = i;
    }
  }
  return best;
}

/** The pin drawn under a screen point, or -1 (pins are on top, so they win over dots and hexagons). */
function pinAt(x: number, y: number): number {
  for (let k = 0; k < pins.length; k++) {
    const i = pins[k].i;
    if (i < 0 || Number.isNaN(wx[i])) continue;
    const dx = wx[i] * view.s + view.tx - x;
    const dy = wy[i] * view.s + view.ty - y;
    if (dx * dx + dy * dy <= (PIN_R + 2) ** 2) return k;
  }
  return -1;
}

/** Select a restaurant (ring it, mark its row in the pinned list); `focusRow` moves focus to that row. */
function select(i: number, focusRow: boolean): void {
  selected = i;
  for (const li of document.querySelectorAll<HTMLElement>("#map-pins li")) {
    const on = data !== null && li.dataset.camis === data.camis[i];
    if (on) li.setAttribute("aria-current", "true");
    else li.removeAttribute("aria-current");
    if (on && focusRow) {
      li.scrollIntoView({ block: "nearest" });
      li.querySelector("button")?.focus();
    }
  }
  draw();
}

function onClick(x: number, y: number): void {
  const k = pinAt(x, y);
  if (k >= 0) {
    select(pins[k].i, true);
    return;
  }
  if (zoom() < POINTS_ZOOM) {
    zoomAt(Math.min(POINTS_ZOOM / zoom(), 4) * 1.01, x, y);
    return;
  }
  const i = hit(x, y);
  if (i >= 0 && data) void openCard(data.camis[i]);
}

/** The restaurant with the highest risk among those in view (keyboard: Enter on the map). */
function topInView(): number {
  if (!data) return -1;
  const { w, h: hh } = cssSize();
  for (let i = 0; i < data.n; i++) {
    const x = wx[i] * view.s + view.tx;
    const y = wy[i] * view.s + view.ty;
    if (x >= 0 && y >= 0 && x <= w && y <= hh) return i;
  }
  return -1;
}

function indexOf(camis: string): number {
  return data ? data.camis.indexOf(camis) : -1;
}

/** For scripts and browser tests: centre a restaurant at a zoom, and where it is drawn on the canvas. */
const api = {
  centre(camis: string, z = 8): boolean {
    const i = indexOf(camis);
    if (i < 0 || Number.isNaN(wx[i])) return false;
    const { w, h: hh } = cssSize();
    const s = view.fit * z;
    view = { ...view, s, tx: w / 2 - wx[i] * s, ty: hh / 2 - wy[i] * s };
    draw();
    return true;
  },
  screenOf(camis: string): { x: number; y: number } | null {
    const i = indexOf(camis);
    if (i < 0 || Number.isNaN(wx[i])) return null;
    return { x: wx[i] * view.s + view.tx, y: wy[i] * view.s + view.ty };
  },
  mode: () => canvas?.dataset.mode ?? null,
  /** Where a place is drawn on the canvas (CSS pixels). */
  screenOfLonLat(lon: number, lat: number): { x: number; y: number } {
    return { x: wxOf(lon) * view.s + view.tx, y: wyOf(lat) * view.s + view.ty };
  },
  fit(): void {
    fitView();
    draw();
  },
};

function legend(): HTMLElement[] {
  const pctOf = (x: number) => `${Math.round(x * 100)}%`;
  const hex = HEX_THRESHOLDS.map((t, k) => {
    const upper = k === 0 ? null : HEX_THRESHOLDS[k - 1].min;
    const range =
      upper === null
        ? `${pctOf(t.min)} or more`
        : t.min === 0
          ? `under ${pctOf(upper)}`
          : `${pctOf(t.min)}–${pctOf(upper)}`;
    return `${BAND_LABEL[t.band]} colour: ${range}`;
  });
  return [
    h(
      "ul",
      { class: "legend", "aria-label": "Risk bands" },
      ...BANDS.map((b) => h("li", {}, h("span", { class: `swatch swatch-${b}` }), BAND_LABEL[b])),
      h("li", {}, h("span", { class: "swatch swatch-pin" }), "Numbered pin: the week's list"),
    ),
    h(
      "p",
      { class: "small", id: "map-thresholds" },
      `Hexagons (zoomed out, clipped to land) show the share of their restaurants in the city's top 20%; the city average is 20%. ${hex.join("; ")}. Fainter hexagons hold fewer restaurants.`,
    ),
  ];
}

/** The week's list as numbered pins and a list beside the map, each selecting the other. */
async function loadPins(): Promise<void> {
  let list: Rankings | null = currentList();
  if (!list) list = await getJson<Rankings>(rankingsUrl({ k: 20, borough: "", days: 0, notDue: false }));
  const key = `${list.snapshot}|${list.items.map((i) => i.restaurant.camis).join(",")}`;
  if (key === pinsKey) return;
  pinsKey = key;
  const index = new Map<string, number>();
  if (data) for (let i = 0; i < data.n; i++) index.set(data.camis[i], i);
  pins = list.items.map((it) => ({
    camis: it.restaurant.camis,
    rank: it.rank,
    name: it.restaurant.name || it.restaurant.camis,
    i: index.get(it.restaurant.camis) ?? -1,
  }));
  const where = list.borough ? ` in ${list.borough}` : "";
  byId("pins-title").textContent = `Pinned: top ${pins.length}${where}`;
  clear(
    byId("map-pins"),
    ...pins.map((p) =>
      h(
        "li",
        { "data-camis": p.camis },
        h(
          "button",
          {
            type: "button",
            class: "link",
            onclick: () => {
              if (p.i >= 0) {
                api.centre(p.camis, Math.max(zoom(), 6));
                select(p.i, false);
              }
            },
          },
          `${p.rank}. ${p.name}`,
        ),
        " ",
        h(
          "button",
          {
            type: "button",
            class: "small card-link",
            "aria-label": `Risk card of ${p.name}`,
            onclick: () => openCard(p.camis),
          },
          "card",
        ),
      ),
    ),
  );
}

/** Find by CAMIS (exact) or name (any part, any case); the highest risk match is centred and ringed. */
function search(q: string): void {
  const status = byId("map-status");
  if (!data) return;
  const t = q.trim().toLowerCase();
  if (!t) return;
  const hits: number[] = [];
  for (let i = 0; i < data.n; i++)
    if (data.camis[i] === q.trim() || data.name[i].toLowerCase().includes(t)) hits.push(i);
  if (hits.length === 0) {
    status.textContent = `No active restaurant has "${q.trim()}" in its name or as its CAMIS.`;
    return;
  }
  const i = hits.find((x) => !Number.isNaN(wx[x])) ?? hits[0];
  if (!Number.isNaN(wx[i])) api.centre(data.camis[i], Math.max(zoom(), 8));
  select(i, false);
  status.textContent = `${hits.length} match${hits.length === 1 ? "" : "es"} for "${q.trim()}"; showing the highest risk: ${data.name[i]} (CAMIS ${data.camis[i]})${Number.isNaN(wx[i]) ? ", which has no location" : ""}.`;
}

function wire(): void {
  canvas = byId<HTMLCanvasElement>("map-canvas");
  let down: { x: number; y: number; tx: number; ty: number; id: number } | null = null;
  let moved = false;
  canvas.addEventListener("pointerdown", (ev) => {
    down = { x: ev.offsetX, y: ev.offsetY, tx: view.tx, ty: view.ty, id: ev.pointerId };
    moved = false;
    canvas.setPointerCapture(ev.pointerId);
  });
  canvas.addEventListener("pointermove", (ev) => {
    if (!down) return;
    const dx = ev.offsetX - down.x;
    const dy = ev.offsetY - down.y;
    if (Math.abs(dx) + Math.abs(dy) > 4) moved = true;
    if (moved) {
      view = { ...view, tx: down.tx + dx, ty: down.ty + dy };
      draw();
    }
  });
  canvas.addEventListener("pointerup", (ev) => {
    if (down && !moved) onClick(ev.offsetX, ev.offsetY);
    down = null;
  });
  canvas.addEventListener("pointercancel", () => {
    down = null;
  });
  canvas.addEventListener(
    "wheel",
    (ev) => {
      ev.preventDefault();
      zoomAt(ev.deltaY < 0 ? 1.25 : 0.8, ev.offsetX, ev.offsetY);
    },
    { passive: false },
  );
  canvas.addEventListener("keydown", (ev) => {
    const { w, h: hh } = cssSize();
    const step = 60;
    const keys: Record<string, () => void> = {
      ArrowLeft: () => pan(step, 0),
      ArrowRight: () => pan(-step, 0),
      ArrowUp: () => pan(0, step),
      ArrowDown: () => pan(0, -step),
      "+": () => zoomAt(1.5, w / 2, hh / 2),
      "=": () => zoomAt(1.5, w / 2, hh / 2),
      "-": () => zoomAt(1 / 1.5, w / 2, hh / 2),
      "0": () => {
        fitView();
        draw();
      },
      Enter: () => {
        const i = topInView();
        if (i >= 0 && data) void openCard(data.camis[i]);
      },
    };
    const f = keys[ev.key];
    if (f) {
      ev.preventDefault();
      f();
    }
  });
  byId("map-in").addEventListener("click", () => zoomAt(1.5, cssSize().w / 2, cssSize().h / 2));
  byId("map-out").addEventListener("click", () => zoomAt(1 / 1.5, cssSize().w / 2, cssSize().h / 2));
  byId("map-search").addEventListener("submit", (ev) => {
    ev.preventDefault();
    search(byId<HTMLInputElement>("map-q").value);
  });
  byId("map-reset").addEventListener("click", () => {
    fitView();
    draw();
  });
  new ResizeObserver(() => draw()).observe(canvas);
  (window as unknown as { rodentMap: typeof api }).rodentMap = api;
}

/** When the map is shown again: pin the list as it is now (its filters may have changed). */
export async function refreshPins(): Promise<void> {
  if (!data) return;
  try {
    await loadPins();
    draw();
  } catch {
    /* keep the pins shown; the list view says what failed */
  }
}

export async function loadMap(): Promise<void> {
  if (!started) {
    started = true;
    wire();
    buildOutlines();
    clear(byId("map-legend"), ...legend());
  }
  fitView();
  draw();
  const status = byId("map-status");
  status.textContent = "Loading restaurants…";
  try {
    const d = await getJson<MapData>("/v1/restaurants");
    data = d;
    wx = new Float32Array(d.n);
    wy = new Float32Array(d.n);
    let placed = 0;
    for (let i = 0; i < d.n; i++) {
      const lat = d.lat[i];
      const lon = d.lon[i];
      wx[i] = lat === null || lon === null ? Number.NaN : wxOf(lon);
      wy[i] = lat === null || lon === null ? Number.NaN : wyOf(lat);
      if (lat !== null && lon !== null) placed++;
    }
    status.textContent = `${placed.toLocaleString("en-US")} of ${d.n.toLocaleString("en-US")} active restaurants placed · data as of ${d.features_date} · model version ${d.model.version}`;
    byId("data-date").textContent = `Data as of ${d.features_date}`;
    pinsKey = "";
    await loadPins();
    byId("map-view").dataset.loaded = "1";
    draw();
  } catch (e) {
    status.textContent = errorText(e, "the map");
  }
}
