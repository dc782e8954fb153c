import { describe, expect, it } from 'vitest';
import { createLayers } from '../../../client/app/layers.ts';
import { en, zhCN } from '../../../client/app/locales.ts';
import { initialLayers } from '../../../client/layers/initialLayers.ts';

/** The string at a dotted i18n key, or undefined. */
function lookup(resources: object, key: string): unknown {
  return key.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), resources);
}

describe('the registered layers', () => {
  const layers = createLayers();

  it('have distinct ids and a name in Chinese and English', () => {
    expect(new Set(layers.map((l) => l.id)).size).toBe(layers.length);
    for (const layer of layers) {
      expect(typeof lookup(zhCN, layer.titleKey), `${layer.id}: ${layer.titleKey} in zh-CN`).toBe('string');
      expect(typeof lookup(en, layer.titleKey), `${layer.id}: ${layer.titleKey} in en`).toBe('string');
    }
  });

  it('include traffic, on by default and drawn in both views', () => {
    const traffic = layers.find((l) => l.id === 'traffic');
    expect(traffic?.defaultOn).toBe(true);
    expect(typeof traffic?.globe).toBe('function');
    expect(typeof traffic?.three).toBe('function');
    expect(initialLayers(layers, '').traffic).toBe(true);
    expect(initialLayers(layers, '?layers=').traffic).toBe(false);
  });

  it('each keep their own state: two lists share nothing', () => {
    const [a, b] = [createLayers(), createLayers()];
    expect(a[0]).not.toBe(b[0]);
    expect(a[0].panels?.[0]).not.toBe(b[0].panels?.[0]);
  });
});
