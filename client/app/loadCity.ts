/** Fetches the city list and one city from the server's JSON API and normalises it for the views. */
import { POI_KINDS } from '../twin/types.ts';
import { fetchJson } from '../twin/http.ts';
import { enuToGeodetic } from '../twin/geo.ts';
import type { CityDistrict, CityGridCell, CityInfo, CityPoi, LocalizedName, LonLatHeight, PoiKind } from '../twin/types.ts';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

async function getJson(url: string): Promise<unknown> {
  try {
    return await fetchJson(url);
  } catch (error) {
    throw new Error(`loadCity: ${(error as Error).message}`);
  }
}

function localized(v: unknown, fallback: string): LocalizedName {
  if (typeof v === 'string') return { zh: v, en: v };
  if (isObject(v)) {
    const zh = typeof v.zh === 'string' ? v.zh : fallback;
    return { zh, en: typeof v.en === 'string' ? v.en : zh };
  }
  return { zh: fallback, en: fallback };
}

function lonLatRing(v: unknown): [number, number][] | null {
  if (!Array.isArray(v)) return null;
  const ring: [number, number][] = [];
  for (const p of v) {
    if (Array.isArray(p) && num(p[0]) !== null && num(p[1]) !== null) ring.push([p[0] as number, p[1] as number]);
    else if (isObject(p) && num(p.lon) !== null && num(p.lat) !== null) ring.push([p.lon as number, p.lat as number]);
    else return null;
  }
  return ring.length >= 3 ? ring : null;
}

/** Rings from `rings`, `polygon` (rings) or `ring`, or a GeoJSON-like `geometry`. */
function ringsOf(v: Json): [number, number][][] {
  const candidates = [v.rings, v.polygon, isObject(v.geometry) ? v.geometry.coordinates : undefined];
  for (const c of candidates) {
    if (!Array.isArray(c)) continue;
    const rings = c.map(lonLatRing).filter((r): r is [number, number][] => r !== null);
    if (rings.length > 0) return rings;
    // A MultiPolygon: arrays of polygons.
    const flat = c.flatMap((poly) => (Array.isArray(poly) ? poly.map(lonLatRing) : [])).filter((r): r is [number, number][] => r !== null);
    if (flat.length > 0) return flat;
  }
  const single = lonLatRing(v.ring);
  return single ? [single] : [];
}

function bounds(v: unknown): CityInfo['bounds'] | null {
  if (Array.isArray(v) && v.length === 4 && v.every((x) => num(x) !== null)) {
    const [west, south, east, north] = v as number[];
    return { west, south, east, north };
  }
  if (!isObject(v)) return null;
  const west = num(v.west) ?? num(v.minLon);
  const south = num(v.south) ?? num(v.minLat);
  const east = num(v.east) ?? num(v.maxLon);
  const north = num(v.north) ?? num(v.maxLat);
  return west !== null && south !== null && east !== null && north !== null ? { west, south, east, north } : null;
}

/**
 * Grid cells as lon/lat rings: taken as given, or made from the grid's local frame (cells of
 * `cellSize` metres from (originX, originY), row 0 at the south) at the city origin.
 */
function gridCells(v: unknown, origin: LonLatHeight): CityGridCell[] {
  const source = isObject(v) ? v.cells : v;
  const cells = (Array.isArray(source) ? source : []).filter(isObject);
  const frame = isObject(v) ? { x: num(v.originX), y: num(v.originY), size: num(v.cellSize) } : null;
  const result: CityGridCell[] = [];
  for (const c of cells) {
    let ring = ringsOf(c)[0] ?? [];
    const col = num(c.col);
    const row = num(c.row);
    if (ring.length < 3 && frame && frame.x !== null && frame.y !== null && frame.size !== null && col !== null && row !== null) {
      const x0 = frame.x + col * frame.size;
      const y0 = frame.y + row * frame.size;
      const corners: [number, number][] = [[x0, y0], [x0 + frame.size, y0], [x0 + frame.size, y0 + frame.size], [x0, y0 + frame.size]];
      ring = corners.map(([x, y]) => {
        const g = enuToGeodetic(origin, [x, y, 0]);
        return [g.lon, g.lat];
      });
    }
    if (ring.length >= 3) result.push({ id: String(c.id), district: typeof c.district === 'string' ? c.district : '', ring });
  }
  return result;
}

/** Turns the body of GET /api/cities/:id into a CityInfo; throws naming the field that is missing. */
export function normaliseCity(body: unknown, listed: Json = {}): CityInfo {
  if (!isObject(body)) throw new Error('loadCity: the city is not a JSON object');
  const id = typeof body.id === 'string' ? body.id : String(listed.id ?? '');
  if (!id) throw new Error('loadCity: the city has no id');
  const o = body.origin;
  if (!isObject(o) || num(o.lon) === null || num(o.lat) === null) throw new Error(`loadCity: city "${id}": origin must have lon and lat`);
  const origin = { lon: o.lon as number, lat: o.lat as number, height: num(o.height) ?? 0 };
  const b = bounds(body.bounds) ?? { west: origin.lon - 0.05, south: origin.lat - 0.05, east: origin.lon + 0.05, north: origin.lat + 0.05 };

  const districts: CityDistrict[] = (Array.isArray(body.districts) ? body.districts : [])
    .filter(isObject)
    .map((d) => ({ id: String(d.id), name: localized(d.name, String(d.id)), rings: ringsOf(d) }));

  const grid = gridCells(body.grid, origin);

  const pois: CityPoi[] = (Array.isArray(body.pois) ? body.pois : [])
    .filter(isObject)
    .filter((p) => num(p.lon) !== null && num(p.lat) !== null && POI_KINDS.includes(p.kind as PoiKind))
    .map((p) => ({
      id: String(p.id),
      kind: p.kind as PoiKind,
      name: localized(p.name, String(p.id)),
      lon: p.lon as number,
      lat: p.lat as number,
      height: num(p.height) ?? undefined,
    }));

  const counts: Record<string, number> = {};
  if (isObject(body.counts)) {
    for (const [k, v] of Object.entries(body.counts)) {
      if (num(v) !== null) counts[k] = v as number;
      // Counts given by kind (e.g. facilities per kind) are shown as their total.
      else if (isObject(v)) counts[k] = Object.values(v).reduce<number>((sum, x) => sum + (num(x) ?? 0), 0);
    }
  }

  const tilesets = isObject(body.tilesets) ? body.tilesets : isObject(listed.tilesets) ? listed.tilesets : {};
  const str = (...vs: unknown[]) => vs.find((v): v is string => typeof v === 'string' && v !== '');
  return {
    id,
    name: localized(body.name ?? listed.name, id),
    synthetic: body.synthetic === true || listed.synthetic === true,
    origin,
    bounds: b,
    counts,
    districts,
    grid,
    pois,
    tilesetUrl: str(body.tileset, body.tilesetUrl, tilesets.buildings, listed.tileset, listed.tilesetUrl) ?? `/tiles/${id}/tileset.json`,
    groundUrl: str(body.ground, body.groundUrl, tilesets.ground, listed.ground, listed.groundUrl) ?? `/tiles/${id}/ground.json`,
  };
}

/** Loads the city named by `?city=` or the first one the server serves. */
export async function loadCity(wanted: string | null): Promise<CityInfo> {
  const listBody = await getJson('/api/cities');
  const list = (Array.isArray(listBody) ? listBody : isObject(listBody) && Array.isArray(listBody.cities) ? listBody.cities : []).filter(isObject);
  if (list.length === 0) throw new Error('loadCity: the server serves no city');
  const listed = (wanted ? list.find((c) => c.id === wanted) : list[0]) ?? null;
  if (!listed) throw new Error(`loadCity: no city "${wanted}" (served: ${list.map((c) => String(c.id)).join(', ')})`);
  const body = await getJson(`/api/cities/${encodeURIComponent(String(listed.id))}`);
  return normaliseCity(body, listed);
}
