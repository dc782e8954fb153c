import type { AttrReader } from './readSumoNet.ts';

/** A turning movement from one link to another (a SUMO <connection> between normal edges). */
export interface SumoConnection {
  from: string;
  to: string;
  /** Lane numbers among the links' car lanes, 0 = kerb. */
  fromLane: number;
  toLane: number;
  /** SUMO's direction: s straight, r right, l left, t turnaround, R/L partly right/left. */
  dir: string;
  /** SUMO's right of way without signals (M major, m minor, o/O off, =…). */
  state: string;
  /** The traffic light that controls it, and its index in the light's phase states. */
  tl?: string;
  linkIndex?: number;
}

export interface SumoPhase {
  durationS: number;
  /** One character per controlled movement: G/g green, y amber, r red, … */
  state: string;
}

/** A junction's traffic-light program. */
export interface SumoSignal {
  nodeId: string;
  tlId: string;
  programId: string;
  /** static, actuated, delay_based, …: only the phases' durations are used. */
  type: string;
  offsetS: number;
  cycleS: number;
  phases: SumoPhase[];
  /** Seconds of green per cycle of each approach (incoming link), for its straight movements (all, if none is straight). */
  greenS: Record<string, number>;
  /** The approach whose green comes first in the program: the engine's phase 0. */
  firstApproach: string;
  /**
   * The plan as the engine takes it (scenario `signalPlans`): the cycle, and the greens of the
   * first approach and of the approaches whose green never overlaps it. Absent when the program
   * has no such conflicting approach (the engine then derives a plan).
   */
  plan?: { nodeId: string; cycleS: number; greenSplits: [number, number] };
}

export type TlLogicXml = Record<string, string | undefined> & { phase?: Record<string, string | undefined>[] };

const GREEN = /[Gg]/;

/**
 * The traffic-light programs (tlLogic) of a network, one SumoSignal per junction they control;
 * a second program of the same light is reported in `skipped` (the first one is used).
 */
export function readSignals(
  tlLogics: TlLogicXml[],
  connections: SumoConnection[],
  nodeOfLink: (edge: string) => string | undefined,
  read: AttrReader,
  skipped: { element: string; id: string; reason: string }[],
): SumoSignal[] {
  const byTl = new Map<string, SumoConnection[]>();
  for (const c of connections) if (c.tl !== undefined) (byTl.get(c.tl) ?? byTl.set(c.tl, []).get(c.tl)!).push(c);
  const seen = new Set<string>();
  const signals: SumoSignal[] = [];
  for (const tl of tlLogics) {
    const tlId = read.id('<tlLogic>', tl);
    const programId = tl.programID ?? '0';
    const where = `<tlLogic id="${tlId}" programID="${programId}">`;
    if (seen.has(tlId)) {
      skipped.push({ element: 'tlLogic', id: `${tlId}/${programId}`, reason: 'a second program of the same light: the first one is used' });
      continue;
    }
    seen.add(tlId);
    const phases = (tl.phase ?? []).map((p, i): SumoPhase => {
      const state = p.state ?? '';
      if (!/^[GgyrsuoO]+$/.test(state)) read.fail(`${where} <phase> ${i}: state: expected letters of GgyrsuoO, got "${state}"`);
      return { durationS: read.number(`${where} <phase> ${i}`, p, 'duration', { positive: true }), state };
    });
    if (phases.length === 0) read.fail(`${where} has no <phase>`);
    const cycleS = phases.reduce((s, p) => s + p.durationS, 0);
    const offsetS = tl.offset === undefined ? 0 : read.number(where, tl, 'offset');

    // One signal per junction the light controls (a joined light controls several).
    const byNode = new Map<string, SumoConnection[]>();
    for (const c of byTl.get(tlId) ?? []) {
      const node = nodeOfLink(c.from);
      if (node === undefined) continue;
      if (c.linkIndex! >= phases[0].state.length) {
        read.fail(`<connection from="${c.from}" to="${c.to}">: linkIndex: ${c.linkIndex} is beyond the ${phases[0].state.length} movements the phases of ${where} give states for`);
      }
      (byNode.get(node) ?? byNode.set(node, []).get(node)!).push(c);
    }
    if (byNode.size === 0) {
      skipped.push({ element: 'tlLogic', id: tlId, reason: 'controls no movement between edges that were kept' });
      continue;
    }
    for (const [nodeId, movements] of byNode) {
      const greenPhases = new Map<string, Set<number>>();
      for (const approach of new Set(movements.map((c) => c.from))) {
        const own = movements.filter((c) => c.from === approach);
        const main = own.some((c) => c.dir === 's') ? own.filter((c) => c.dir === 's') : own;
        const green = new Set<number>();
        phases.forEach((p, i) => {
          if (main.some((c) => GREEN.test(p.state[c.linkIndex!]))) green.add(i);
        });
        greenPhases.set(approach, green);
      }
      const greenS: Record<string, number> = {};
      for (const [approach, set] of greenPhases) greenS[approach] = [...set].reduce((s, i) => s + phases[i].durationS, 0);
      const firstGreen = (a: string) => Math.min(...greenPhases.get(a)!, Infinity);
      const firstApproach = [...greenPhases.keys()].reduce((best, a) => (firstGreen(a) < firstGreen(best) ? a : best));
      const mine = greenPhases.get(firstApproach)!;
      const conflicting = [...greenPhases].filter(([, set]) => set.size > 0 && ![...set].some((i) => mine.has(i))).map(([a]) => greenS[a]);
      const signal: SumoSignal = { nodeId, tlId, programId, type: tl.type ?? 'static', offsetS, cycleS, phases, greenS, firstApproach };
      if (conflicting.length > 0 && greenS[firstApproach] > 0) {
        signal.plan = { nodeId, cycleS, greenSplits: [greenS[firstApproach], Math.max(...conflicting)] };
      } else {
        skipped.push({ element: 'tlLogic', id: `${tlId} at junction ${nodeId}`, reason: 'no two approaches with separate greens: the engine derives the plan' });
      }
      signals.push(signal);
    }
  }
  return signals;
}

/** The engine's signal plans (scenario `engines.traffic.signalPlans`) from a network's programs. */
export function engineSignalPlans(signals: readonly SumoSignal[]): { nodeId: string; cycleS: number; greenSplits: number[] }[] {
  return signals.flatMap((s) => (s.plan ? [{ nodeId: s.plan.nodeId, cycleS: s.plan.cycleS, greenSplits: [...s.plan.greenSplits] }] : []));
}
