import { z } from 'zod';
import type { CityModel } from '../city/CityModel.ts';
import type { Ack } from '../protocol/controls.ts';
import { formatIssues as formatRequestIssues } from '../protocol/formatIssues.ts';
import type { AirSummary } from '../protocol/AirSummary.ts';
import type { ProtocolError } from '../protocol/ProtocolError.ts';
import type { TrafficSummary } from '../protocol/TrafficSummary.ts';
import type { RunManager } from '../realtime/RunManager.ts';
import { formatIssues } from '../scenario/Scenario.ts';
import type { ForkPoint, TimelineInject } from '../sim/Run.ts';

/** Sim time compared at when the request names none and the scenario runs longer: 2 hours. */
export const DEFAULT_WHATIF_UNTIL_MS = 2 * 3_600_000;
/** How far past the fork point a what-if from a running run compares by default: 30 minutes. */
export const DEFAULT_WHATIF_HORIZON_MS = 30 * 60_000;
/** What-if comparisons kept for GET /api/whatif; older finished ones are forgotten. */
const KEEP = 32;
/** Comparison times are whole seconds, a multiple of any run's step. */
const UNTIL_STEP_MS = 1000;

const Change = z.strictObject({
  /** When the change applies, sim ms since the scenario's start; the comparison's start by default. */
  atMs: z.number().int().nonnegative().optional(),
  kind: z.string().min(1).max(128),
  params: z.record(z.string(), z.unknown()).default({}),
});

/**
 * POST /api/whatif: a scenario (from its start), or a running run to fork (both sides start from
 * its latest checkpoint, with the injects it had beyond the scenario: "what if we did this now"), the changes of the
 * variant, and when to compare.
 */
export const WhatIfRequest = z
  .strictObject({
    scenarioId: z.string().min(1).max(128).optional(),
    /** A running sim run of the scenario: both sides start from its latest checkpoint. */
    fromRunId: z.string().min(1).max(128).optional(),
    /** Both runs use it; the scenario's seed (or the forked run's) by default. */
    seed: z.number().int().min(0).max(0xffffffff).optional(),
    changes: z.array(Change).min(1).max(100),
    /** Sim time (since the scenario's start) at which both runs are compared; rounded down to a whole second. */
    untilMs: z.number().int().positive().optional(),
    /** Or: how long after the comparison's start to compare (instead of untilMs). */
    horizonMs: z.number().int().positive().optional(),
  })
  .refine((r) => r.scenarioId !== undefined || r.fromRunId !== undefined, { message: 'give scenarioId or fromRunId', path: ['scenarioId'] })
  .refine((r) => r.untilMs === undefined || r.horizonMs === undefined, { message: 'give untilMs or horizonMs, not both', path: ['horizonMs'] });
export type WhatIfRequest = z.input<typeof WhatIfRequest>;

export type WhatIfStatus = 'running' | 'done' | 'failed';

/** One side of a comparison. */
export interface WhatIfSide {
  runId: string;
  /** The run's traffic figures at untilMs, once it got there (null without a traffic engine). */
  summary: TrafficSummary | null;
  /** The run's air figures at untilMs (computed at the last sim minute up to it), once it got there (null without an environment engine). */
  air: AirSummary | null;
  /** The run's emergency figures at untilMs (null without an emergency engine). */
  emergency: EmergencyFigures | null;
}

/** What a comparison reads of the emergencies: EmergencySummary's figures and the road closed now. */
export interface EmergencyFigures {
  /** Longest time from an evacuation order to its zone being clear, s (null before any cleared). */
  clearanceS: number | null;
  /** Mean time of the first fire engine from dispatch to the scene, s (null before any arrived). */
  meanResponseS: number | null;
  peopleInAegl2: number;
  casualties: number;
  /** Road closed now, by operators or by water, km of directed links (closed lanes counted in full). */
  closedRoadKm: number;
}

/** Emergency figures, variant minus baseline (null where either side has none). */
export interface EmergencyDeltas {
  clearanceS: number | null;
  meanResponseS: number | null;
  peopleInAegl2: number;
  casualties: number;
  closedRoadKm: number;
}

/** Traffic figures, variant minus baseline, at the same sim time. */
export interface TrafficDeltas {
  index: number;
  meanSpeedKmh: number;
  delayHours: number;
  vehicleHours: number;
  odTimes: OdTimeDelta[];
}

/**
 * An origin–destination pair's travel time in both runs, seconds; null where the pair is
 * unreachable (TrafficSummary's odTimes). Losing the way is worse than any slowing.
 */
export interface OdTimeDelta {
  id: string;
  name: { zh: string; en: string };
  baselineS: number | null;
  variantS: number | null;
  /** Variant minus baseline, s; null unless both runs reach. */
  deltaS: number | null;
  /** `unreachable` when the variant cut the pair off (worse), `reachable` when it opened a way the baseline lacks (better); null when neither. */
  became: 'unreachable' | 'reachable' | null;
}

/** Air figures, variant minus baseline, at the same sim time. */
export interface AirDeltas {
  /** Mean realtime AQI over the grid's cells. */
  meanGridAqi: number;
  /** The grid's largest ground-level concentration, by pollutant or substance (µg/m³; CO mg/m³); one the baseline lacks counts 0 there. */
  maxConcentration: Record<string, number>;
  /** People-weighted mean PM2.5, µg/m³. */
  exposurePm25: number;
}

/** The deltas of a comparison whose scenario runs a traffic engine: air figures too when it also runs an environment engine. */
export type TrafficWhatIfDeltas = TrafficDeltas & Partial<AirDeltas> & { emergency?: EmergencyDeltas };

/**
 * Variant minus baseline, at the same sim time: traffic figures when the scenario runs a traffic
 * engine, air figures (as well, or alone) when both sides publish an air summary.
 */
export type WhatIfDeltas = TrafficWhatIfDeltas | AirDeltas;

/**
 * GET /api/whatif/:id. `D` is the deltas' type: by default those of a comparison with a traffic
 * engine (what a traffic panel starts); the API answers any comparison (AnyWhatIfResult).
 */
export interface WhatIfResult<D extends WhatIfDeltas = TrafficWhatIfDeltas> {
  id: string;
  scenarioId: string;
  seed: number;
  /** Run forked (both sides started from its checkpoint at startMs), or null for a run from the start. */
  fromRunId: string | null;
  /** Sim time both sides started at: 0, or the forked run's checkpoint. */
  startMs: number;
  untilMs: number;
  changes: TimelineInject[];
  status: WhatIfStatus;
  /** 0–1: how far both runs got towards untilMs. */
  progress: number;
  /** Why it failed (status failed). */
  error: string | null;
  /** What is compared: traffic figures, air figures or both (by the scenario's engines). */
  figures: { traffic: boolean; air: boolean; emergency: boolean };
  baseline: WhatIfSide;
  variant: WhatIfSide;
  deltas: D | null;
}

/** Any comparison, air-only ones included. */
export type AnyWhatIfResult = WhatIfResult<WhatIfDeltas>;

/** What a comparison keeps; its status, progress and deltas follow from it (see result()). */
type Comparison = Omit<AnyWhatIfResult, 'status' | 'progress' | 'deltas'>;

const fail = (code: string, message: string): { ok: false; error: ProtocolError } => ({ ok: false, error: { code, message } });
const WHERE = 'POST /api/whatif';

/** Rounds away float noise (0.30000000000000004) from figures people read. */
function tidy(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

/**
 * What-if comparisons: a scenario run twice with the same seed, a baseline and a variant with
 * extra injects, both at top speed through the RunManager (ordinary runs any client may join, owned
 * by who asked), each paused at the same sim time, where their traffic and air figures are
 * compared. Once a comparison is done or failed both runs stop (their recordings stay, to replay),
 * so finished comparisons hold no run slots; the result stays here.
 */
export class WhatIfManager {
  private readonly manager: RunManager;
  private readonly cities: ReadonlyMap<string, CityModel>;
  private readonly comparisons = new Map<string, Comparison>();
  private nextNumber = 1;

  constructor(manager: RunManager, cities: readonly CityModel[]) {
    this.manager = manager;
    this.cities = new Map(cities.map((c) => [c.id, c]));
  }

  /** Validates a request and starts its two runs, owned by `owner`; a refusal names the field and value and starts nothing. */
  start(input: unknown, owner: string | null = null): Ack<AnyWhatIfResult> {
    const parsed = WhatIfRequest.safeParse(input);
    if (!parsed.success) return fail('bad_request', formatRequestIssues(WHERE, parsed.error, input));
    const request = parsed.data;
    let fork: { scenarioId: string; seed: number; point: ForkPoint } | undefined;
    if (request.fromRunId !== undefined) {
      const found = this.manager.forkPoint(request.fromRunId);
      if (!found.ok) return fail('bad_request', `${WHERE}: fromRunId: ${found.error.message}`);
      fork = found.result;
      if (request.scenarioId !== undefined && request.scenarioId !== fork.scenarioId) {
        return fail('bad_request', `${WHERE}: scenarioId: run ${request.fromRunId} runs scenario ${fork.scenarioId}, not ${JSON.stringify(request.scenarioId)}`);
      }
    }
    const scenarioId = fork?.scenarioId ?? (request.scenarioId as string);
    const scenario = this.manager.scenarios.find((s) => s.id === scenarioId);
    if (!scenario) {
      return fail('bad_request', `${WHERE}: scenarioId: no scenario ${JSON.stringify(scenarioId)} (known: ${this.manager.scenarios.map((s) => s.id).join(', ') || 'none'})`);
    }
    const city = this.cities.get(scenario.city);
    if (!city) return fail('bad_request', `${WHERE}: scenarioId: scenario ${scenario.id} runs in city ${JSON.stringify(scenario.city)}, which this server does not serve`);
    const startMs = fork?.point.timeMs ?? 0;
    const wantedUntil = request.untilMs ?? (request.horizonMs !== undefined ? startMs + request.horizonMs : fork ? startMs + DEFAULT_WHATIF_HORIZON_MS : DEFAULT_WHATIF_UNTIL_MS);
    if (request.untilMs !== undefined && request.untilMs > scenario.durationMs) {
      return fail('bad_request', `${WHERE}: untilMs: must be at most the scenario's duration, ${scenario.durationMs} ms, got ${request.untilMs}`);
    }
    if (request.horizonMs !== undefined && wantedUntil > scenario.durationMs) {
      return fail('bad_request', `${WHERE}: horizonMs: the comparison would end at ${wantedUntil} ms, past the scenario's duration, ${scenario.durationMs} ms, got ${request.horizonMs}`);
    }
    const untilMs = Math.floor(Math.min(wantedUntil, scenario.durationMs) / UNTIL_STEP_MS) * UNTIL_STEP_MS;
    if (untilMs <= startMs) {
      const field = request.untilMs !== undefined ? 'untilMs' : 'horizonMs';
      return fail('bad_request', `${WHERE}: ${field}: the comparison must end after it starts (${startMs} ms${fork ? `, run ${request.fromRunId}'s latest checkpoint` : ''}), got ${untilMs} ms`);
    }

    // The scenario's engines say which injects exist, how their parameters look, and whether there are traffic or air figures to compare.
    const schemas = new Map<string, z.ZodType | undefined>();
    const figures = { traffic: false, air: false, emergency: false };
    for (const name of Object.keys(scenario.engines)) {
      const create = this.manager.registry.get(name);
      if (!create) continue;
      const engine = create();
      for (const kind of engine.injects) schemas.set(kind, engine.injectSchemas?.[kind]);
      if (engine.publishes.some((o) => o.kind === 'trafficSummary')) figures.traffic = true;
      if (engine.publishes.some((o) => o.kind === 'airSummary')) figures.air = true;
      if (engine.publishes.some((o) => o.kind === 'emergencySummary')) figures.emergency = true;
      engine.dispose();
    }
    if (!figures.traffic && !figures.air) {
      return fail('bad_request', `${WHERE}: scenarioId: scenario ${scenario.id} runs no traffic engine and no environment engine (engines: ${Object.keys(scenario.engines).join(', ')}), so there are no figures to compare`);
    }

    const changes: TimelineInject[] = [];
    for (const [k, change] of request.changes.entries()) {
      const atMs = change.atMs ?? startMs;
      if (atMs >= untilMs) {
        return fail('bad_request', `${WHERE}: changes[${k}].atMs: must be before untilMs (${untilMs} ms) to change anything, got ${atMs}`);
      }
      if (atMs < startMs) {
        return fail('bad_request', `${WHERE}: changes[${k}].atMs: must be at or after the comparison's start (${startMs} ms, the forked run's latest checkpoint), got ${atMs}`);
      }
      if (!schemas.has(change.kind)) {
        return fail('bad_request', `${WHERE}: changes[${k}].kind: no engine of scenario ${scenario.id} handles ${JSON.stringify(change.kind)} (handled: ${[...schemas.keys()].join(', ') || 'none'})`);
      }
      let params: unknown = change.params;
      const schema = schemas.get(change.kind);
      if (schema) {
        const checked = schema.safeParse(change.params, { reportInput: true });
        if (!checked.success) return fail('bad_request', `${WHERE}: ${formatIssues(checked.error.issues, ['changes', k, 'params']).join('; ')}`);
        params = checked.data;
      }
      const unknownPlace = this.unknownPlace(city, change.params);
      if (unknownPlace) return fail('bad_request', `${WHERE}: changes[${k}].params.${unknownPlace}`);
      changes.push({ atMs, kind: change.kind, params });
    }

    const free = this.manager.freeRunSlots(owner);
    if (free < 2) {
      const whose = owner === null ? '' : ` by ${owner}`;
      return fail('too_many_runs', `${WHERE}: a what-if needs two runs and only ${free} more may be open now${whose}; stop a run first`);
    }
    const id = `whatif-${this.nextNumber++}`;
    if (fork && request.seed !== undefined && request.seed !== fork.seed) {
      return fail('bad_request', `${WHERE}: seed: a fork of run ${request.fromRunId} keeps its seed ${fork.seed}, got ${request.seed}`);
    }
    const seed = fork?.seed ?? request.seed ?? scenario.seed;
    const comparison: Comparison = {
      id,
      scenarioId: scenario.id,
      seed,
      fromRunId: request.fromRunId ?? null,
      startMs,
      untilMs,
      changes,
      figures,
      baseline: { runId: '', summary: null, air: null, emergency: null },
      variant: { runId: '', summary: null, air: null, emergency: null },
      error: null,
    };
    const onPaused = (side: WhatIfSide) => (runId: string) => {
      const moved = (at: number) => `run ${runId} was compared at ${at} ms instead of ${untilMs} ms (it was moved past the comparison time)`;
      if (figures.traffic) {
        side.summary = this.manager.trafficSummary(runId) ?? null;
        if (!side.summary) comparison.error ??= `run ${runId} gave no traffic figures at ${untilMs} ms`;
        else if (side.summary.simTimeMs !== untilMs) comparison.error ??= moved(side.summary.simTimeMs);
      }
      if (figures.air) {
        // The environment renews its figures once a sim minute: those of the last minute up to untilMs.
        side.air = this.manager.airSummary(runId) ?? null;
        if (!side.air) comparison.error ??= `run ${runId} gave no air figures at ${untilMs} ms`;
        else if (side.air.simTimeMs > untilMs) comparison.error ??= moved(side.air.simTimeMs);
      }
      if (figures.emergency) {
        const e = this.manager.emergency(runId);
        if (!e.ok) comparison.error ??= `run ${runId} gave no emergency figures at ${untilMs} ms`;
        else side.emergency = { ...e.result.summary.figures, closedRoadKm: closedRoadKm(side.summary, city) };
      }
      if (this.status(comparison) !== 'running') this.end(comparison);
    };
    const common = { owner, speed: 'max' as const, from: fork?.point, pauseAtMs: untilMs };
    const baseline = this.manager.createRun({ scenarioId: scenario.id, seed }, { ...common, onPaused: onPaused(comparison.baseline) });
    if (!baseline.ok) return fail(baseline.error.code, `${WHERE}: baseline run: ${baseline.error.message}`);
    const variant = this.manager.createRun({ scenarioId: scenario.id, seed }, { ...common, timeline: changes, onPaused: onPaused(comparison.variant) });
    if (!variant.ok) {
      this.manager.control(baseline.result.runId, { action: 'stop' });
      return fail(variant.error.code, `${WHERE}: variant run: ${variant.error.message}`);
    }
    comparison.baseline.runId = baseline.result.runId;
    comparison.variant.runId = variant.result.runId;
    this.comparisons.set(id, comparison);
    this.forgetOld();
    return { ok: true, result: this.result(comparison) };
  }

  /** A comparison's state and, once both runs reached untilMs, its deltas. */
  get(id: string): AnyWhatIfResult | undefined {
    const c = this.comparisons.get(id);
    return c && this.result(c);
  }

  /** Every comparison kept, newest first. */
  list(): AnyWhatIfResult[] {
    return [...this.comparisons.values()].reverse().map((c) => this.result(c));
  }

  /** "linkId: no link "x" in city …" when a place the change names is not in the city. */
  private unknownPlace(city: CityModel, params: Record<string, unknown>): string | undefined {
    const { links, nodes } = city.roads;
    for (const key of ['linkId'] as const) {
      const v = params[key];
      if (typeof v === 'string' && !links.some((l) => l.id === v)) return `${key}: no link ${JSON.stringify(v)} in city ${city.id}`;
    }
    for (const key of ['nodeId', 'fromNode', 'toNode'] as const) {
      const v = params[key];
      if (typeof v === 'string' && !nodes.some((n) => n.id === v)) return `${key}: no node ${JSON.stringify(v)} in city ${city.id}`;
    }
    return undefined;
  }

  private forgetOld(): void {
    for (const c of [...this.comparisons.values()]) {
      if (this.comparisons.size <= KEEP) break;
      if (this.status(c) !== 'running') this.comparisons.delete(c.id);
    }
  }

  /** Done when both sides reached untilMs; failed (and ended) when a side gave no figures or its run stopped or went before. */
  private status(c: Comparison): WhatIfStatus {
    if (c.error) return 'failed';
    const arrived = (side: WhatIfSide) => (!c.figures.traffic || side.summary !== null) && (!c.figures.air || side.air !== null);
    if (arrived(c.baseline) && arrived(c.variant)) return 'done';
    for (const side of [c.baseline, c.variant]) {
      if (arrived(side)) continue;
      const state = this.manager.runState(side.runId);
      if (!state) c.error = `run ${side.runId} is gone`;
      else if (state.status === 'stopped') c.error = `run ${side.runId} was stopped before it reached ${c.untilMs} ms`;
      if (c.error) {
        this.end(c);
        return 'failed';
      }
    }
    return 'running';
  }

  /** Stops the comparison's runs still open: their recordings stay, their run slots are freed. */
  private end(c: Comparison): void {
    for (const side of [c.baseline, c.variant]) {
      const state = this.manager.runState(side.runId);
      if (state && state.status !== 'stopped') this.manager.control(side.runId, { action: 'stop' });
    }
  }

  private result(c: Comparison): AnyWhatIfResult {
    const status = this.status(c);
    const at = (side: WhatIfSide) => ((c.figures.traffic ? side.summary : side.air) ? c.untilMs : Math.min(c.untilMs, Math.max(c.startMs, this.manager.runState(side.runId)?.simTimeMs ?? 0)));
    const progress = status === 'done' ? 1 : tidy((at(c.baseline) + at(c.variant) - 2 * c.startMs) / (2 * (c.untilMs - c.startMs)));
    return {
      id: c.id,
      scenarioId: c.scenarioId,
      seed: c.seed,
      fromRunId: c.fromRunId,
      startMs: c.startMs,
      untilMs: c.untilMs,
      changes: c.changes,
      status,
      progress,
      error: c.error,
      figures: { ...c.figures },
      baseline: { ...c.baseline },
      variant: { ...c.variant },
      deltas: status === 'done' ? deltas(c.baseline, c.variant) : null,
    };
  }
}

/** Variant minus baseline, of the figures both sides have. */
function deltas(b: WhatIfSide, v: WhatIfSide): WhatIfDeltas {
  const air = b.air && v.air ? airDeltas(b.air, v.air) : undefined;
  if (!b.summary || !v.summary) return air as AirDeltas;
  const emergency = b.emergency && v.emergency ? emergencyDeltas(b.emergency, v.emergency) : undefined;
  return { ...trafficDeltas(b.summary, v.summary), ...air, ...(emergency ? { emergency } : {}) };
}

/** Variant minus baseline of the emergency figures. */
function emergencyDeltas(b: EmergencyFigures, v: EmergencyFigures): EmergencyDeltas {
  const diff = (x: number | null, y: number | null): number | null => (x === null || y === null ? null : tidy(y - x));
  return {
    clearanceS: diff(b.clearanceS, v.clearanceS),
    meanResponseS: diff(b.meanResponseS, v.meanResponseS),
    peopleInAegl2: v.peopleInAegl2 - b.peopleInAegl2,
    casualties: v.casualties - b.casualties,
    closedRoadKm: tidy(v.closedRoadKm - b.closedRoadKm),
  };
}

/** Kilometres of the links the traffic summary lists as closed. */
function closedRoadKm(summary: TrafficSummary | null, city: CityModel): number {
  if (!summary) return 0;
  const length = new Map(city.roads.links.map((l) => [l.id, l.length]));
  return tidy(summary.closures.reduce((km, c) => km + (length.get(c.linkId) ?? 0) / 1000, 0));
}

/** The air figures' differences; a pollutant or substance one side has no maximum of counts 0 on that side. */
function airDeltas(b: AirSummary, v: AirSummary): AirDeltas {
  const baseMax = new Map(b.maxima.map((m) => [m.pollutant, m.value]));
  const variantMax = new Map(v.maxima.map((m) => [m.pollutant, m.value]));
  const maxConcentration: Record<string, number> = {};
  for (const pollutant of new Set([...baseMax.keys(), ...variantMax.keys()])) {
    maxConcentration[pollutant] = tidy((variantMax.get(pollutant) ?? 0) - (baseMax.get(pollutant) ?? 0));
  }
  return { meanGridAqi: tidy(v.meanGridAqi - b.meanGridAqi), maxConcentration, exposurePm25: tidy(v.exposurePm25 - b.exposurePm25) };
}

/** Variant minus baseline; origin–destination pairs by id, those of the baseline in its order. */
function trafficDeltas(b: TrafficSummary, v: TrafficSummary): TrafficDeltas {
  const variantOd = new Map(v.odTimes.map((o) => [o.id, o]));
  return {
    index: tidy(v.index - b.index),
    meanSpeedKmh: tidy(v.meanSpeedKmh - b.meanSpeedKmh),
    delayHours: tidy(v.delayHours - b.delayHours),
    vehicleHours: tidy(v.vehicleHours - b.vehicleHours),
    odTimes: b.odTimes.flatMap((o) => {
      const other = variantOd.get(o.id);
      return other ? [odTimeDelta(o, other.seconds)] : [];
    }),
  };
}

/** A pair's times in both runs: the difference when both reach, or which way its reachability went. */
function odTimeDelta(b: TrafficSummary['odTimes'][number], variantS: number | null): OdTimeDelta {
  const baselineS = b.seconds;
  const both = baselineS !== null && variantS !== null;
  const became = both || baselineS === variantS ? null : variantS === null ? 'unreachable' : 'reachable';
  return { id: b.id, name: b.name, baselineS, variantS, deltaS: both ? tidy(variantS - baselineS) : null, became };
}
