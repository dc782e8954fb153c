import type { CityModel } from '../../../../server/city/CityModel.ts';
import { smallCity } from '../../../helpers/smallCity.ts';

/** The small city with the stations, hospitals and shelters an emergency needs. */
export function emergencyCity(): CityModel {
  const city = smallCity();
  const node = (x: number, y: number): string => {
    let best = city.roads.nodes[0];
    for (const n of city.roads.nodes) if (Math.hypot(n.x - x, n.y - y) < Math.hypot(best.x - x, best.y - y)) best = n;
    return best.id;
  };
  const poi = (id: string, kind: CityModel['pois'][number]['kind'], x: number, y: number, extra: object = {}): CityModel['pois'][number] => ({
    id,
    kind,
    name: { zh: id, en: id },
    x,
    y,
    node: node(x, y),
    ...extra,
  });
  city.pois.push(
    poi('H-1', 'hospital', 400, 400, { beds: 200 }),
    poi('H-2', 'hospital', -400, 400, { beds: 100 }),
    poi('PS-1', 'police', 400, -400),
    poi('S-1', 'shelter', 500, 0, { capacity: 800 }),
    poi('S-2', 'shelter', -500, 0, { capacity: 300 }),
    poi('S-3', 'shelter', 0, 500, { capacity: 5000 }),
    poi('AQ-1', 'aq_station', 0, 0),
  );
  return city;
}
