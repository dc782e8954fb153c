import type { RoadLink } from '../../city/CityModel.ts';
import { CLOSED_DEPTH_M, IMPASSABLE_DEPTH_M, MAX_FLOODED_LINKS, SLOW_DEPTH_M, type FloodedLink, type FloodSummary } from '../../protocol/FloodSummary.ts';
import { Cover, type LandCover } from './landCover.ts';

export { CLOSED_DEPTH_M, IMPASSABLE_DEPTH_M, SLOW_DEPTH_M };
/** Water this deep or deeper floods a cell, a doorstep, a road. */
export const FLOODED_DEPTH_M = SLOW_DEPTH_M;
/** Shallower water is drawn as dry on the grid. */
export const DRY_DEPTH_M = 0.01;

/** The deepest water along each link, metres, indexed like the city's links. */
export function linkDepths(h: Float64Array, land: LandCover): Float32Array {
  const { linkStart, linkCell } = land;
  const out = new Float32Array(linkStart.length - 1);
  for (let k = 0; k < out.length; k++) {
    let d = 0;
    for (let e = linkStart[k]; e < linkStart[k + 1]; e++) if (h[linkCell[e]] > d) d = h[linkCell[e]];
    out[k] = d;
  }
  return out;
}

/** Links under ≥ 0.15 m of water, deepest first (ties by link order). */
export function floodedLinks(depths: Float32Array, links: readonly RoadLink[]): Pick<FloodSummary, 'closedLinks' | 'linkCounts' | 'closedKm'> {
  const out: (FloodedLink & { k: number })[] = [];
  const linkCounts = { slow: 0, closed: 0, impassable: 0 };
  let closedM = 0;
  depths.forEach((d, k) => {
    if (d < FLOODED_DEPTH_M) return;
    const state = d >= IMPASSABLE_DEPTH_M ? 'impassable' : d >= CLOSED_DEPTH_M ? 'closed' : 'slow';
    linkCounts[state]++;
    if (state !== 'slow') closedM += links[k].length;
    out.push({ k, linkId: links[k].id, name: links[k].name, depthM: Math.round(d * 1000) / 1000, state });
  });
  out.sort((a, b) => b.depthM - a.depthM || a.k - b.k);
  const closedLinks = out.slice(0, MAX_FLOODED_LINKS).map(({ linkId, name, depthM, state }) => ({ linkId, name, depthM, state }));
  return { closedLinks, linkCounts, closedKm: Math.round(closedM) / 1000 };
}

/** Flooded cells (outside the river and reservoir) and the deepest water anywhere. */
export function cellFigures(h: Float64Array, land: LandCover): { floodedCells: number; maxDepthM: number } {
  let floodedCells = 0;
  let maxDepthM = 0;
  const { cover } = land;
  for (let i = 0; i < h.length; i++) {
    const d = h[i];
    if (d > maxDepthM) maxDepthM = d;
    if (d >= FLOODED_DEPTH_M && cover[i] !== Cover.water) floodedCells++;
  }
  return { floodedCells, maxDepthM };
}

/** Buildings with ≥ 0.15 m of water at one of their doorsteps. */
export function wetBuildings(h: Float64Array, land: LandCover): number {
  const { doorStart, doorCell } = land;
  let wet = 0;
  for (let k = 0; k + 1 < doorStart.length; k++) {
    for (let e = doorStart[k]; e < doorStart[k + 1]; e++) {
      if (h[doorCell[e]] >= FLOODED_DEPTH_M) {
        wet++;
        break;
      }
    }
  }
  return wet;
}

/** The published depth grid: metres, NaN where shallower than 1 cm (dry). */
export function depthGrid(h: Float64Array): Float32Array {
  const out = new Float32Array(h.length);
  for (let i = 0; i < h.length; i++) out[i] = h[i] >= DRY_DEPTH_M ? h[i] : NaN;
  return out;
}
