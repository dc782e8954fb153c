import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDrills, validateDrill } from '../../../server/drills/loadDrills.ts';
import { loadScenarios } from '../../../server/scenario/loadScenarios.ts';

const REPO = path.resolve(import.meta.dirname, '../../..');
const { scenarios } = loadScenarios(path.join(REPO, 'scenarios'));

/** A valid drill on the rainstorm scenario with `item` (YAML-free: a plain object) as its one MSEL line. */
function drill(item: Record<string, unknown>): Record<string, unknown> {
  return {
    id: 'test-drill',
    title: { zh: '测试', en: 'Test' },
    description: { zh: '测试演练', en: 'A test drill' },
    scenario: 'rainstorm',
    msel: [{ id: 'M01', at: 'T+01:00:00', to: 'traffic_police', message: { zh: '积水', en: 'Water' }, ...item }],
  };
}
const errorsOf = (data: unknown): string[] => validateDrill(data, scenarios).errors;

describe('validateDrill', () => {
  it('loads a drill with times in ms and the expected department filled in', () => {
    const { value, errors } = validateDrill(
      drill({ expected: { action: 'traffic.close_link', within: '00:15:00', description: { zh: '封路', en: 'Close' } }, inject: { kind: 'flood.rain', params: { mmPerH: 50, durationS: 600 } } }),
      scenarios,
    );
    expect(errors).toEqual([]);
    expect(value?.msel[0]).toMatchObject({ atMs: 3_600_000, expected: { by: null, withinMs: 900_000 }, inject: { kind: 'flood.rain' } });
    expect(value?.speed).toBe(1);
  });

  it('names a time past the scenario end', () => {
    expect(errorsOf(drill({ at: 'T+07:00:00' }))).toEqual(['msel[0].at: T+07:00:00 is not before the end of scenario rainstorm (duration 06:00:00), got "T+07:00:00"']);
    expect(errorsOf(drill({ at: '07:00' }))[0]).toMatch(/^msel\[0\]\.at: expected "T\+hh:mm:ss", got "07:00"/);
  });

  it('names an unknown recipient', () => {
    const [error] = errorsOf(drill({ to: 'police' }));
    expect(error).toMatch(/^msel\[0\]\.to: /);
    expect(error).toContain('"police"');
  });

  it('names an inject kind the scenario cannot handle, and bad inject parameters', () => {
    expect(errorsOf(drill({ inject: { kind: 'road_walker.close_link', params: { linkId: 'L1' } } }))).toEqual([
      expect.stringMatching(/^msel\[0\]\.inject\.kind: no engine of scenario rainstorm handles "road_walker\.close_link" \(handled: .*traffic\.close_link/),
    ]);
    expect(errorsOf(drill({ inject: { kind: 'emergency.fire', params: { buildingId: 7 } } }))).toEqual(['msel[0].inject.params.buildingId: expected string, got 7']);
  });

  it('names an expected action that is neither a warning nor an inject kind, and one the department may not make', () => {
    const description = { zh: '期望', en: 'Expected' };
    expect(errorsOf(drill({ expected: { action: 'evacuate', within: '00:10:00', description } }))[0]).toMatch(/^msel\[0\]\.expected\.action: not "warning", "warning.<level>" nor an inject kind .*, got "evacuate"$/);
    expect(errorsOf(drill({ expected: { action: 'warning.purple', within: '00:10:00', description } }))).toEqual(['msel[0].expected.action: unknown warning level "purple" (levels: blue, yellow, orange, red), got "warning.purple"']);
    expect(errorsOf(drill({ expected: { action: 'emergency.evacuate', within: '00:10:00', description } }))).toEqual([
      'msel[0].expected.action: traffic_police may not make "emergency.evacuate" (its injects: traffic.), got "emergency.evacuate"',
    ]);
    expect(errorsOf(drill({ to: 'urban_management', expected: { action: 'traffic.close_link', by: 'traffic_police', within: '00:10:00', description } }))).toEqual([]);
    expect(errorsOf(drill({ expected: { action: 'warning', within: '00:00:00', description } }))).toEqual(['msel[0].expected.within: must be longer than 00:00:00, got "00:00:00"']);
  });

  it('names an unknown scenario and a repeated item id', () => {
    expect(errorsOf({ ...drill({}), scenario: 'typhoon' })).toEqual([expect.stringMatching(/^scenario: no loaded scenario "typhoon" \(loaded: .*rainstorm/)]);
    const twice = drill({});
    (twice.msel as unknown[]).push((twice.msel as unknown[])[0]);
    expect(errorsOf(twice)).toEqual(['msel[1].id: "M01" is already the id of msel[0]']);
  });
});

describe('loadDrills', () => {
  it('loads the shipped drills without errors', () => {
    const { drills, errors } = loadDrills(path.join(REPO, 'drills'), scenarios);
    expect(errors).toEqual([]);
    const rainstorm = drills.find((d) => d.id === 'rainstorm-drill');
    expect(rainstorm?.scenario).toBe('rainstorm');
    expect(rainstorm?.msel.length).toBeGreaterThanOrEqual(10);
    // In time order, each with a message in both languages.
    expect(rainstorm?.msel.map((m) => m.atMs)).toEqual([...(rainstorm?.msel.map((m) => m.atMs) ?? [])].sort((a, b) => a - b));
  });

  it('leaves a bad file out with its name in front of each message, and loads the others', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yt-drills-'));
    try {
      fs.writeFileSync(path.join(dir, 'good.yaml'), JSON.stringify({ ...drill({}), id: 'good' }));
      fs.writeFileSync(path.join(dir, 'bad.yaml'), JSON.stringify({ ...drill({ at: 'T+09:00:00' }), id: 'bad' }));
      fs.writeFileSync(path.join(dir, 'broken.yaml'), 'id: [unclosed\n');
      const { drills, errors } = loadDrills(dir, scenarios);
      expect(drills.map((d) => d.id)).toEqual(['good']);
      expect(errors).toHaveLength(2);
      expect(errors[0]).toMatch(/bad\.yaml: msel\[0\]\.at: T\+09:00:00 is not before the end/);
      expect(errors[1]).toMatch(/broken\.yaml:\d+:\d+: YAML syntax error/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
