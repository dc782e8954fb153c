import { createObjectState, type ObjectState } from '../protocol/ObjectState.ts';

/**
 * Merges several engines' objects into one state sorted by id (into `into` when it is big enough,
 * else into a new state). Engines must use disjoint ids; a shared id is a bug and throws.
 */
export function mergeObjectStates(states: readonly ObjectState[], into?: ObjectState): ObjectState {
  let total = 0;
  for (const s of states) total += s.count;
  const out = into && into.id.length >= total ? into : createObjectState(Math.max(total, 16));
  const order: [number, number][] = [];
  states.forEach((s, k) => {
    for (let i = 0; i < s.count; i++) order.push([k, i]);
  });
  order.sort((a, b) => states[a[0]].id[a[1]] - states[b[0]].id[b[1]]);
  order.forEach(([k, i], j) => {
    const s = states[k];
    if (j > 0 && out.id[j - 1] === s.id[i]) throw new Error(`mergeObjectStates: two engines use object id ${s.id[i]}`);
    out.id[j] = s.id[i];
    out.x[j] = s.x[i];
    out.y[j] = s.y[i];
    out.heading[j] = s.heading[i];
    out.speed[j] = s.speed[i];
    out.kind[j] = s.kind[i];
    out.flags[j] = s.flags[i];
  });
  out.count = total;
  return out;
}
