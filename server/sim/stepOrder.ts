import type { Engine } from './Engine.ts';

/**
 * The order a run's engines step in: every engine after the publishers of the outputs it reads,
 * otherwise in registration order (so the order never depends on names). Reads of outputs no engine
 * publishes are ignored (the reader gets undefined); a cycle is an error naming its engines.
 */
export function stepOrder(engines: readonly Engine[], publisherOf: (outputId: string) => Engine | undefined, where: string): Engine[] {
  const order: Engine[] = [];
  const state = new Map<Engine, 'visiting' | 'done'>();
  const visit = (engine: Engine, path: Engine[]): void => {
    const s = state.get(engine);
    if (s === 'done') return;
    if (s === 'visiting') {
      const cycle = [...path.slice(path.indexOf(engine)), engine].map((e) => e.name).join(' → ');
      throw new Error(`${where}: engines read each other's outputs in a cycle (${cycle}); send a command one way instead`);
    }
    state.set(engine, 'visiting');
    for (const id of engine.reads ?? []) {
      const publisher = publisherOf(id);
      if (publisher && publisher !== engine) visit(publisher, [...path, engine]);
    }
    state.set(engine, 'done');
    order.push(engine);
  };
  for (const engine of engines) visit(engine, []);
  return order;
}
