/**
 * The city's road links as the traffic overlay draws them (GET /api/cities/:id/roads), in the
 * order link frames use, with the terrain to set vehicles on the ground. Framework-free: both
 * views build their geometry from this once and recolour it from link frames.
 */

export interface RoadNet {
  city: string;
  count: number;
  ids: string[];
  names: string[];
  classes: string[];
  lanes: Uint8Array;
  /** Carriageway width of each link, metres. */
  widths: Float32Array;
  speedLimitKmh: Float32Array;
  /** Points of link k are [starts[k], starts[k+1]). */
  starts: Uint32Array;
  /** x east, y north, z up, metres from the city origin: three per point. */
  points: Float32Array;
  /** Link index by id. */
  indexOf: Map<string, number>;
  terrain: TerrainHeights;
}

export interface TerrainHeights {
  originX: number;
  originY: number;
  cellSize: number;
  cols: number;
  rows: number;
  heights: Float32Array;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function numbers(body: Record<string, unknown>, field: string, length: number | null): number[] {
  const v = body[field];
  if (!Array.isArray(v) || (length !== null && v.length !== length) || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) {
    throw new Error(`roads: field "${field}" must be ${length === null ? 'an array' : `${length}`} of finite numbers`);
  }
  return v as number[];
}

function strings(body: Record<string, unknown>, field: string, length: number): string[] {
  const v = body[field];
  if (!Array.isArray(v) || v.length !== length || !v.every((x) => typeof x === 'string')) throw new Error(`roads: field "${field}" must be ${length} strings`);
  return v as string[];
}

/** Checks and converts the JSON body of GET /api/cities/:id/roads; throws naming the bad field. */
export function parseRoads(body: unknown): RoadNet {
  if (!isObject(body)) throw new Error('roads: the body is not an object');
  const count = body.count;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) throw new Error(`roads: field "count" must be a whole number, got ${JSON.stringify(count)}`);
  const starts = numbers(body, 'starts', count + 1);
  const points = numbers(body, 'points', null);
  if (points.length !== 3 * (starts[count] ?? 0)) throw new Error(`roads: field "points" has ${points.length} numbers for ${starts[count]} points`);
  for (let k = 0; k < count; k++) if (starts[k + 1] < starts[k]) throw new Error(`roads: field "starts" goes down at link ${k}`);
  const t = body.terrain;
  if (!isObject(t)) throw new Error('roads: field "terrain" must be an object');
  const [originX, originY, cellSize, cols, rows] = ['originX', 'originY', 'cellSize', 'cols', 'rows'].map((f) => {
    const v = t[f];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`roads: field "terrain.${f}" must be a number, got ${JSON.stringify(v)}`);
    return v;
  });
  const ids = strings(body, 'ids', count);
  return {
    city: typeof body.city === 'string' ? body.city : '',
    count,
    ids,
    names: strings(body, 'names', count),
    classes: strings(body, 'classes', count),
    lanes: Uint8Array.from(numbers(body, 'lanes', count)),
    widths: Float32Array.from(numbers(body, 'widths', count)),
    speedLimitKmh: Float32Array.from(numbers(body, 'speedLimitKmh', count)),
    starts: Uint32Array.from(starts),
    points: Float32Array.from(points),
    indexOf: new Map(ids.map((id, k) => [id, k])),
    terrain: { originX, originY, cellSize, cols, rows, heights: Float32Array.from(numbers(t, 'heights', cols * rows)) },
  };
}

const cache = new Map<string, Promise<RoadNet>>();

/** The road lines of a city, fetched once per page. */
export function loadRoads(cityId: string): Promise<RoadNet> {
  let p = cache.get(cityId);
  if (!p) {
    const url = `/api/cities/${encodeURIComponent(cityId)}/roads`;
    p = fetch(url, { headers: { accept: 'application/json' } }).then(async (r) => {
      if (!r.ok) throw new Error(`roads: GET ${url}: ${r.status} ${r.statusText}`);
      return parseRoads(await r.json());
    });
    p.catch(() => cache.delete(cityId));
    cache.set(cityId, p);
  }
  return p;
}

/** Terrain height at (x, y), metres up from the origin's datum, on the grid's two triangles per cell; 0 outside. */
export function terrainHeightAt(t: TerrainHeights, x: number, y: number): number {
  const fc = (x - t.originX) / t.cellSize;
  const fr = (y - t.originY) / t.cellSize;
  if (!(fc >= 0 && fr >= 0 && fc <= t.cols - 1 && fr <= t.rows - 1)) return 0;
  const c0 = Math.min(Math.floor(fc), Math.max(t.cols - 2, 0));
  const r0 = Math.min(Math.floor(fr), Math.max(t.rows - 2, 0));
  const c1 = Math.min(c0 + 1, t.cols - 1);
  const r1 = Math.min(r0 + 1, t.rows - 1);
  const u = fc - c0;
  const v = fr - r0;
  const h = t.heights;
  const h00 = h[r0 * t.cols + c0];
  const h10 = h[r0 * t.cols + c1];
  const h01 = h[r1 * t.cols + c0];
  const h11 = h[r1 * t.cols + c1];
  return u >= v ? h00 + u * (h10 - h00) + v * (h11 - h10) : h00 + v * (h01 - h00) + u * (h11 - h01);
}
