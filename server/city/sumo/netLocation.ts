import proj4 from 'proj4';
import { enuToGeodetic, geodeticToEnu, type Geodetic } from '../../protocol/geo.ts';

/** A SUMO network's `location` element: how its x/y metres relate to the globe. */
export interface SumoLocation {
  /** Added to projected coordinates to get network coordinates. */
  netOffset: [number, number];
  /** Network coordinates' bounds: minX, minY, maxX, maxY. */
  convBoundary: [number, number, number, number];
  /** The source data's bounds (lon/lat for geo-referenced imports). */
  origBoundary: [number, number, number, number];
  /** PROJ string of the projection, or "!" for none. */
  projParameter: string;
}

/** A network placed on the globe: the city's origin and the map from network x/y to its local ENU metres. */
export interface NetPlacement {
  origin: Geodetic;
  /** True when the projection placed the network, false when the caller's origin did. */
  projected: boolean;
  toLocal(x: number, y: number): [number, number];
  /** Network x/y → WGS84 lon/lat degrees. */
  toLonLat(x: number, y: number): [number, number];
}

/**
 * Places a network. With a projection, each network point is un-offset (minus netOffset),
 * un-projected to lon/lat and turned into ENU metres at the origin: a UTM grid is turned and scaled
 * against true east-north (by about 1.3° at Pingdingshan, 113.3° E in zone 49), so a plain shift
 * would misplace a city's edges by tens of metres. The origin is `origin` when given, else the
 * centre of convBoundary. Without a projection ("!") the network's x/y are taken as east/north
 * metres and the centre of convBoundary is put at `origin`, which is then required.
 * Throws a message naming what is wrong; `where` prefixes it (file and element).
 */
export function placeNet(location: SumoLocation, origin: { lon: number; lat: number } | undefined, where: string): NetPlacement {
  const [minX, minY, maxX, maxY] = location.convBoundary;
  const cx = (minX + maxX) / 2;
  const cy = (minY + maxY) / 2;
  const proj = location.projParameter.trim();
  if (proj === '!' || proj === '') {
    if (!origin) {
      throw new Error(
        `${where} projParameter: "${location.projParameter}": the network has no projection, so it cannot be placed on the globe by itself; give the lon/lat of its centre (--origin LON,LAT)`,
      );
    }
    const o: Geodetic = { lon: origin.lon, lat: origin.lat, height: 0 };
    return {
      origin: o,
      projected: false,
      toLocal: (x, y) => [x - cx, y - cy],
      toLonLat: (x, y) => {
        const { lon, lat } = enuToGeodetic(o, [x - cx, y - cy, 0]);
        return [lon, lat];
      },
    };
  }
  let converter: proj4.Converter;
  try {
    converter = proj4(proj, 'WGS84');
  } catch (error) {
    throw new Error(`${where} projParameter: "${location.projParameter}" is not a projection proj4 knows (${(error as Error).message})`, { cause: error });
  }
  const [ox, oy] = location.netOffset;
  const toLonLat = (x: number, y: number): [number, number] => {
    const [lon, lat] = converter.forward([x - ox, y - oy]);
    return [lon, lat];
  };
  const [clon, clat] = toLonLat(cx, cy);
  if (!(Math.abs(clon) <= 180 && Math.abs(clat) <= 90)) {
    throw new Error(`${where} projParameter: "${location.projParameter}" with netOffset ${ox},${oy} puts the network's centre at ${clon},${clat}, which is not on the globe`);
  }
  const o: Geodetic = origin ? { lon: origin.lon, lat: origin.lat, height: 0 } : { lon: clon, lat: clat, height: 0 };
  return {
    origin: o,
    projected: true,
    toLocal: (x, y) => {
      const [lon, lat] = toLonLat(x, y);
      const [e, n] = geodeticToEnu(o, { lon, lat, height: 0 });
      return [e, n];
    },
    toLonLat,
  };
}
