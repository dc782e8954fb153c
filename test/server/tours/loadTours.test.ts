import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadTours } from '../../../server/tours/loadTours.ts';

const GOOD = `id: good
title: { zh: 好, en: Good }
stops:
  - bookmark: home
    seconds: 20
    caption: { zh: 全市, en: Whole city }
  - poi: hospital-01
    seconds: 10
    layers: { traffic: true, air: false }
    caption: { zh: 医院, en: Hospital }
  - camera: { lon: 113.29, lat: 33.72, height: 1200, heading: 15 }
    seconds: 10
    caption: { zh: 湛河, en: Zhan River }
`;

const made: string[] = [];
function folder(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yt-tours-'));
  made.push(dir);
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}
afterEach(() => {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** One bad file's messages: GOOD with `from` replaced by `to`, as tours/bad.yaml. */
function errorsOf(from: string, to: string): string[] {
  const d = folder({ 'other.yaml': GOOD.replace('id: good', 'id: other'), 'bad.yaml': GOOD.replace('id: good', 'id: bad').replace(from, to) });
  return loadTours(d).errors.map((e) => e.replace(`${d}${path.sep}`, 'tours/'));
}

describe('loadTours', () => {
  it('loads a tour with defaults: poi range and angles, flight seconds, layers left as they are', () => {
    const { tours, errors } = loadTours(folder({ 'good.yaml': GOOD }));
    expect(errors).toEqual([]);
    expect(tours).toHaveLength(1);
    const [tour] = tours;
    expect(tour.flySeconds).toBe(4);
    expect(tour.stops.map((s) => s.seconds)).toEqual([20, 10, 10]);
    expect(tour.stops[0].layers).toEqual({});
    expect(tour.stops[1]).toMatchObject({ poi: 'hospital-01', range: 1500, heading: 20, pitch: -35, layers: { traffic: true, air: false } });
    expect(tour.stops[2].camera).toEqual({ lon: 113.29, lat: 33.72, height: 1200, heading: 15, pitch: -35 });
  });

  it('names the file, the field and the value of what is wrong, and still loads the others', () => {
    expect(errorsOf('seconds: 20', 'seconds: 2')).toEqual(['tours/bad.yaml: stops[0].seconds: Too small: expected number to be >=5, got 2']);
    expect(errorsOf('traffic: true', 'trafic: true')[0]).toMatch(/^tours\/bad\.yaml: stops\[1\]\.layers(\.trafic)?: .*"trafic"/);
    expect(errorsOf('    caption: { zh: 全市, en: Whole city }\n', '')).toEqual(['tours/bad.yaml: stops[0].caption: missing (expected object)']);
    expect(errorsOf('  - poi: hospital-01\n', '  - poi: hospital-01\n    bookmark: home\n')).toEqual([
      expect.stringMatching(/^tours\/bad\.yaml: stops\[1\]: give exactly one of bookmark, poi and camera, got \{"bookmark":"home","poi":"hospital-01"/),
    ]);
    expect(errorsOf('seconds: 20', 'seconds: 20\n    sound: loud')).toEqual(['tours/bad.yaml: stops[0]: unknown field "sound"']);
    const d = folder({ 'other.yaml': GOOD, 'broken.yml': 'id: [' });
    const { tours, errors } = loadTours(d);
    expect(tours).toEqual([]);
    expect(errors[0]).toMatch(/broken\.yml:\d+:\d+: YAML syntax error/);
    expect(errors[1]).toBe(`${path.join(d, 'other.yaml')}: id: expected "other" (the file's name), got "good"`);
  });

  it('ships the city overview tour, valid, with 5–6 stops over named places', () => {
    const { tours, errors } = loadTours(path.resolve('tours'));
    expect(errors).toEqual([]);
    const overview = tours.find((t) => t.id === 'city-overview');
    expect(overview?.stops.length).toBeGreaterThanOrEqual(5);
    expect(overview?.stops.length).toBeLessThanOrEqual(6);
    for (const stop of overview?.stops ?? []) expect(stop.caption.zh).toMatch(/[\u4e00-\u9fff]/);
  });

  it('says which folder it cannot read', () => {
    expect(loadTours(path.join(os.tmpdir(), 'no-such-tours-folder')).errors[0]).toMatch(/^loadTours: cannot read folder /);
  });
});
