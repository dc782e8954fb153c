import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateSchema } from '../../../server/scenario/generateSchema.ts';

describe('scenarios/schema.json', () => {
  it('is up to date with the scenario schema and the engines (else run npm run scenarios:schema)', () => {
    expect(fs.readFileSync(path.resolve('scenarios/schema.json'), 'utf8')).toBe(generateSchema());
  });

  it('tells editors the engine parameters and inject kinds', () => {
    const schema = JSON.parse(generateSchema());
    expect(schema.properties.engines.properties.road_walker).toBeDefined();
    expect(schema.properties.timeline.items.properties.kind.enum).toContain('road_walker.close_link');
  });
});
