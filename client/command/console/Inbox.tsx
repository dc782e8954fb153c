/**
 * The department's inbox: the MSEL and ad-hoc messages addressed to it, newest first, unread ones
 * marked until opened. The expected action is shown only to exercise controllers (`showExpected`):
 * operators are tested on knowing their plan, so they never see it.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DrillMessage } from '../drill/DrillClient.ts';
import { formatOffset, textIn } from '../shared/drillText.ts';
import { messageKey } from './consoleActions.ts';

export function Inbox({ messages, showExpected }: { messages: readonly DrillMessage[]; showExpected: boolean }) {
  const { t, i18n } = useTranslation();
  const [read, setRead] = useState<ReadonlySet<string>>(new Set());
  const unread = messages.filter((m) => !read.has(messageKey(m))).length;
  const markAll = () => setRead(new Set(messages.map(messageKey)));
  return (
    <div className="panel inbox" data-testid="inbox">
      <h2>
        {t('console.inbox.title')}
        {unread > 0 && <span className="unread-count">{unread}</span>}
        {unread > 0 && (
          <button type="button" className="link" onClick={markAll}>
            {t('console.inbox.markAll')}
          </button>
        )}
      </h2>
      {messages.length === 0 && <p className="muted">{t('console.inbox.empty')}</p>}
      <ol className="messages">
        {messages.map((m) => {
          const key = messageKey(m);
          const isUnread = !read.has(key);
          return (
            <li key={key} className={isUnread ? 'unread' : ''} data-msel={m.id}>
              <button type="button" className="message" onClick={() => setRead((r) => new Set([...r, key]))} aria-label={isUnread ? t('console.inbox.unread') : undefined}>
                <span className="head">
                  <span className="when">{formatOffset(m.simTimeMs)}</span>
                  <span className="from">{m.from ? textIn(m.from, i18n.language) : t('console.inbox.fromDirector')}</span>
                  <span className="id">{m.id}</span>
                </span>
                <span className="body">{textIn(m.message, i18n.language)}</span>
                {showExpected && m.expected && (
                  <span className="hint">
                    {t('console.inbox.expected', { action: textIn(m.expected.description, i18n.language), within: m.expected.within })}
                  </span>
                )}
              </button>
            </li>
          );
        })}
      </ol>
    </div>
  );
}
