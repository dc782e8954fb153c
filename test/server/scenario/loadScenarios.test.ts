import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadScenarios } from '../../../server/scenario/loadScenarios.ts';
import { parseScenarioText } from '../../../server/scenario/parseScenarioText.ts';
import { engineRegistry } from '../../../server/sim/engineRegistry.ts';

const GOOD = `# yaml-language-server: $schema=./schema.json
id: good
title: { zh: 好, en: Good }
description: { zh: 好的情景, en: A good scenario }
city: pingdingshan
start: "2026-03-16T07:00:00+08:00"
duration: "01:00:00"
seed: 1
engines:
  road_walker:
    vehicles: 10
timeline:
  - at: "T+00:30:00"
    kind: road_walker.speed_factor
    params: { factor: 0.5 }
  - at: "T+00:10:00"
    kind: road_walker.close_link
    params: { linkId: L000001 }
`;

/** GOOD with one line replaced. */
const edit = (from: string, to: string): string => {
  if (!GOOD.includes(from)) throw new Error(`test: ${from} is not in GOOD`);
  return GOOD.replace(from, to);
};

const errorsOf = (text: string): string[] => parseScenarioText(text, 'scenarios/x.yaml', engineRegistry).errors;

describe('parseScenarioText', () => {
  it('reads a good file with times in milliseconds and the timeline in time order', () => {
    const { scenario, errors } = parseScenarioText(GOOD, 'scenarios/good.yaml', engineRegistry);
    expect(errors).toEqual([]);
    expect(scenario).toMatchObject({
      id: 'good',
      startEpochMs: Date.UTC(2026, 2, 15, 23, 0, 0),
      durationMs: 3_600_000,
      engines: { road_walker: { vehicles: 10 } },
    });
    expect(scenario?.timeline.map((t) => [t.at, t.atMs, t.kind])).toEqual([
      ['T+00:10:00', 600_000, 'road_walker.close_link'],
      ['T+00:30:00', 1_800_000, 'road_walker.speed_factor'],
    ]);
  });

  it('names the file, the place in the document, the reason and the value', () => {
    expect(errorsOf(edit('at: "T+00:30:00"', 'at: "5min"'))).toEqual(['scenarios/x.yaml: timeline[0].at: expected "T+hh:mm:ss", got "5min"']);
    expect(errorsOf(edit('seed: 1', 'seed: 1.5'))).toEqual(['scenarios/x.yaml: seed: expected int, got 1.5']);
    expect(errorsOf(edit('title: { zh: 好, en: Good }', 'title: { zh: 好 }'))).toEqual(['scenarios/x.yaml: title.en: missing (expected string)']);
    expect(errorsOf(edit('seed: 1', 'seed: 1\ncolor: red'))).toEqual(['scenarios/x.yaml: (document): unknown field "color"']);
    expect(errorsOf(edit('"2026-03-16T07:00:00+08:00"', '"2026-03-16T07:00:00Z"'))[0]).toMatch(
      /^scenarios\/x\.yaml: start: expected a date-time in Asia\/Shanghai like "2026-03-16T07:00:00\+08:00", got "2026-03-16T07:00:00Z"$/,
    );
    expect(errorsOf(edit('"2026-03-16T07:00:00+08:00"', '"2026-02-30T07:00:00+08:00"'))).toEqual(['scenarios/x.yaml: start: not a real date and time, got "2026-02-30T07:00:00+08:00"']);
  });

  it('checks engines and injects against the registered engines', () => {
    expect(errorsOf(edit('  road_walker:\n    vehicles: 10', '  traffic_x: {}'))).toEqual([
      `scenarios/x.yaml: engines.traffic_x: unknown engine "traffic_x" (known: ${[...engineRegistry.keys()].join(", ")})`,
      'scenarios/x.yaml: timeline[0].kind: no engine of this scenario handles "road_walker.speed_factor" (handled: none)',
      'scenarios/x.yaml: timeline[1].kind: no engine of this scenario handles "road_walker.close_link" (handled: none)',
    ]);
    expect(errorsOf(edit('kind: road_walker.speed_factor', 'kind: road_walker.flood'))).toEqual([
      'scenarios/x.yaml: timeline[0].kind: no engine of this scenario handles "road_walker.flood" (handled: road_walker.speed_factor, road_walker.close_link, road_walker.open_link)',
    ]);
    expect(errorsOf(edit('vehicles: 10', 'vehicles: -5'))).toEqual(['scenarios/x.yaml: engines.road_walker.vehicles: Too small: expected number to be >=0, got -5']);
    expect(errorsOf(edit('{ factor: 0.5 }', '{ factor: "slow" }'))).toEqual(['scenarios/x.yaml: timeline[0].params.factor: expected number, got "slow"']);
    expect(errorsOf(edit('at: "T+00:30:00"', 'at: "T+02:00:00"'))).toEqual([
      'scenarios/x.yaml: timeline[0].at: T+02:00:00 is not before the end of the scenario (duration 01:00:00), got "T+02:00:00"',
    ]);
  });

  it('gives line and column for YAML syntax errors', () => {
    const errors = errorsOf(edit('seed: 1', 'seed: [1, 2\nx: 3'));
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]).toMatch(/^scenarios\/x\.yaml:\d+:\d+: YAML syntax error: \S/);
  });

  it('accepts an engine with no parameters (its defaults)', () => {
    const { scenario, errors } = parseScenarioText(edit('  road_walker:\n    vehicles: 10', '  road_walker:'), 'x', engineRegistry);
    expect(errors).toEqual([]);
    expect(scenario?.engines).toEqual({ road_walker: {} });
  });
});

describe('loadScenarios', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scenarios-'));
    fs.writeFileSync(path.join(dir, 'good.yaml'), GOOD);
    fs.writeFileSync(path.join(dir, 'bad.yaml'), edit('at: "T+00:30:00"', 'at: "5min"').replace('id: good', 'id: bad'));
    fs.writeFileSync(path.join(dir, 'broken.yml'), 'id: broken\ntitle: [oops\n');
    fs.writeFileSync(path.join(dir, 'renamed.yaml'), GOOD);
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'not a scenario');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('loads the good files and reports each bad one with its file name', () => {
    const { scenarios, errors } = loadScenarios(dir);
    expect(scenarios.map((s) => s.id)).toEqual(['good']);
    expect(errors).toHaveLength(3);
    expect(errors[0]).toBe(`${path.join(dir, 'bad.yaml')}: timeline[0].at: expected "T+hh:mm:ss", got "5min"`);
    expect(errors[1]).toMatch(/broken\.yml:\d+:\d+: YAML syntax error/);
    expect(errors[2]).toBe(`${path.join(dir, 'renamed.yaml')}: id: expected "renamed" (the file's name), got "good"`);
  });

  it('loads the shipped scenarios without errors, each starting with the schema comment', () => {
    const { scenarios, errors } = loadScenarios(path.resolve('scenarios'));
    expect(errors).toEqual([]);
    expect(scenarios.map((s) => s.id)).toEqual(expect.arrayContaining(['smoke', 'weekday', 'inversion']));
    // The baseline runs traffic, the air and the emergency services (no incident: the dashboard's beds and shelters) together; the inversion scenario fixes a stable night.
    expect(Object.keys(scenarios.find((s) => s.id === 'weekday')?.engines ?? {})).toEqual(['traffic', 'environment', 'emergency']);
    expect(scenarios.find((s) => s.id === 'inversion')?.engines).toMatchObject({ environment: { weather: expect.arrayContaining([expect.objectContaining({ hour: 0, stability: 'F', mixingHeightM: 120 })]) } });
    const weekday = scenarios.find((s) => s.id === 'weekday');
    expect(weekday).toMatchObject({ start: '2026-03-16T06:00:00+08:00', durationMs: 86_400_000 });
    for (const s of scenarios) {
      expect(fs.readFileSync(path.resolve('scenarios', `${s.id}.yaml`), 'utf8').split('\n')[0]).toBe('# yaml-language-server: $schema=./schema.json');
    }
    const smoke = scenarios.find((s) => s.id === 'smoke');
    expect(smoke?.durationMs).toBe(600_000);
    expect(smoke?.timeline).toHaveLength(1);
  });

  it('reports a folder it cannot read', () => {
    expect(loadScenarios(path.join(dir, 'missing')).errors[0]).toMatch(/^loadScenarios: cannot read folder /);
  });
});
