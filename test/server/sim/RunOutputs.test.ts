import { describe, expect, it } from 'vitest';
import { createLinkState, type LinkState } from '../../../server/protocol/LinkState.ts';
import type { Engine, EngineContext, InjectResult } from '../../../server/sim/Engine.ts';
import type { OutputDeclaration } from '../../../server/sim/outputs.ts';
import { Run } from '../../../server/sim/Run.ts';
import { gridCity } from './gridCity.ts';

const city = gridCity(3);
const MIN = 60_000;

/** Publishes per-link "flow" that grows each step; a `close` inject zeroes a link for good. */
class Producer implements Engine {
  readonly injects: string[];
  readonly publishes: OutputDeclaration[];
  private state!: LinkState;
  private closed = new Set<number>();
  steps = 0;
  constructor(readonly name = 'producer') {
    this.publishes = [{ id: `${name}.links`, kind: 'links' }];
    this.injects = [`${name}.close`];
  }
  init(ctx: EngineContext): void {
    this.state = createLinkState(ctx.city.roads.links.length);
  }
  step(): void {
    this.steps++;
    for (let k = 0; k < this.state.count; k++) this.state.flow[k] = this.closed.has(k) ? 0 : this.steps * (k + 1);
  }
  output(): LinkState {
    return this.state;
  }
  snapshot(): unknown {
    return { steps: this.steps, closed: [...this.closed] };
  }
  restore(s: unknown): void {
    const snap = s as { steps: number; closed: number[] };
    this.steps = snap.steps;
    this.closed = new Set(snap.closed);
    this.step();
    this.steps--;
  }
  applyInject(_kind: string, params: unknown): InjectResult {
    this.closed.add((params as { link: number }).link);
    return { ok: true };
  }
  dispose(): void {}
}

/** Sums what it reads of the producer each step; past a threshold it commands the producer to close link 0. */
class Consumer implements Engine {
  readonly injects: string[] = [];
  readonly publishes: OutputDeclaration[] = [];
  readonly reads: string[];
  seen: number[] = [];
  total = 0;
  private ctx!: EngineContext;
  constructor(
    readonly name = 'consumer',
    private readonly source = 'producer.links',
    private readonly closeAbove = Infinity,
  ) {
    this.reads = [source];
  }
  init(ctx: EngineContext): void {
    this.ctx = ctx;
  }
  step(): void {
    const links = this.ctx.read(this.source, 'links');
    const flow = links ? links.flow[0] : -1;
    this.seen.push(flow);
    this.total += flow;
    if (flow > this.closeAbove) this.ctx.command('producer.close', { link: 0 });
  }
  output(): never {
    throw new Error('Consumer publishes nothing');
  }
  snapshot(): unknown {
    return { total: this.total };
  }
  restore(s: unknown): void {
    this.total = (s as { total: number }).total;
  }
  applyInject(): InjectResult {
    return { ok: true };
  }
  dispose(): void {}
}

function run(...engines: Engine[]): Run {
  const r = new Run({ city, seed: 1, startEpochMs: 0, durationMs: 10 * MIN, stepMs: 1000, checkpointEveryMs: MIN });
  for (const e of engines) r.register(e);
  return r;
}

describe('Run: engines that share one run', () => {
  it('steps a reader after the publisher it reads, whatever the registration order, and hands it this step\'s output', () => {
    const consumer = new Consumer('a_consumer');
    const r = run(consumer, new Producer());
    for (let i = 0; i < 3; i++) r.stepOnce();
    // Flow of link 0 is the step count: read after the producer stepped, it is 1, 2, 3 (not 0, 1, 2).
    expect(consumer.seen).toEqual([1, 2, 3]);
  });

  it('gives undefined for an output no engine of the run publishes', () => {
    const consumer = new Consumer('consumer', 'nobody.links');
    const r = run(consumer);
    r.stepOnce();
    expect(consumer.seen).toEqual([-1]);
  });

  it('refuses a read the engine did not declare, an output published twice, and a read cycle', () => {
    class Sneaky extends Consumer {
      override step(): void {
        (this as unknown as { ctx: EngineContext }).ctx.read('producer.links', 'links');
      }
    }
    const sneaky = new Sneaky('sneaky', 'other.links');
    const r = run(new Producer(), sneaky);
    expect(() => r.stepOnce()).toThrow(/sneaky" reads output "producer.links" without declaring it/);
    const twin = new Producer('twin');
    twin.publishes[0].id = 'p.links';
    expect(() => run(new Producer('p'), twin)).toThrow(/output "p.links" is published by both "p" and "twin"/);
    class Both extends Consumer {
      override readonly publishes: OutputDeclaration[];
      constructor(name: string, source: string) {
        super(name, source);
        this.publishes = [{ id: `${name}.links`, kind: 'links' }];
      }
    }
    const cyclic = run(new Both('x', 'y.links'), new Both('y', 'x.links'));
    expect(() => cyclic.stepOnce()).toThrow(/cycle \(x → y → x\)/);
  });

  it('applies a command after the step, and a seek back re-simulates it to the same states', () => {
    const producer = new Producer();
    const consumer = new Consumer('consumer', 'producer.links', 4);
    const r = run(producer, consumer);
    for (let i = 0; i < 8; i++) r.stepOnce();
    // Step 5 sees flow 5 > 4 and commands the close; from step 6 on link 0 carries nothing.
    expect(consumer.seen).toEqual([1, 2, 3, 4, 5, 0, 0, 0]);
    const events = r.drainEvents().filter((e) => e.type === 'command');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ timeMs: 5000, from: 'consumer', kind: 'producer.close', result: { ok: true } });
    // No inject was added to the timeline: the command is part of the engines' behaviour.
    expect(r.injects()).toEqual([]);
    const totalAt8 = consumer.total;
    for (let i = 0; i < 70; i++) r.stepOnce();
    r.seek(8000);
    expect(consumer.total).toBe(totalAt8);
  });

  it('lists outputs by kind and merges no objects when none are published', () => {
    const r = run(new Producer(), new Consumer());
    expect(r.outputs()).toEqual([{ id: 'producer.links', kind: 'links', engine: 'producer' }]);
    expect(r.outputs('grids')).toEqual([]);
    expect(r.output('producer.links', 'grids')).toBeUndefined();
    expect(r.firstOutput('links')?.count).toBe(city.roads.links.length);
    expect(r.objects().count).toBe(0);
  });
});
