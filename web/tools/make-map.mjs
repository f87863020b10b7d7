// Writes public/asia-pacific.geo.json: the ESCAP region's economies from Natural Earth's
// countries (the world-atlas package), as GeoJSON keyed by ISO3 code.
//
// Only the regional economies of data/reference/economies.csv are kept. Longitudes west of 30°W
// are moved east by 360° so that the Pacific (Fiji, Kiribati, Samoa, French Polynesia, ...) and
// Russia's far east sit next to Asia instead of being cut at the antimeridian. Coordinates are
// rounded to 0.01° (about 1 km), which is finer than the sources.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { feature } from 'topojson-client';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const load = (name) => JSON.parse(readFileSync(join(root, 'node_modules/world-atlas', name), 'utf8'));
const topo50 = load('countries-50m.json');
const topo110 = load('countries-110m.json');

// economies.csv: iso3,iso2,m49,name_en,name_en_cldr,escap_subregion,... (plain CSV, quoted fields
// may hold commas).
function parseCsvLine(line) {
  const out = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') { cur += '"'; i++; }
      else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { out.push(cur); cur = ''; }
    else cur += c;
  }
  out.push(cur);
  return out;
}
const csv = readFileSync(join(root, '../data/reference/economies.csv'), 'utf8').split(/\r?\n/).filter(Boolean);
const head = parseCsvLine(csv[0]);
const col = (name) => {
  const i = head.indexOf(name);
  if (i < 0) throw new Error(`economies.csv: no column '${name}'`);
  return i;
};
const m49Col = col('m49');
const subCol = col('escap_subregion');
const regional = new Map();
for (const line of csv.slice(1)) {
  const f = parseCsvLine(line);
  if (f[subCol]) regional.set(f[m49Col].padStart(3, '0'), f[col('iso3')]);
}

const round = (x) => Math.round(x * 100) / 100;
function shift(coords) {
  if (typeof coords[0] === 'number') {
    const lon = coords[0] < -30 ? coords[0] + 360 : coords[0];
    return [round(lon), round(coords[1])];
  }
  return coords.map(shift);
}

// The 1:110m outlines where they exist (a quarter of the points: the map loads faster), and
// 1:50m for the small island economies that 1:110m leaves out.
const in110 = new Set(topo110.objects.countries.geometries.map((g) => String(g.id)));
const all = {
  features: [
    ...feature(topo110, topo110.objects.countries).features,
    ...feature(topo50, topo50.objects.countries).features.filter((f) => !in110.has(String(f.id))),
  ],
};
const features = [];
const polygons = (g) => (g.type === 'Polygon' ? [shift(g.coordinates)] : shift(g.coordinates));
for (const f of all.features) {
  const iso3 = regional.get(String(f.id));
  if (!iso3 || !f.geometry) continue;
  // Natural Earth splits a few economies over several features with one code (Australia and
  // its Ashmore and Cartier Islands): merge them into one MultiPolygon.
  const same = features.find((x) => x.id === iso3);
  if (same) {
    const had = same.geometry.type === 'Polygon' ? [same.geometry.coordinates] : same.geometry.coordinates;
    same.geometry = { type: 'MultiPolygon', coordinates: [...had, ...polygons(f.geometry)] };
    continue;
  }
  features.push({
    type: 'Feature',
    id: iso3,
    properties: { name: iso3, m49: String(f.id) },
    geometry: { type: f.geometry.type, coordinates: shift(f.geometry.coordinates) },
  });
}
const missing = [...regional.entries()].filter(([m49]) => !features.some((f) => f.properties.m49 === m49));
mkdirSync(join(root, 'public'), { recursive: true });
writeFileSync(join(root, 'public/asia-pacific.geo.json'), JSON.stringify({ type: 'FeatureCollection', features }));
console.log(`make-map: ${features.length} economies drawn; not in Natural Earth 1:50m: ${missing.map(([, iso3]) => iso3).join(', ') || 'none'}`);
