import type { CityModel, RoadLink, RoadNode } from '../../../server/city/CityModel.ts';

/** A small city for fast tests: a size × size grid of two-way streets, `spacing` metres apart, 36 km/h. */
export function gridCity(size = 5, spacing = 200): CityModel {
  const nodes: RoadNode[] = [];
  const links: RoadLink[] = [];
  const id = (c: number, r: number): string => `N${c}_${r}`;
  for (let r = 0; r < size; r++) for (let c = 0; c < size; c++) nodes.push({ id: id(c, r), x: c * spacing, y: r * spacing, signalised: false });
  const link = (c1: number, r1: number, c2: number, r2: number): void => {
    const from = id(c1, r1);
    const to = id(c2, r2);
    links.push({
      id: `L${from}-${to}`,
      from,
      to,
      class: 'local',
      lanes: 1,
      speedLimitKmh: 36,
      capacityVph: 800,
      name: '',
      // A midpoint so that interpolation crosses segments.
      geometry: [[c1 * spacing, r1 * spacing], [((c1 + c2) * spacing) / 2, ((r1 + r2) * spacing) / 2], [c2 * spacing, r2 * spacing]],
      length: spacing,
    });
  };
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      if (c + 1 < size) {
        link(c, r, c + 1, r);
        link(c + 1, r, c, r);
      }
      if (r + 1 < size) {
        link(c, r, c, r + 1);
        link(c, r + 1, c, r);
      }
    }
  }
  const extent = { minX: 0, minY: 0, maxX: (size - 1) * spacing, maxY: (size - 1) * spacing };
  return {
    id: 'grid',
    name: { zh: '网格城', en: 'Grid city' },
    synthetic: true,
    origin: { lon: 113.29, lat: 33.74, height: 0 },
    extent,
    districts: [],
    grid: { originX: 0, originY: 0, cellSize: 1000, cols: 1, rows: 1, cells: [] },
    buildings: [],
    roads: { nodes, links },
    water: [],
    green: [],
    terrain: { originX: 0, originY: 0, cellSize: 1000, cols: 1, rows: 1, heights: [0] },
    pois: [],
  };
}
