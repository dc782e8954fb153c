import { z } from 'zod';

/** Scenario parameters of the flood engine; every field has a default, so `flood: {}` runs. */
export const FloodParams = z
  .strictObject({
    cellM: z.number().min(10).max(100).default(25).describe('Grid cell, metres'),
    drainageMmPerH: z
      .number()
      .min(0)
      .max(200)
      .default(35)
      .describe(
        'What the storm drains take from standing water on built-up land (streets, yards, roofs), mm/h. By default 35: pipes built for a 1–3-year storm, as most of a Chinese city’s older network (GB 50014-2021 now asks 2–5 years), take about 30–45 mm/h',
      ),
    districtDrainageMmPerH: z
      .record(z.string().min(1), z.number().min(0).max(200))
      .default({})
      .describe('Drain capacity by district id (city.districts), mm/h; districts not named take drainageMmPerH'),
    infiltrationMmPerH: z
      .number()
      .min(0)
      .max(200)
      .default(10)
      .describe(
        'What parks and woods soak up, mm/h. By default 10: the saturated conductivity of sandy loam (Rawls, Brakensiek and Miller 1983: 10.9 mm/h; loam 3.4), a storm-long mean on soil that takes more while it wets up',
      ),
  })
  .describe('Flood engine parameters');
export type FloodParams = z.infer<typeof FloodParams>;

const Area = z.union(
  [
    z.strictObject({
      x: z.number().describe('East, metres from the city origin'),
      y: z.number().describe('North, metres from the city origin'),
      radiusM: z.number().positive().max(50_000).describe('Radius, metres'),
    }),
    z.strictObject({ districtId: z.string().min(1).describe('A district id of the city') }),
  ],
  { error: 'give {x, y, radiusM} or {districtId}' },
);

/**
 * The most a rain may bring, mm/h: the heaviest bursts on record are about 300 mm in an hour
 * (Holt, Missouri, 1947: 305 mm in 42 minutes); Zhengzhou's hour on 20 July 2021 was 201.9 mm.
 */
const MAX_MM_PER_H = 500;
const Intensity = z.number().min(0).max(MAX_MM_PER_H);

/** The flood engine's injects. */
export const FloodInjects = {
  'flood.rain': z
    .strictObject({
      mmPerH: z.number().positive({ error: 'must be more than 0' }).max(MAX_MM_PER_H).optional().describe('A steady rain, mm/h'),
      hyetograph: z
        .array(z.tuple([z.number().min(0).describe('Minutes after the inject'), Intensity.describe('mm/h')]))
        .min(1)
        .optional()
        .describe('[[minute, mmPerH], …]: each intensity holds from its minute (after the inject) to the next; ascending minutes'),
      durationS: z.number().positive().max(7 * 86400).describe('How long it rains, s'),
      area: Area.optional().describe('Where: a circle {x, y, radiusM} or a district {districtId}; the whole city by default'),
    })
    .superRefine((rain, ctx) => {
      if ((rain.mmPerH === undefined) === (rain.hyetograph === undefined)) {
        ctx.addIssue({ code: 'custom', path: rain.mmPerH === undefined ? [] : ['hyetograph'], message: 'give exactly one of mmPerH and hyetograph' });
      }
      const h = rain.hyetograph ?? [];
      for (let k = 0; k < h.length; k++) {
        if (k > 0 && h[k][0] <= h[k - 1][0]) {
          ctx.addIssue({ code: 'custom', path: ['hyetograph', k, 0], message: `minutes must ascend: ${h[k][0]} follows ${h[k - 1][0]}` });
        }
        if (h[k][0] * 60 >= rain.durationS) {
          ctx.addIssue({ code: 'custom', path: ['hyetograph', k, 0], message: `minute ${h[k][0]} is not within durationS ${rain.durationS} s` });
        }
      }
    })
    .describe('Rain over the city or part of it, steady or by a hyetograph; answers its id. Rains add up where they overlap'),
} as const;
export type FloodRainInject = z.infer<(typeof FloodInjects)['flood.rain']>;
