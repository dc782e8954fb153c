/** A drill's timeline as a list, newest first: when, what kind, who and what (the director's live log and the review's record). */
import { useTranslation } from 'react-i18next';
import { DEPARTMENT_NAMES } from '../../../server/protocol/access.ts';
import type { TimelineEntry } from '../../../server/protocol/drills.ts';
import { formatOffset, textIn } from './drillText.ts';

/** Who did it as people read it: a department's name, else the user name ("system" as 系统). */
export function actorLabel(entry: TimelineEntry, language: string, t: (key: string) => string): string {
  const department = entry.department ? textIn(DEPARTMENT_NAMES[entry.department], language) : null;
  const actor = entry.actor === 'system' ? t('command.system') : entry.actor;
  return department && department !== actor ? `${actor}（${department}）` : actor;
}

/** The entries, newest first (`order` 'oldest' for a printed record). */
export function TimelineList({ entries, order = 'newest', testId }: { entries: readonly TimelineEntry[]; order?: 'newest' | 'oldest'; testId?: string }) {
  const { t, i18n } = useTranslation();
  const shown = order === 'newest' ? [...entries].reverse() : entries;
  if (shown.length === 0) return <p className="muted">{t('command.timelineEmpty')}</p>;
  return (
    <ol className="drill-timeline" data-testid={testId}>
      {shown.map((e) => (
        <li key={e.seq} className={`entry ${e.kind}`} data-kind={e.kind}>
          <span className="when">{formatOffset(e.simTimeMs)}</span>
          <span className={`kind ${e.kind}`}>{t(`command.kind.${e.kind}`)}</span>
          <span className="who">{actorLabel(e, i18n.language, t)}</span>
          <span className="what">
            {e.mselId && !textIn(e.text, i18n.language).includes(e.mselId) && <b>{e.mselId} </b>}
            {textIn(e.text, i18n.language)}
          </span>
        </li>
      ))}
    </ol>
  );
}
