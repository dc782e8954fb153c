import type { RoadLink } from '../CityModel.ts';
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
  /**
   * The plan as the engine takes it (scenario `signalPlans`): the cycle, and the greens of the
   * approach axis nearest north–south and of the other axis (the longest green of each). Absent
   * when the junction's approaches are not on two axes that both get green.
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
      signals.push({ nodeId, tlId, programId, type: tl.type ?? 'static', offsetS, cycleS, phases, greenS });
    }
  }
  return signals;
}

/**
 * The engine's plan of a signal: it serves a junction's approaches in two phases by axis, the
 * axis nearest north–south first (as scenario greenSplits are given), and the axis of an approach
 * is the heading of its link's last segment. Each phase gets the longest SUMO green of its
 * approaches; undefined when one axis has no approach or no green.
 */
export function axisPlan(signal: SumoSignal, linkOf: (id: string) => RoadLink | undefined): SumoSignal['plan'] {
  const axes = Object.keys(signal.greenS).map((id) => {
    const g = linkOf(id)!.geometry;
    const [[x0, y0], [x1, y1]] = [g[g.length - 2], g[g.length - 1]];
    const heading = (Math.atan2(x1 - x0, y1 - y0) + 2 * Math.PI) % (2 * Math.PI);
    return { id, axis: heading % Math.PI };
  });
  const offNorth = (a: number) => Math.min(a, Math.PI - a);
  const ref = axes.reduce((best, a) => (offNorth(a.axis) < offNorth(best.axis) || (offNorth(a.axis) === offNorth(best.axis) && a.axis < best.axis) ? a : best));
  const greens: [number, number] = [0, 0];
  for (const a of axes) {
    const d = Math.abs(a.axis - ref.axis);
    const phase = Math.min(d, Math.PI - d) < Math.PI / 4 ? 0 : 1;
    greens[phase] = Math.max(greens[phase], signal.greenS[a.id]);
  }
  return greens[0] > 0 && greens[1] > 0 ? { nodeId: signal.nodeId, cycleS: signal.cycleS, greenSplits: greens } : undefined;
}

/** The engine's signal plans (scenario `engines.traffic.signalPlans`) from a network's programs. */
export function engineSignalPlans(signals: readonly SumoSignal[]): { nodeId: string; cycleS: number; greenSplits: number[] }[] {
  return signals.flatMap((s) => (s.plan ? [{ nodeId: s.plan.nodeId, cycleS: s.plan.cycleS, greenSplits: [...s.plan.greenSplits] }] : []));
}
