/**
 * The parts of one view's air drawing (heat map, contours, stations, wind), set on the city's
 * terrain once the road overlay's data has loaded (it carries the terrain heights), and shown,
 * hidden and destroyed together. Framework-free: both views use it with their own parts.
 */
import { loadRoads, type TerrainHeights } from '../../twin/traffic/roads.ts';

/** What each part of an air drawing does, in either view. */
export interface AirPart {
  setTerrain(terrain: TerrainHeights): void;
  setShown(visible: boolean): void;
  destroy(): void;
}

export class AirParts {
  /** The terrain once loaded, else null (without it there is no ground to draw on). */
  terrain: TerrainHeights | null = null;
  /** The layer's toggle. */
  visible = true;
  private destroyed = false;

  /** `where` names the drawing in a warning; `loaded` is called once the parts have the terrain. */
  constructor(
    cityId: string,
    private readonly parts: readonly AirPart[],
    where: string,
    loaded: () => void = () => {},
  ) {
    loadRoads(cityId).then(
      (net) => {
        if (this.destroyed) return;
        this.terrain = net.terrain;
        for (const part of parts) part.setTerrain(net.terrain);
        loaded();
      },
      // The traffic layer reports the failure too; without the terrain there is no ground to drape the air on.
      (error: Error) => console.warn(`${where}: ${error.message}`),
    );
  }

  setShown(visible: boolean): void {
    this.visible = visible;
    for (const part of this.parts) part.setShown(visible);
  }

  destroy(): void {
    this.destroyed = true;
    for (const part of this.parts) part.destroy();
  }
}
