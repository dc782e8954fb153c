import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateDrillSchema } from '../../../server/scenario/generateSchema.ts';

describe('drills/schema.json', () => {
  it('is up to date with the drill file schema and the engines (else run npm run scenarios:schema)', () => {
    expect(fs.readFileSync(path.resolve('drills/schema.json'), 'utf8')).toBe(generateDrillSchema());
  });

  it('tells editors the MSEL fields and the inject kinds', () => {
    const schema = JSON.parse(generateDrillSchema());
    const item = schema.properties.msel.items;
    expect(Object.keys(item.properties)).toEqual(['id', 'at', 'to', 'from', 'message', 'inject', 'expected', 'notes']);
    expect(item.properties.inject.properties.kind.enum).toContain('emergency.fire');
  });
});
