import { describe, expect, it } from 'vitest';
import { LayerDrawings } from '../../../client/twin/LayerDrawings.ts';
import type { LayerDrawing } from '../../../client/twin/LayerDrawings.ts';

interface FakeDrawing extends LayerDrawing {
  id: string;
  view: string;
  visible: boolean | null;
  destroyed: boolean;
}

/** Layer sources whose drawings record what the view did to them; `made` lists every drawing made. */
function sources(ids: string[]) {
  const made: FakeDrawing[] = [];
  const loads: string[] = [];
  const list = ids.map((id) => ({
    id,
    load: async () => {
      loads.push(id);
      return (view: string): FakeDrawing => {
        const d: FakeDrawing = {
          id,
          view,
          visible: null,
          destroyed: false,
          setVisible(v) {
            d.visible = v;
          },
          destroy() {
            d.destroyed = true;
          },
        };
        made.push(d);
        return d;
      };
    },
  }));
  return { list, made, loads };
}

/** Lets the loads' promises settle. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('LayerDrawings', () => {
  it('makes a layer’s drawing only once it is on, then shows and hides it, in the layers’ order', async () => {
    const { list, made, loads } = sources(['traffic', 'air', 'flood']);
    let changes = 0;
    const drawings = new LayerDrawings(list, 'globe', () => changes++);
    drawings.sync({ traffic: false, air: true, flood: true });
    await settle();
    expect(loads).toEqual(['air', 'flood']);
    expect(drawings.made.map((d) => d.id)).toEqual(['air', 'flood']);
    expect(made.every((d) => d.view === 'globe' && d.visible === true)).toBe(true);

    drawings.sync({ traffic: true, air: false, flood: true });
    await settle();
    expect(drawings.made.map((d) => [d.id, d.visible])).toEqual([
      ['traffic', true],
      ['air', false],
      ['flood', true],
    ]);
    // Turned off and on again: the same drawing, not a second one.
    drawings.sync({ traffic: true, air: true, flood: true });
    await settle();
    expect(made).toHaveLength(3);
    expect(loads).toEqual(['air', 'flood', 'traffic']);
    expect(changes).toBeGreaterThanOrEqual(5);

    drawings.destroy();
    expect(made.every((d) => d.destroyed)).toBe(true);
    expect(drawings.made).toEqual([]);
  });

  it('never makes a drawing whose load ends after the view went, and shows one turned off while loading hidden', async () => {
    const { list, made } = sources(['traffic', 'air']);
    const gone = new LayerDrawings(list, 'three');
    gone.sync({ traffic: true });
    gone.destroy();
    await settle();
    expect(made).toEqual([]);

    const drawings = new LayerDrawings(list, 'three');
    drawings.sync({ traffic: true });
    drawings.sync({ traffic: false });
    await settle();
    expect(made.map((d) => [d.id, d.visible])).toEqual([['traffic', false]]);
  });

  it('passes over a layer that does not draw in this view', async () => {
    const drawings = new LayerDrawings<string, FakeDrawing>([{ id: 'zones' }], 'globe');
    drawings.sync({ zones: true });
    await settle();
    expect(drawings.made).toEqual([]);
  });
});
