import { describe, expect, it } from 'vitest';
import { createLayers } from '../../../../client/app/layers.ts';
import { en, zhCN } from '../../../../client/app/locales.ts';
import { initialLayers } from '../../../../client/layers/initialLayers.ts';
import { AQI_LEVELS } from '../../../../server/protocol/aqi.ts';

describe('the air layer', () => {
  const layers = createLayers();
  const air = layers.find((l) => l.id === 'air');

  it('is registered after traffic, on by default, with its legend, panel and inspector, and drawn in both views', () => {
    expect(layers.map((l) => l.id).filter((id) => id === 'traffic' || id === 'air')).toEqual(['traffic', 'air']);
    expect(air?.defaultOn).toBe(true);
    expect(air?.Legend).toBeTypeOf('function');
    expect(air?.panels).toHaveLength(1);
    expect(air?.Inspector).toBeTypeOf('function');
    expect(air?.globe).toBeTypeOf('function');
    expect(air?.three).toBeTypeOf('function');
    expect([zhCN.layers.air, en.layers.air]).toEqual(['环境监测', 'Air quality']);
  });

  it('opens with ?layers=traffic,air on beside traffic, and alone with ?layers=air', () => {
    const warn = (m: string) => {
      throw new Error(m);
    };
    expect(initialLayers(layers, '?layers=traffic,air', warn)).toMatchObject({ traffic: true, air: true });
    expect(initialLayers(layers, '?layers=air', warn)).toMatchObject({ traffic: false, air: true });
    expect(initialLayers(layers, '', warn)).toMatchObject({ traffic: true, air: true });
  });

  it('names the six AQI levels as HJ 633 does, in both languages', () => {
    expect(Object.values(zhCN.air.level)).toEqual(AQI_LEVELS.map((l) => l.name.zh));
    expect(Object.values(en.air.level)).toEqual(AQI_LEVELS.map((l) => l.name.en));
    expect(zhCN.air.level[2]).toBe('良');
  });
});
