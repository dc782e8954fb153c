import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CityStore, CityStoreError } from '../../../server/city/CityStore.ts';
import { importGeoJson } from '../../../server/city/importGeoJson.ts';
import type { CityModel } from '../../../server/city/CityModel.ts';

/** A small real city: the buildings fixture alone. */
function smallCity(id: string): CityModel {
  const file = path.join(import.meta.dirname, '../../fixtures/geojson/buildings-bad.geojson');
  return importGeoJson({ id, buildings: JSON.parse(fs.readFileSync(file, 'utf8')) }).city;
}

describe('CityStore', () => {
  let dataDir: string;
  let store: CityStore;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'yt-city-store-'));
    store = new CityStore(dataDir);
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('lists nothing before anything is saved, even without a cities folder', () => {
    expect(store.list()).toEqual([]);
    expect(store.has('pds')).toBe(false);
  });

  it('saves a city to <dataDir>/cities/<id>.json and loads it back unchanged', () => {
    const city = smallCity('pds-east');
    store.save(city);
    expect(fs.existsSync(path.join(dataDir, 'cities', 'pds-east.json'))).toBe(true);
    expect(store.has('pds-east')).toBe(true);
    expect(store.load('pds-east')).toEqual(city);
    store.save(smallCity('another_1'));
    expect(store.list()).toEqual(['another_1', 'pds-east']);
  });

  it('replaces a city atomically and leaves no temporary files', () => {
    const city = smallCity('pds');
    store.save(city);
    const renamed = { ...city, name: { zh: '鹰城', en: 'Eagle City' } };
    store.save(renamed);
    expect(store.load('pds').name).toEqual({ zh: '鹰城', en: 'Eagle City' });
    expect(fs.readdirSync(path.join(dataDir, 'cities'))).toEqual(['pds.json']);
  });

  it('cleans up its temporary file when the final rename fails', () => {
    fs.mkdirSync(path.join(dataDir, 'cities', 'blocked.json'), { recursive: true });
    expect(() => store.save(smallCity('blocked'))).toThrow();
    expect(fs.readdirSync(path.join(dataDir, 'cities'))).toEqual(['blocked.json']);
  });

  it('refuses to save an invalid city and leaves the stored one intact', () => {
    const city = smallCity('pds');
    store.save(city);
    const broken = { ...city, buildings: [{ ...city.buildings[0], height: -1 }] };
    expect(() => store.save(broken)).toThrow(/CityStore: refusing to save an invalid city: buildings\.0\.height/);
    expect(store.load('pds')).toEqual(city);
    expect(fs.readdirSync(path.join(dataDir, 'cities'))).toEqual(['pds.json']);
  });

  it('rejects ids that are not city ids, so no path can leave the data dir', () => {
    for (const id of ['../escape', 'UPPER', '', 'a/b', '.hidden', 'x'.repeat(65)]) {
      expect(() => store.load(id)).toThrow(CityStoreError);
      expect(() => store.has(id)).toThrow(/CityStore: bad city id/);
    }
    expect(() => store.save({ ...smallCity('ok'), id: '../escape' })).toThrow(/CityStore/);
    expect(fs.existsSync(path.join(dataDir, 'escape.json'))).toBe(false);
  });

  it('names the file when a city is missing, not JSON, or not a city model', () => {
    const file = path.join(dataDir, 'cities', 'pds.json');
    expect(() => store.load('pds')).toThrow(`CityStore: no city "pds" (${file} does not exist)`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, '{"id": "pds",');
    expect(() => store.load('pds')).toThrow(`CityStore: ${file} is not valid JSON (`);
    fs.writeFileSync(file, JSON.stringify({ ...smallCity('pds'), buildings: 'none' }));
    expect(() => store.load('pds')).toThrow(`CityStore: ${file} is not a valid city model: buildings: `);
  });

  it('lists only city files', () => {
    store.save(smallCity('pds'));
    fs.writeFileSync(path.join(dataDir, 'cities', 'notes.txt'), 'hello');
    fs.writeFileSync(path.join(dataDir, 'cities', 'pds.json.123.abc.tmp'), '{');
    expect(store.list()).toEqual(['pds']);
  });
});
