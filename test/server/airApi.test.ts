import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { aqiStandardFor } from '../../server/protocol/aqi.ts';
import { startServer, type RunningServer } from '../../server/startServer.ts';
import { smallCity } from '../helpers/smallCity.ts';
import { api } from './realtime/realtimeHarness.ts';

describe('GET /api/air/aqi', () => {
  let tmp: string;
  let server: RunningServer;
  const aqi = (query: string) => api(server.url, 'GET', `/api/air/aqi?${query}`);

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'yt-air-'));
    const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', TILES_DIR: 'tilesets', DATA_DIR: 'data' }, tmp);
    server = await startServer(config, { cities: [smallCity()], build: false, clientDir: path.join(tmp, 'no-client'), realtime: false });
  });
  afterAll(async () => {
    await server.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('answers the AQI, level, colour, primary pollutants and IAQIs of realtime concentrations', async () => {
    const { status, body } = await aqi('pm25=60&pm10=120&no2=150&co=0.8&date=2026-03-16');
    expect(status).toBe(200);
    expect(body).toEqual({
      aqi: 100,
      level: 2,
      levelName: { zh: '良', en: 'Moderate' },
      color: '#FFFF00',
      primary: ['pm25', 'pm10'],
      iaqi: { pm25: 100, pm10: 100, no2: 75, co: 8 },
      standard: 'HJ 633—2026',
    });
  });

  it('reads 24-hour means in daily mode', async () => {
    const { status, body } = await aqi('so2=200&no2=150&mode=daily&date=2026-03-16');
    expect(status).toBe(200);
    expect(body).toMatchObject({ aqi: 135, level: 3, primary: ['no2'], iaqi: { so2: 108, no2: 135 } });
  });

  it('uses HJ 633-2012 before 2026-03-01 and today in Asia/Shanghai without a date', async () => {
    expect((await aqi('pm25=60&date=2026-02-28')).body).toMatchObject({ aqi: 82, standard: 'HJ 633-2012' });
    expect((await aqi('pm25=60&date=2026-03-01')).body).toMatchObject({ aqi: 100, standard: 'HJ 633—2026' });
    expect((await aqi('pm25=60')).body).toMatchObject({ standard: aqiStandardFor(Date.now()) });
  });

  const bad: [string, string, RegExp][] = [
    ['a negative concentration', 'pm25=-5', /pm25: .*≥ 0.*\(got "-5"\)/],
    ['a concentration that is no number', 'pm25=abc', /pm25: .*\(got "abc"\)/],
    ['an empty concentration', 'co=', /co: .*\(got ""\)/],
    ['an infinite concentration', 'so2=1e999', /so2: .*finite.*\(got "1e999"\)/],
    ['a date that does not exist', 'pm25=10&date=2026-02-30', /date: .*\(got "2026-02-30"\)/],
    ['no concentration', 'mode=daily&date=2026-03-16', /at least one concentration.*\(got \{"mode":"daily","date":"2026-03-16"\}\)/],
    ['an unknown mode', 'pm25=10&mode=weekly', /mode: .*\(got "weekly"\)/],
    ['a misspelt pollutant', 'pm2_5=10', /pm2_5/],
    ['O3 8 h above 800 without the 1-hour O3', 'o3_8h=900', /o3_8h: .*give o3.*\(got "900"\)/],
  ];
  for (const [what, query, message] of bad) {
    it(`answers 400 naming the field and value for ${what}`, async () => {
      const { status, body } = await aqi(query);
      expect(status).toBe(400);
      expect(body).toEqual({ error: { code: 'bad_request', message: expect.stringMatching(message) } });
      expect((body.error as { message: string }).message).toMatch(/^GET \/api\/air\/aqi: /);
    });
  }
});
