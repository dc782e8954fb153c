import { describe, expect, it } from 'vitest';
import { createTwinStore, normaliseTilesetUrl } from '../../../client/twin/TwinStore.ts';
import type { KeyValueStorage } from '../../../client/twin/TwinStore.ts';
import type { BuildingRecord, CameraView } from '../../../client/twin/types.ts';

function memoryStorage(): KeyValueStorage & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v) };
}

const building: BuildingRecord = { id: 'B000123', name: '鹰城广场', height: 86.5, floors: 26, use: 'office', district: 'xinhua', grid: 'G0304' };
const view: CameraView = { lon: 113.19, lat: 33.76, height: 1500, heading: 0.5, pitch: -0.6 };

describe('TwinStore', () => {
  it('tells subscribers about a selection and stops when unsubscribed', () => {
    const store = createTwinStore();
    const seen: (string | null)[] = [];
    const unsubscribe = store.subscribe((s) => seen.push(s.selection?.id ?? null));
    store.select(building);
    store.select(null);
    unsubscribe();
    store.select(building);
    expect(seen).toEqual(['B000123', null]);
    expect(store.getState().selection?.name).toBe('鹰城广场');
  });

  it('keeps the selection when the camera or layers change (switching views keeps it)', () => {
    const store = createTwinStore();
    store.select(building);
    store.setCamera(view);
    store.setLayer('grid', true);
    store.setColorBy('height');
    expect(store.getState().selection).toEqual(building);
    expect(store.getState().camera).toEqual(view);
  });

  it('does not notify when the same building is selected again', () => {
    const store = createTwinStore();
    store.select(building);
    let calls = 0;
    store.subscribe(() => calls++);
    store.select({ ...building });
    expect(calls).toBe(0);
  });

  it('keeps saved views across a reload through its storage, and ignores a corrupt entry', () => {
    const storage = memoryStorage();
    const first = createTwinStore({ storage });
    const saved = first.saveView('  湛河夜景 ', view);
    expect(saved.name).toBe('湛河夜景');
    const second = createTwinStore({ storage });
    expect(second.getState().savedViews).toEqual([saved]);
    second.deleteView(saved.id);
    expect(createTwinStore({ storage }).getState().savedViews).toEqual([]);

    storage.setItem('yingcheng-twin.savedViews', '{not json');
    expect(createTwinStore({ storage }).getState().savedViews).toEqual([]);
    storage.setItem('yingcheng-twin.savedViews', JSON.stringify([{ id: 'x', name: 'bad', view: { lon: 'east' } }]));
    expect(createTwinStore({ storage }).getState().savedViews).toEqual([]);
  });

  it('adds tilesets by http(s) URL or path, refusing bad and duplicate ones', () => {
    const store = createTwinStore();
    expect(store.addTileset('https://example.org/city/tileset.json')).toBeNull();
    expect(store.addTileset('/tiles/other/tileset.json')).toBeNull();
    expect(store.addTileset('/tiles/other/tileset.json')).toBe('duplicate_url');
    expect(store.addTileset('javascript:alert(1)')).toBe('invalid_url');
    expect(store.addTileset('   ')).toBe('invalid_url');
    const { tilesets } = store.getState();
    expect(tilesets.map((t) => t.url)).toEqual(['https://example.org/city/tileset.json', '/tiles/other/tileset.json']);
    store.removeTileset(tilesets[0].id);
    expect(store.getState().tilesets).toHaveLength(1);
    expect(normaliseTilesetUrl(' ftp://x/tileset.json ')).toBeNull();
  });

  it('numbers camera commands so a repeated command is still seen', () => {
    const store = createTwinStore();
    store.command({ kind: 'home' });
    const first = store.getState().cameraCommand;
    store.command({ kind: 'home' });
    const second = store.getState().cameraCommand;
    expect(first?.kind).toBe('home');
    expect(second!.seq).toBeGreaterThan(first!.seq);
  });

  it('toggles one facility kind without touching the others', () => {
    const store = createTwinStore();
    store.setPoiKind('school', false);
    const kinds = store.getState().layers.poiKinds;
    expect(kinds.school).toBe(false);
    expect(kinds.hospital).toBe(true);
  });
  it('turns registered layers on and off by id, starting from the given state', () => {
    const store = createTwinStore({ overlays: { traffic: true, air: false } });
    expect(store.getState().layers.overlays).toEqual({ traffic: true, air: false });
    const seen: Record<string, boolean>[] = [];
    store.subscribe((s, previous) => {
      if (s.layers.overlays !== previous.layers.overlays) seen.push(s.layers.overlays);
    });
    store.setLayer('traffic', false);
    store.setLayer('air', true);
    store.setLayer('air', true);
    store.setLayer('grid', true);
    expect(seen).toEqual([
      { traffic: false, air: false },
      { traffic: false, air: true },
    ]);
    expect(store.getState().layers.grid).toBe(true);
    expect('grid' in store.getState().layers.overlays).toBe(false);
  });

  it('keeps one pick at a time: a layer’s thing or a building, and the same thing picked again changes nothing', () => {
    const store = createTwinStore();
    store.select(building);
    store.pickLayer({ layer: 'traffic', kind: 'link', linkId: 'L12', index: 12 });
    expect(store.getState().selection).toBeNull();
    let calls = 0;
    store.subscribe(() => calls++);
    store.pickLayer({ layer: 'traffic', kind: 'link', linkId: 'L12', index: 12 });
    expect(calls).toBe(0);
    store.pickLayer({ layer: 'traffic', kind: 'vehicle', objectId: 7 });
    expect(store.getState().layerPick).toEqual({ layer: 'traffic', kind: 'vehicle', objectId: 7 });
    store.select(building);
    expect(store.getState().layerPick).toBeNull();
    expect(calls).toBe(2);
  });
});
