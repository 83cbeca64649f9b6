// Generates trilink's bundled protected areas (scenarios/areas/*.geojson) from Natural Earth's
// 1:50m Admin 0 countries, as redistributed by the world-atlas npm package (TopoJSON).
//
//   cd tools/areas && npm ci && node make_areas.mjs
//
// Each output is a FeatureCollection that io::parse_areas_geojson reads, two features per part
// (Japan and Korea have one part each; the USA has two, Guam then Hawaii):
//   "<Part> land"            MultiPolygon, no buffer
//   "<Part> territorial sea" the same rings with buffer_m = 22224 (12 nmi)
// Parts far apart (Guam and Hawaii are 6,000 km apart) are separate features because each area
// is projected on a plane about its own centre (warn/areas.hpp).
// The territorial sea is the land grown by 12 nmi from the coastline (warn/areas.hpp explains
// why this approximates the real sea, which is measured from straight baselines), stopped at
// the line equidistant from a neighbour's coast: Japan's and Korea's files end with a
// "neighbour_of" feature, the other countries' land within 50 km of theirs.
// It also writes region.geojson, the land around Korea, Japan and Guam for the exercise
// report's map (see the section at the end).
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

// ISO 3166-1 numeric id (world-atlas feature id) and Natural Earth name, both checked. A part
// with `within` keeps only the source's polygons whose outer ring lies inside that lon/lat box
// (Hawaii: the islands of the United States' feature, id 840, between 161 and 154 W).
const NATIONS = [
  {
    file: "japan.geojson",
    nation: "JPN",
    neighbours: true,
    parts: [{ name: "Japan", id: "392", source_name: "Japan" }],
  },
  {
    file: "korea.geojson",
    nation: "KOR",
    neighbours: true,
    parts: [{ name: "Korea", id: "410", source_name: "South Korea" }],
  },
  {
    file: "usa.geojson",
    nation: "USA",
    note: "; Hawaii is the United States' polygons within lon -161..-154 lat 18..23",
    parts: [
      { name: "Guam", id: "316", source_name: "Guam" },
      {
        name: "Hawaii",
        id: "840",
        source_name: "United States of America",
        within: { lon0: -161, lon1: -154, lat0: 18, lat1: 23 },
      },
    ],
  },
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

function ringWithin(ring, box) {
  return ring.every(
    ([lon, lat]) => lon >= box.lon0 && lon <= box.lon1 && lat >= box.lat0 && lat <= box.lat1,
  );
}

function cleanPolygons(geometry, within) {
  const polygons = [];
  for (const polygon of polygonsOf(geometry)) {
    if (within && !ringWithin(polygon[0], within)) continue;
    const outer = cleanRing(polygon[0]);
    if (!outer) continue; // an islet that rounds away
    const holes = polygon.slice(1).map(cleanRing).filter((r) => r !== null);
    polygons.push([outer, ...holes]);
  }
  return polygons;
}

// Neighbours' land: every polygon of another country with a vertex within NEIGHBOUR_KM of one of
// the nation's own vertices. A territorial sea stops at the line equidistant from the two coasts
// (warn/areas.hpp), which only land within twice the sea's breadth (44 km) can move; 50 km
// leaves room for the 1:50m map's vertex spacing.
const NEIGHBOUR_KM = 50;

function kmBetween([lon1, lat1], [lon2, lat2]) {
  const rad = Math.PI / 180;
  const a =
    Math.sin(((lat2 - lat1) * rad) / 2) ** 2 +
    Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(((lon2 - lon1) * rad) / 2) ** 2;
  return 2 * 6371.0088 * Math.asin(Math.min(1, Math.sqrt(a)));
}

function neighbourPolygons(countries, ownIds, ownPolygons) {
  const own = ownPolygons.flat(2);
  const lat0 = Math.min(...own.map((p) => p[1])) - 1, lat1 = Math.max(...own.map((p) => p[1])) + 1;
  const lon0 = Math.min(...own.map((p) => p[0])) - 1, lon1 = Math.max(...own.map((p) => p[0])) + 1;
  const near = (p) =>
    p[0] >= lon0 && p[0] <= lon1 && p[1] >= lat0 && p[1] <= lat1 &&
    own.some((q) => kmBetween(p, q) <= NEIGHBOUR_KM);
  const out = [];
  const names = [];
  for (const f of countries) {
    if (ownIds.includes(String(f.id))) continue;
    let used = false;
    for (const polygon of cleanPolygons(f.geometry)) {
      if (!polygon[0].some(near)) continue;
      out.push(polygon);
      used = true;
    }
    if (used) names.push(f.properties.name);
  }
  return { polygons: out, names };
}

// JSON with a fixed key order and one ring per line, so that diffs stay readable.
function featureText(name, nation, bufferM, polygons, neighbourOf) {
  const props = neighbourOf ? { name, neighbour_of: neighbourOf } : { name, nation };
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
  const features = [];
  const sizes = [];
  for (const part of n.parts) {
    const matches = countries.filter((f) => String(f.id) === part.id);
    if (matches.length !== 1) throw new Error(`expected one feature with id ${part.id}`);
    const f = matches[0];
    if (f.properties.name !== part.source_name)
      throw new Error(`id ${part.id} is "${f.properties.name}", expected "${part.source_name}"`);
    const polygons = cleanPolygons(f.geometry, part.within);
    if (polygons.length === 0) throw new Error(`${part.name}: no polygon`);
    features.push(featureText(`${part.name} land`, n.nation, undefined, polygons));
    features.push(
      featureText(`${part.name} territorial sea`, n.nation, TERRITORIAL_SEA_M, polygons),
    );
    const vertices = polygons.flat().reduce((s, r) => s + r.length - 1, 0);
    sizes.push(`${part.name} ${polygons.length} polygons, ${vertices} vertices`);
    if (n.neighbours) {
      const near = neighbourPolygons(countries, n.parts.map((p) => p.id), polygons);
      features.push(
        featureText(`${part.name} neighbours' land`, undefined, undefined, near.polygons, n.nation),
      );
      const nv = near.polygons.flat().reduce((s, r) => s + r.length - 1, 0);
      sizes.push(`neighbours (${near.names.join(", ")}) ${near.polygons.length} polygons, ${nv} vertices`);
    }
  }
  const text =
    '{"type": "FeatureCollection",\n' +
    ' "source": "Natural Earth 1:50m Admin 0 countries (public domain) via world-atlas ' +
    `countries-50m.json (ISC)${n.note ?? ""}; regenerate with tools/areas/make_areas.mjs",\n` +
    ' "features": [\n' +
    features.join(",\n") +
    "\n ]}\n";
  JSON.parse(text); // self-check
  const path = join(outDir, n.file);
  writeFileSync(path, text);
  console.log(`${path}: ${sizes.join("; ")}, ${text.length} bytes`);
}

// ---- region.geojson: background land for maps (the exercise report) ----
//
// Natural Earth 1:50m land (world-atlas land-50m.json) around Korea, Japan and Guam: every
// polygon whose bounding box meets REGION, clipped (Sutherland-Hodgman) to the larger CLIP box so
// that the file stays small while a map of REGION still shows whole coasts, rounded to 3 decimals
// (about 110 m). One MultiPolygon feature, one ring per line. Clipping adds straight edges
// along CLIP's sides; a map drawn inside REGION never shows them.
const REGION = { lon0: 115, lon1: 155, lat0: 10, lat1: 52 };
const CLIP = { lon0: 95, lon1: 165, lat0: 5, lat1: 60 };
const REGION_DECIMALS = 3;

function roundTo(x, decimals) {
  const r = Number(x.toFixed(decimals));
  return Object.is(r, -0) ? 0 : r;
}

// Clips an open ring (no closing vertex) to lon/lat >= or <= a bound, one side at a time.
function clipRing(ring, box) {
  const sides = [
    [(p) => p[0] >= box.lon0, (a, b) => cut(a, b, 0, box.lon0)],
    [(p) => p[0] <= box.lon1, (a, b) => cut(a, b, 0, box.lon1)],
    [(p) => p[1] >= box.lat0, (a, b) => cut(a, b, 1, box.lat0)],
    [(p) => p[1] <= box.lat1, (a, b) => cut(a, b, 1, box.lat1)],
  ];
  function cut(a, b, axis, v) {
    const s = (v - a[axis]) / (b[axis] - a[axis]);
    const p = [a[0] + s * (b[0] - a[0]), a[1] + s * (b[1] - a[1])];
    p[axis] = v;
    return p;
  }
  let out = ring;
  for (const [inside, intersect] of sides) {
    const input = out;
    out = [];
    for (let i = 0; i < input.length; ++i) {
      const cur = input[i];
      const prev = input[(i + input.length - 1) % input.length];
      if (inside(cur)) {
        if (!inside(prev)) out.push(intersect(prev, cur));
        out.push(cur);
      } else if (inside(prev)) {
        out.push(intersect(prev, cur));
      }
    }
    if (out.length === 0) break;
  }
  return out;
}

function bboxMeets(ring, box) {
  let lon0 = Infinity, lon1 = -Infinity, lat0 = Infinity, lat1 = -Infinity;
  for (const [lon, lat] of ring) {
    lon0 = Math.min(lon0, lon); lon1 = Math.max(lon1, lon);
    lat0 = Math.min(lat0, lat); lat1 = Math.max(lat1, lat);
  }
  return lon0 <= box.lon1 && lon1 >= box.lon0 && lat0 <= box.lat1 && lat1 >= box.lat0;
}

// Clips, rounds, removes consecutive duplicates and closes a ring; null if degenerate.
function regionRing(ring) {
  const open = ring.slice(0, -1); // GeoJSON rings repeat their first vertex
  const out = [];
  for (const [lon, lat] of clipRing(open, CLIP)) {
    const p = [roundTo(lon, REGION_DECIMALS), roundTo(lat, REGION_DECIMALS)];
    const last = out[out.length - 1];
    if (last && last[0] === p[0] && last[1] === p[1]) continue;
    out.push(p);
  }
  while (out.length > 1 && out[0][0] === out[out.length - 1][0] && out[0][1] === out[out.length - 1][1])
    out.pop();
  if (out.length < 3) return null;
  out.push([out[0][0], out[0][1]]);
  return out;
}

{
  const landTopology = JSON.parse(
    readFileSync(join(here, "node_modules", "world-atlas", "land-50m.json"), "utf8"),
  );
  const land = feature(landTopology, landTopology.objects.land);
  const geometries = land.type === "FeatureCollection" ? land.features.map((f) => f.geometry) : [land.geometry];
  const polygons = [];
  for (const geometry of geometries) {
    for (const polygon of polygonsOf(geometry)) {
      if (!bboxMeets(polygon[0], REGION)) continue;
      const outer = regionRing(polygon[0]);
      if (!outer) continue;
      const holes = polygon.slice(1).map(regionRing).filter((r) => r !== null);
      polygons.push([outer, ...holes]);
    }
  }
  const rings = polygons
    .map((poly) => "    [\n" + poly.map((r) => "     " + JSON.stringify(r)).join(",\n") + "\n    ]")
    .join(",\n");
  const text =
    '{"type": "FeatureCollection",\n' +
    ' "source": "Natural Earth 1:50m land (public domain) via world-atlas land-50m.json (ISC), ' +
    `lon ${REGION.lon0}..${REGION.lon1} lat ${REGION.lat0}..${REGION.lat1} clipped to lon ` +
    `${CLIP.lon0}..${CLIP.lon1} lat ${CLIP.lat0}..${CLIP.lat1}; regenerate with ` +
    'tools/areas/make_areas.mjs",\n' +
    ' "features": [\n' +
    '  {"type": "Feature", "properties": {"name": "land"}, ' +
    '"geometry": {"type": "MultiPolygon", "coordinates": [\n' +
    rings +
    "\n  ]}}\n ]}\n";
  JSON.parse(text); // self-check
  const path = join(outDir, "region.geojson");
  writeFileSync(path, text);
  const vertices = polygons.flat().reduce((s, r) => s + r.length - 1, 0);
  console.log(`${path}: ${polygons.length} polygons, ${vertices} vertices, ${text.length} bytes`);
}
