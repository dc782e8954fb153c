/**
 * The buildings on fire among the joined run's incidents: their shapes, fetched as fires appear
 * (one request a building a page), and what burns now (flames and plumes), for both views' fires
 * and the markers over the roofs. Framework-free; `version` moves when a shape arrives.
 */
import type { Incident } from '../../../server/protocol/EmergencySummary.ts';
import { firesOf, loadBuilding, type BuildingShape, type Fires } from './fire.ts';
import type { LiveIncidents } from './LiveIncidents.ts';

export class BurningBuildings {
  /** Bumped when a shape arrives. */
  version = 0;
  private fires: Fires = { flames: [], plumes: [] };
  private firesKey = '';
  private readonly shapes = new Map<string, BuildingShape>();
  private readonly asked = new Set<string>();
  private destroyed = false;

  /** `arrived` is called when a shape has come in (the drawing redraws). */
  constructor(
    private readonly incidents: LiveIncidents,
    private readonly cityId: string,
    private readonly arrived: () => void,
  ) {}

  /** What burns now; the same object until the summary or a shape changes. */
  burning(): Fires {
    const key = `${this.incidents.version}|${this.version}`;
    if (key !== this.firesKey) {
      this.firesKey = key;
      this.fires = firesOf(this.incidents.summary?.incidents ?? [], (i) => this.shapeOf(i));
    }
    return this.fires;
  }

  /** The shape of a fire's building, or null (not a fire, or not in yet: it is asked for). */
  shapeOf(incident: Incident): BuildingShape | null {
    const id = incident.kind === 'fire' ? incident.buildingId : undefined;
    if (!id) return null;
    const shape = this.shapes.get(id);
    if (shape) return shape;
    if (!this.asked.has(id)) {
      this.asked.add(id);
      loadBuilding(this.cityId, id).then(
        (s) => {
          if (this.destroyed) return;
          this.shapes.set(id, s);
          this.version++;
          this.arrived();
        },
        (error: Error) => {
          // Without its shape the fire is still marked; asked again on the next summary.
          this.asked.delete(id);
          console.warn(`BurningBuildings: ${error.message}`);
        },
      );
    }
    return null;
  }

  /** The roof's height (local metres) of a fire's building, when its shape is in. */
  roofOf(incident: Incident): number | null {
    const shape = this.shapeOf(incident);
    return shape ? shape.base + shape.height : null;
  }

  destroy(): void {
    this.destroyed = true;
  }
}
