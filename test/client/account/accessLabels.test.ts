import { describe, expect, it } from 'vitest';
import { accessLabel, granteeName, roleName } from '../../../client/account/accessLabels.ts';
import { DATA_LAYERS } from '../../../server/protocol/access.ts';
import { translator } from './fixtures.ts';

const stations = DATA_LAYERS['environment.stations'];

describe('the access matrix’s cells', () => {
  const zh = translator('zh-CN');
  const english = translator('en');

  it('say full, none, or which fields are masked, by the layer’s field names', () => {
    expect(accessLabel(zh, { access: 'full' }, stations, 'zh')).toBe('全部');
    expect(accessLabel(zh, { access: 'none' }, stations, 'zh')).toBe('无');
    expect(accessLabel(zh, { access: 'masked', masked: ['sources', 'readings'] }, stations, 'zh')).toBe('部分（隐去：站点原始浓度读数、排放源强度）');
    expect(accessLabel(english, { access: 'full' }, stations, 'en')).toBe('Full');
    expect(accessLabel(english, { access: 'none' }, stations, 'en')).toBe('None');
    expect(accessLabel(english, { access: 'masked', masked: ['readings', 'sources'] }, stations, 'en')).toBe('Masked: Raw station concentrations, Emission source rates');
  });

  it('show a field the layer does not know as it is', () => {
    expect(accessLabel(zh, { access: 'masked', masked: ['plates'] }, stations, 'zh')).toBe('部分（隐去：plates）');
  });

  it('name grantees and roles in the UI language', () => {
    expect(granteeName(zh, { kind: 'role', id: 'planner' }, 'zh')).toBe('角色：规划分析');
    expect(granteeName(english, { kind: 'department', id: 'health' }, 'en')).toBe('Department: Health commission');
    expect(roleName('auditor', 'zh')).toBe('审计员');
    expect(roleName('system', 'en')).toBe('system');
  });
});
