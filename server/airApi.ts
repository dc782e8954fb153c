import type { Context } from 'koa';
import type { Router } from '@koa/router';
import { z } from 'zod';
import { AQI_MODES, AQI_POLLUTANTS, aqiStandardFor, computeAqi, type AqiPollutant } from './protocol/aqi.ts';
import { formatIssues } from './protocol/formatIssues.ts';

/** A plain decimal as people type it ("35", "0.8", "1e3"); Number() alone would also take "", "0x10" and "Infinity". */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** One concentration from the query string: µg/m³ (CO mg/m³), finite and ≥ 0. */
const Concentration = z
  .string()
  .regex(DECIMAL, { error: 'expected a concentration, a number ≥ 0 (µg/m³; CO in mg/m³)' })
  .transform(Number)
  .pipe(z.number({ error: 'expected a finite concentration' }).min(0, { error: 'expected a concentration ≥ 0' }));

const concentrations = Object.fromEntries(AQI_POLLUTANTS.map((p) => [p, Concentration.optional()])) as Record<
  AqiPollutant,
  z.ZodOptional<typeof Concentration>
>;

/** GET /api/air/aqi's query; unknown parameters are refused so that a misspelt pollutant is not silently left out. */
const AqiQuery = z
  .strictObject({
    ...concentrations,
    mode: z.enum(AQI_MODES).default('realtime'),
    /** The day the concentrations belong to, which picks the standard; default today in Asia/Shanghai. */
    date: z.iso.date({ error: 'expected a real date "YYYY-MM-DD"' }).optional(),
  })
  .refine((q) => AQI_POLLUTANTS.some((p) => q[p] !== undefined), {
    error: `give at least one concentration: ${AQI_POLLUTANTS.join(', ')}`,
  })
  // HJ 633 Table 1 note 3: above 800 µg/m³ the 8-hour O3 has no IAQI and O3 is reported by its 1-hour IAQI.
  .refine((q) => q.o3_8h === undefined || q.o3_8h <= 800 || q.o3 !== undefined, {
    error: 'above 800 µg/m³ the 8-hour O3 has no IAQI (HJ 633): give o3, the 1-hour value, too',
    path: ['o3_8h'],
  });

/** GET /api/air/aqi: the AQI, level, colour, primary pollutants and IAQIs of the concentrations in the query. */
function getAqi(ctx: Context): void {
  const parsed = AqiQuery.safeParse(ctx.query);
  if (!parsed.success) ctx.throw(400, formatIssues('GET /api/air/aqi', parsed.error, ctx.query));
  const { mode, date, ...input } = parsed.data;
  ctx.set('Cache-Control', 'no-store');
  ctx.body = computeAqi(input, { mode, standard: aqiStandardFor(date ?? Date.now()) });
}

/** Registers the air-quality routes (under /api/air) on the app's router. */
export function airApi(router: Router): void {
  router.get('/api/air/aqi', getAqi);
}
