/** The master scenario events list as the director sees it: time, to whom, the message, the expected action, controller notes, delivered or pending. */
import { useTranslation } from 'react-i18next';
import { DEPARTMENT_NAMES } from '../../../server/protocol/access.ts';
import type { MselItem, Recipient } from '../../../server/protocol/drills.ts';
import { textIn } from '../shared/drillText.ts';

/** A recipient as people read it. */
export function recipientName(to: Recipient, language: string, t: (key: string) => string): string {
  return to === 'director' ? t('director.msel.director') : textIn(DEPARTMENT_NAMES[to], language);
}

/** The items; `delivered` ids are ticked, the next one due is marked. */
export function MselTable({ items, delivered }: { items: readonly MselItem[]; delivered: readonly string[] }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const next = items.find((item) => !delivered.includes(item.id))?.id ?? null;
  return (
    <table className="command-table msel" data-testid="msel-table">
      <thead>
        <tr>
          <th>{t('director.msel.id')}</th>
          <th>{t('director.msel.at')}</th>
          <th>{t('director.msel.to')}</th>
          <th>{t('director.msel.message')}</th>
          <th>{t('director.msel.expected')}</th>
          <th>{t('director.msel.notes')}</th>
          <th>{t('director.msel.state')}</th>
        </tr>
      </thead>
      <tbody>
        {items.map((item) => {
          const done = delivered.includes(item.id);
          return (
            <tr key={item.id} className={done ? 'delivered' : item.id === next ? 'next' : ''} data-msel={item.id} data-delivered={done}>
              <td>{item.id}</td>
              <td className="num">{item.at}</td>
              <td>{recipientName(item.to, lang, t)}</td>
              <td>
                {item.from && <span className="muted">{textIn(item.from, lang)}：</span>}
                {textIn(item.message, lang)}
                {item.inject && <code className="inject-kind">{item.inject.kind}</code>}
              </td>
              <td>
                {item.expected ? (
                  <>
                    {textIn(item.expected.description, lang)}
                    <span className="muted"> {t('director.msel.within', { time: item.expected.within })}</span>
                  </>
                ) : (
                  '—'
                )}
              </td>
              <td className="notes">{item.notes ? textIn(item.notes, lang) : ''}</td>
              <td className={done ? 'ok' : 'muted'}>{done ? `✓ ${t('director.msel.delivered')}` : t('director.msel.pending')}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
