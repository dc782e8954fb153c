/**
 * Emergency response levels I–IV (应急响应级别) and how an incident's consequences set them. Pure
 * (no Node-only API): the client labels and colours incidents with the same table.
 *
 * Sources:
 * - Accidents (生产安全事故: fires, chemical accidents…): 《生产安全事故报告和调查处理条例》
 *   (State Council Decree 493, 2007), article 3. Seriously injured includes acute industrial
 *   poisoning (重伤，包括急性工业中毒).
 * - Environmental emergencies (突发环境事件: a toxic release's evacuation, poisonings):
 *   《国家突发环境事件应急预案》 (国办函〔2014〕119号), annex 1 分级标准, items 1–3 of each level.
 *   Its other criteria (ecological damage, drinking-water intake cut, radioactive sources,
 *   cross-border effects) are not modelled.
 * Both say "以上" includes the number and "以下" excludes it: ≥ 30 deaths is I, 29 is II.
 */
import { z } from 'zod';
import { ResponseLevel } from './events.ts';

export type ResponseLevel = z.infer<typeof ResponseLevel>;

/** From the most severe to the least. */
export const RESPONSE_LEVELS: readonly ResponseLevel[] = ResponseLevel.options;

export interface ResponseLevelInfo {
  level: ResponseLevel;
  /** 1 (I, most severe) to 4 (IV). */
  rank: 1 | 2 | 3 | 4;
  name: { zh: string; en: string };
  colorName: { zh: string; en: string };
  /** The colour's hue at full strength (the AQI palette's habit); no national standard fixes hex values. */
  color: string;
}

export const RESPONSE_LEVEL_INFO: Readonly<Record<ResponseLevel, ResponseLevelInfo>> = {
  I: { level: 'I', rank: 1, name: { zh: '特别重大', en: 'Extremely serious' }, colorName: { zh: '红色', en: 'red' }, color: '#FF0000' },
  II: { level: 'II', rank: 2, name: { zh: '重大', en: 'Serious' }, colorName: { zh: '橙色', en: 'orange' }, color: '#FF7E00' },
  III: { level: 'III', rank: 3, name: { zh: '较大', en: 'Relatively serious' }, colorName: { zh: '黄色', en: 'yellow' }, color: '#FFFF00' },
  IV: { level: 'IV', rank: 4, name: { zh: '一般', en: 'General' }, colorName: { zh: '蓝色', en: 'blue' }, color: '#0000FF' },
};

/** The more severe of two levels. */
export function highestLevel(a: ResponseLevel, b: ResponseLevel): ResponseLevel {
  return RESPONSE_LEVEL_INFO[a].rank <= RESPONSE_LEVEL_INFO[b].rank ? a : b;
}

/** The most severe of any number of levels; IV when none is given. */
export function highestOf(levels: Iterable<ResponseLevel>): ResponseLevel {
  let out: ResponseLevel = 'IV';
  for (const l of levels) out = highestLevel(out, l);
  return out;
}

/** True when `a` is more severe than `b`. */
export function isMoreSevere(a: ResponseLevel, b: ResponseLevel): boolean {
  return RESPONSE_LEVEL_INFO[a].rank < RESPONSE_LEVEL_INFO[b].rank;
}

/** Lower bounds of levels I, II, III for one criterion ("以上" includes the number); below the last is IV. */
type Bounds = readonly [number, number, number];

function levelBy(value: number, [i, ii, iii]: Bounds): ResponseLevel {
  if (value >= i) return 'I';
  if (value >= ii) return 'II';
  if (value >= iii) return 'III';
  return 'IV';
}

/** Decree 493 art. 3: deaths 30 / 10 / 3; seriously injured 100 / 50 / 10; direct loss ¥100 M / 50 M / 10 M. */
export const ACCIDENT_BOUNDS = {
  deaths: [30, 10, 3],
  seriouslyInjured: [100, 50, 10],
  directLossYuan: [100_000_000, 50_000_000, 10_000_000],
} as const satisfies Record<string, Bounds>;

/**
 * 国家突发环境事件应急预案 annex 1: deaths 30 / 10 / 3; poisoned or seriously injured 100 / 50 / 10;
 * people evacuated or relocated 50,000 / 10,000 / 5,000; direct loss ¥100 M / 20 M / 5 M.
 */
export const ENVIRONMENTAL_BOUNDS = {
  deaths: [30, 10, 3],
  poisoned: [100, 50, 10],
  evacuated: [50_000, 10_000, 5_000],
  directLossYuan: [100_000_000, 20_000_000, 5_000_000],
} as const satisfies Record<string, Bounds>;

export interface AccidentConsequences {
  deaths: number;
  /** Seriously injured, acute industrial poisoning included. */
  seriouslyInjured: number;
  directLossYuan?: number;
}

export interface EnvironmentalConsequences {
  deaths: number;
  /** Poisoned or seriously injured. */
  poisoned: number;
  /** People evacuated or relocated because of the pollution. */
  evacuated: number;
  directLossYuan?: number;
}

/** The most severe level any criterion reaches; a missing value counts as 0. */
function classify<K extends string>(where: string, bounds: Record<K, Bounds>, values: Partial<Record<K, number>>): ResponseLevel {
  return highestOf(
    (Object.keys(bounds) as K[]).map((name) => {
      const value = values[name] ?? 0;
      if (!Number.isFinite(value) || value < 0) throw new Error(`${where}: ${name} must be a finite number ≥ 0, got ${value}`);
      return levelBy(value, bounds[name]);
    }),
  );
}

/** The level of a production-safety accident (fire, explosion, chemical accident): the most severe any criterion reaches. */
export function accidentLevel(c: AccidentConsequences): ResponseLevel {
  return classify('accidentLevel', ACCIDENT_BOUNDS, c);
}

/** The level of an environmental emergency (a toxic release): the most severe any criterion reaches. */
export function environmentalLevel(c: EnvironmentalConsequences): ResponseLevel {
  return classify('environmentalLevel', ENVIRONMENTAL_BOUNDS, c);
}
