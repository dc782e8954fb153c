/** The city's east-north-up frame on the globe: local metres to ECEF and back (the air layer's drawings and picking). */
import { Cartesian3 } from 'cesium';
import { enuToEcefMatrix } from '../../../twin/geo.ts';
import type { LonLatHeight } from '../../../twin/types.ts';

export class EnuFrame {
  private readonly m: number[];

  constructor(origin: LonLatHeight) {
    this.m = enuToEcefMatrix(origin);
  }

  /** ECEF of local (x east, y north, z up). */
  toEcef(x: number, y: number, z: number, out = new Cartesian3()): Cartesian3 {
    const m = this.m;
    out.x = m[0] * x + m[4] * y + m[8] * z + m[12];
    out.y = m[1] * x + m[5] * y + m[9] * z + m[13];
    out.z = m[2] * x + m[6] * y + m[10] * z + m[14];
    return out;
  }

  /** ECEF of a local direction (no translation). */
  directionToEcef(x: number, y: number, z: number, out = new Cartesian3()): Cartesian3 {
    const m = this.m;
    out.x = m[0] * x + m[4] * y + m[8] * z;
    out.y = m[1] * x + m[5] * y + m[9] * z;
    out.z = m[2] * x + m[6] * y + m[10] * z;
    return out;
  }

  /** Local metres of an ECEF point. */
  fromEcef(p: Cartesian3): [number, number, number] {
    return this.directionFromEcef(new Cartesian3(p.x - this.m[12], p.y - this.m[13], p.z - this.m[14]));
  }

  /** Local components of an ECEF direction (the frame's axes are orthonormal: the transpose inverts). */
  directionFromEcef(d: Cartesian3): [number, number, number] {
    const m = this.m;
    return [m[0] * d.x + m[1] * d.y + m[2] * d.z, m[4] * d.x + m[5] * d.y + m[6] * d.z, m[8] * d.x + m[9] * d.y + m[10] * d.z];
  }
}
