import { describe, expect, it } from 'vitest';
import { createRng } from '../../../server/sim/random.ts';

const draw = (rng: { next(): number }, n: number): number[] => Array.from({ length: n }, () => rng.next());

describe('createRng', () => {
  it('gives the same stream for the same seed and a different one for another seed', () => {
    expect(draw(createRng(7), 5)).toEqual(draw(createRng(7), 5));
    expect(draw(createRng(7), 5)).not.toEqual(draw(createRng(8), 5));
  });

  it('continues exactly from a saved state, as a checkpoint restore needs', () => {
    const rng = createRng(123);
    draw(rng, 10);
    const saved = rng.getState();
    const after = draw(rng, 5);
    draw(rng, 100);
    rng.setState(saved);
    expect(draw(rng, 5)).toEqual(after);
  });

  it('forks streams that do not depend on how much the parent drew', () => {
    const a = createRng(5);
    const b = createRng(5);
    draw(b, 50);
    expect(draw(a.fork('road_walker'), 5)).toEqual(draw(b.fork('road_walker'), 5));
    expect(draw(a.fork('road_walker'), 5)).not.toEqual(draw(a.fork('other'), 5));
  });
});
