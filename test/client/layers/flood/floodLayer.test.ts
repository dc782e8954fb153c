import { describe, expect, it } from 'vitest';
import { createLayers } from '../../../../client/app/layers.ts';
import { en, zhCN } from '../../../../client/app/locales.ts';
import { initialLayers } from '../../../../client/layers/initialLayers.ts';

describe('the flood layer', () => {
  const layers = createLayers();
  const flood = layers.find((l) => l.id === 'flood');

  it('is registered, off by default, with its legend and panel, and drawn in both views', () => {
    expect(flood?.defaultOn).toBe(false);
    expect(flood?.Legend).toBeTypeOf('function');
    expect(flood?.panels).toHaveLength(1);
    expect(flood?.globe).toBeTypeOf('function');
    expect(flood?.three).toBeTypeOf('function');
    expect([zhCN.layers.flood, en.layers.flood]).toEqual(['城市内涝', 'Urban flooding']);
  });

  it('opens with ?layers=flood, alone or beside others', () => {
    const warn = (m: string) => {
      throw new Error(m);
    };
    expect(initialLayers(layers, '?layers=flood', warn)).toMatchObject({ flood: true, traffic: false, incidents: false });
    expect(initialLayers(layers, '?layers=traffic,flood,incidents', warn)).toMatchObject({ flood: true, traffic: true, incidents: true, air: false });
    expect(initialLayers(layers, '', warn).flood).toBe(false);
  });

  it('names the rainstorm warning signals as the Meteorological Administration does', () => {
    expect(Object.values(zhCN.flood.warning)).toEqual(['暴雨蓝色预警', '暴雨黄色预警', '暴雨橙色预警', '暴雨红色预警']);
    expect(Object.keys(en.flood.warning)).toEqual(['blue', 'yellow', 'orange', 'red']);
  });
});
