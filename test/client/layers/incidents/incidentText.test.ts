import { describe, expect, it } from 'vitest';
import { en, zhCN } from '../../../../client/app/locales.ts';
import { alertText, levelBadge, timelineText, unitStatus } from '../../../../client/layers/incidents/incidentText.ts';
import { RESPONSE_LEVEL_INFO, RESPONSE_LEVELS } from '../../../../server/protocol/responseLevels.ts';
import { RAIN_WARNINGS } from '../../../../server/protocol/FloodSummary.ts';
import type { AlertEvent } from '../../../../server/protocol/events.ts';
import { fire, summary, translator, unit } from './fixtures.ts';

/** Every timeline key the emergency engine writes. */
const TIMELINE_KEYS = ['started.fire', 'started.chemical', 'started.flood', 'dispatched', 'onScene', 'toHospital', 'atHospital', 'levelRaised', 'contained', 'closed', 'spread', 'spreadFrom', 'warning', 'evacuationOrdered', 'shelterOrdered'];

const lookup = (resources: object, key: string): unknown => key.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), resources);

describe('how the incidents layer words things', () => {
  const zh = translator('zh-CN');
  const english = translator('en');

  it('names levels I–IV as the national rules do, in both languages', () => {
    expect(RESPONSE_LEVELS.map((l) => zhCN.incidents.levelName[l])).toEqual(RESPONSE_LEVELS.map((l) => RESPONSE_LEVEL_INFO[l].name.zh));
    expect(RESPONSE_LEVELS.map((l) => en.incidents.levelName[l])).toEqual(RESPONSE_LEVELS.map((l) => RESPONSE_LEVEL_INFO[l].name.en));
    expect(levelBadge(zh, 'II')).toBe('II 级 · 重大');
    expect(levelBadge(english, 'IV')).toBe('Level IV · General');
  });

  it('has a sentence for every timeline entry and alert the server sends, in both languages', () => {
    for (const key of TIMELINE_KEYS) {
      expect(typeof lookup(zhCN, `emergency.timeline.${key}`), key).toBe('string');
      expect(typeof lookup(en, `emergency.timeline.${key}`), key).toBe('string');
    }
    for (const key of ['alert.incident.fire', 'alert.incident.chemical', 'alert.incident.flood', 'alert.levelRaised', ...RAIN_WARNINGS.map((w) => `alert.rainWarning.${w}`)]) {
      expect(typeof lookup(zhCN, key), key).toBe('string');
      expect(typeof lookup(en, key), key).toBe('string');
    }
  });

  it('puts the timeline’s parameters in the reader’s language', () => {
    const inc = fire();
    const s = summary();
    const lines = inc.timeline.map((e) => timelineText(zh, e, inc, s, true));
    expect(lines).toEqual([
      '接警：恒大锦绣江南1号楼 火灾',
      '调派 U001（消防车）自西区消防救援站出发，预计 1.2 分钟到达',
      'U001（消防车）到达现场，用时 1.1 分钟',
      'U003 载 1 名伤员前往平顶山市第一人民医院',
      'U003 将 1 名伤员送达平顶山市第一人民医院',
      '响应级别升至 III 级 · 较大',
    ]);
    expect(timelineText(english, inc.timeline[1], inc, s, false)).toBe('U001 (Fire engine) sent from West Fire Station, ETA 1.2 min');
    expect(timelineText(english, inc.timeline[4], inc, s, false)).toBe("U003 brought 1 patients to Pingdingshan First People's Hospital");
    expect(timelineText(zh, { simTimeMs: 0, key: 'warning', params: { warning: 'red' } }, inc, s, true)).toBe('气象部门发布暴雨红色预警');
    expect(timelineText(zh, { simTimeMs: 0, key: 'something.new', params: {} }, inc, s, true)).toBe('something.new');
  });

  it('says where a unit is: its ETA counted down by the sim clock, or its state', () => {
    const u = unit('U002', 'enRoute', { dispatchedAtMs: 0, etaS: 600 });
    expect(unitStatus(zh, u, 0)).toBe('预计 10 分钟');
    expect(unitStatus(zh, u, 300_000)).toBe('预计 5 分钟');
    expect(unitStatus(zh, u, 590_000)).toBe('即将到达');
    expect(unitStatus(zh, unit('U001', 'onScene'), 0)).toBe('已到达');
    expect(unitStatus(english, u, 0)).toBe('ETA 10 min');
  });

  it('words an alert with the incident’s name and level in the reader’s language', () => {
    const event: AlertEvent = { type: 'alert', runId: 'r', simTimeMs: 0, alertId: 'a', severity: 'critical', source: 'emergency', messageKey: 'alert.levelRaised', params: { incidentId: 'INC-002', name: '氯气泄漏', nameEn: 'Chlorine release', level: 'I' } };
    expect(alertText(zh, event, true)).toBe('响应升级：氯气泄漏 升至 I 级 · 特别重大');
    expect(alertText(english, event, false)).toBe('Response raised: Chlorine release now Level I · Extremely serious');
    expect(alertText(zh, { ...event, source: 'environment', messageKey: 'alert.rainWarning.red', params: { rainMm: 118 } }, true)).toBe('暴雨红色预警：累计雨量 118 毫米');
  });
});
