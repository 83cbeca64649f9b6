// Generates trilink's bundled protected areas (scenarios/areas/*.geojson) from Natural Earth's
// 1:50m Admin 0 countries, as redistributed by the world-atlas npm package (TopoJSON).
//
//   cd tools/areas && npm ci && node make_areas.mjs
//
// Each output is a FeatureCollection that warn::parse_areas_geojson reads:
//   features[0]  "<Nation> land"            MultiPolygon, no buffer
//   features[1]  "<Nation> territorial sea" the same rings with buffer_m = 22224 (12 nmi)
// The territorial sea is the land grown by 12 nmi from the coastline (warn/areas.hpp explains
// why this approximates the real sea, which is measured from straight baselines).
//
// Output is deterministic: fixed key order, coordinates rounded to 4 decimals (about 11 m),
// consecutive duplicate positions removed after rounding, rings degenerate after rounding
// dropped, polygons in the source order, one ring per line.
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { feature } from "topojson-client";

const here = dirname(fileURLToPath(import.meta.url));
const outDir = join(here, "..", "..", "scenarios", "areas");
const topology = JSON.parse(
  readFileSync(join(here, "node_modules", "world-atlas", "countries-50m.json"), "utf8"),
);

const TERRITORIAL_SEA_M = 12 * 1852; // 22224 m
const DECIMALS = 4;

// ISO 3166-1 numeric id (world-atlas feature id) and Natural Earth name, both checked.
const NATIONS = [
  { file: "japan.geojson", id: "392", source_name: "Japan", name: "Japan", nation: "JPN" },
  { file: "korea.geojson", id: "410", source_name: "South Korea", name: "Korea", nation: "KOR" },
];

function round(x) {
  const r = Number(x.toFixed(DECIMALS));
  return Object.is(r, -0) ? 0 : r;
}

// Rounds a ring, removes consecutive duplicates, keeps it closed; null if degenerate.
function cleanRing(ring) {
  const out = [];
  for (const [lon, lat] of ring) {
    const p = [round(lon), round(lat)];
    const last = out[out.length - 1];
    if (last && last[0] === p[0] && last[1] === p[1]) continue;
    out.push(p);
  }
  const first = out[0];
  const last = out[out.length - 1];
  if (first[0] !== last[0] || first[1] !== last[1]) out.push([first[0], first[1]]);
  // Closed ring with at least 3 distinct vertices.
  return out.length >= 4 ? out : null;
}

function polygonsOf(geometry) {
  if (geometry.type === "Polygon") return [geometry.coordinates];
  if (geometry.type === "MultiPolygon") return geometry.coordinates;
  throw new Error(`unexpected geometry type ${geometry.type}`);
}

function cleanPolygons(geometry) {
  const polygons = [];
  for (const polygon of polygonsOf(geometry)) {
    const outer = cleanRing(polygon[0]);
    if (!outer) continue; // an islet that rounds away
    const holes = polygon.slice(1).map(cleanRing).filter((r) => r !== null);
    polygons.push([outer, ...holes]);
  }
  return polygons;
}

// JSON with a fixed key order and one ring per line, so that diffs stay readable.
function featureText(name, nation, bufferM, polygons) {
  const props = { name, nation };
  if (bufferM !== undefined) props.buffer_m = bufferM;
  const rings = polygons
    .map((poly) => "    [\n" + poly.map((r) => "     " + JSON.stringify(r)).join(",\n") + "\n    ]")
    .join(",\n");
  return (
    '  {"type": "Feature", "properties": ' +
    JSON.stringify(props) +
    ', "geometry": {"type": "MultiPolygon", "coordinates": [\n' +
    rings +
    "\n  ]}}"
  );
}

const countries = feature(topology, topology.objects.countries).features;
mkdirSync(outDir, { recursive: true });
for (const n of NATIONS) {
  const matches = countries.filter((f) => String(f.id) === n.id);
  if (matches.length !== 1) throw new Error(`expected one feature with id ${n.id}`);
  const f = matches[0];
  if (f.properties.name !== n.source_name)
    throw new Error(`id ${n.id} is "${f.properties.name}", expected "${n.source_name}"`);
  const polygons = cleanPolygons(f.geometry);
  const text =
    '{"type": "FeatureCollection",\n' +
    ' "source": "Natural Earth 1:50m Admin 0 countries (public domain) via world-atlas ' +
    "countries-50m.json (ISC); regenerate with tools/areas/make_areas.mjs\",\n" +
    ' "features": [\n' +
    featureText(`${n.name} land`, n.nation, undefined, polygons) +
    ",\n" +
    featureText(`${n.name} territorial sea`, n.nation, TERRITORIAL_SEA_M, polygons) +
    "\n ]}\n";
  JSON.parse(text); // self-check
  const path = join(outDir, n.file);
  writeFileSync(path, text);
  const vertices = polygons.flat().reduce((s, r) => s + r.length - 1, 0);
  console.log(`${path}: ${polygons.length} polygons, ${vertices} vertices, ${text.length} bytes`);
}
