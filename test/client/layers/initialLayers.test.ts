import { describe, expect, it } from 'vitest';
import { initialLayers } from '../../../client/layers/initialLayers.ts';

const layers = [
  { id: 'traffic', defaultOn: true },
  { id: 'air', defaultOn: false },
  { id: 'flood', defaultOn: false },
];

/** initialLayers with its warnings collected. */
function parse(search: string, list = layers): { on: Record<string, boolean>; warnings: string[] } {
  const warnings: string[] = [];
  const on = initialLayers(list, search, (m) => warnings.push(m));
  return { on, warnings };
}

describe('initialLayers (?layers=)', () => {
  it('gives every layer its default when the page has no ?layers=', () => {
    expect(parse('?city=pingdingshan&lang=en')).toEqual({ on: { traffic: true, air: false, flood: false }, warnings: [] });
  });

  it('turns on exactly the listed layers, in any order, with spaces and empty entries ignored', () => {
    expect(parse('?layers=air,flood').on).toEqual({ traffic: false, air: true, flood: true });
    expect(parse('?layers=%20flood%20,,air').on).toEqual({ traffic: false, air: true, flood: true });
    expect(parse('?layers=air&layers=traffic').on).toEqual({ traffic: true, air: true, flood: false });
  });

  it('turns every layer off with an empty ?layers=', () => {
    expect(parse('?layers=')).toEqual({ on: { traffic: false, air: false, flood: false }, warnings: [] });
  });

  it('ignores unknown ids with one warning naming them all and the layers there are', () => {
    const { on, warnings } = parse('?layers=traffic,fire,zones');
    expect(on).toEqual({ traffic: true, air: false, flood: false });
    expect(warnings).toEqual(['?layers=: no layer "fire", "zones"; the layers are "traffic", "air", "flood"']);
  });

  it('refuses a list with one id registered twice', () => {
    expect(() => parse('', [...layers, { id: 'air', defaultOn: true }])).toThrow('initialLayers: layer "air" is registered twice');
  });
});
