/**
 * Lines on the ground as both views draw them (GlobeContours, NightContours): x, y pairs in local
 * metres set on the terrain a few metres up, each in its colour, from a source whose version moves
 * when they change. A release's plume outlined at its contour levels is one such source; other
 * layers bring their own (the units' routes).
 */
import { isSubstance } from './airColors.ts';
import { plumeContours } from './contours.ts';
import type { LiveAir } from './LiveAir.ts';

/** One line: x, y pairs (local metres), its colour ("#RRGGBB"), closed when it comes back to its start. */
export interface GroundLine {
  points: number[];
  color: string;
  closed: boolean;
}

/** Where a view finds its lines; `version` moves when they change. */
export interface GroundLines {
  readonly version: number;
  lines(): GroundLine[];
}

/** How high over the terrain (metres) and how wide (pixels) the lines are drawn. */
export interface GroundLineLook {
  liftM: number;
  widthPx: number;
}

/** A release's contours: over the heat map, thin. */
export const CONTOUR_LOOK: GroundLineLook = { liftM: 8, widthPx: 2.5 };

/** Each released substance's plume outlined at its contour levels (plumeContours), new with each grid. */
export function plumeLines(air: LiveAir): GroundLines {
  return {
    get version() {
      return air.gridVersion;
    },
    lines: () =>
      [...air.grids]
        .filter(([layer]) => isSubstance(layer))
        .flatMap(([, grid]) => plumeContours(grid).flatMap((contour) => contour.lines.map((line) => ({ points: line.points, closed: line.closed, color: contour.color })))),
  };
}
