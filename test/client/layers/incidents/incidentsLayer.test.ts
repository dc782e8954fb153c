import { describe, expect, it } from 'vitest';
import { createLayers } from '../../../../client/app/layers.ts';
import { en, zhCN } from '../../../../client/app/locales.ts';
import { initialLayers } from '../../../../client/layers/initialLayers.ts';

describe('the incidents layer', () => {
  const layers = createLayers();
  const incidents = layers.find((l) => l.id === 'incidents');

  it('is registered first (its panel heads the right-hand column), on by default, with its legend, toasts and panel, and drawn in both views', () => {
    expect(layers[0]).toBe(incidents);
    expect(incidents?.defaultOn).toBe(true);
    expect(incidents?.Legend).toBeTypeOf('function');
    expect(incidents?.panels).toHaveLength(2);
    expect(incidents?.globe).toBeTypeOf('function');
    expect(incidents?.three).toBeTypeOf('function');
    expect([zhCN.layers.incidents, en.layers.incidents]).toEqual(['应急事件', 'Emergencies']);
  });

  it('opens with ?layers=incidents alone, and with the others by default', () => {
    const warn = (m: string) => {
      throw new Error(m);
    };
    expect(initialLayers(layers, '?layers=incidents', warn)).toEqual({ incidents: true, traffic: false, air: false, flood: false });
    expect(initialLayers(layers, '', warn)).toEqual({ incidents: true, traffic: true, air: true, flood: false });
  });
});
