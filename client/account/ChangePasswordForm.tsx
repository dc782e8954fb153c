import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Password } from '../../server/protocol/access.ts';
import { HttpError } from '../twin/http.ts';
import type { SessionStore } from '../twin/session.ts';
import { useSession } from './useSession.ts';

/** The shortest new password the server takes (ChangePasswordRequest). */
export const MIN_PASSWORD_LENGTH = 10;

/** Sets a new password in place of a one-time one: current, new, and the new again. */
export function ChangePasswordForm({ session, onChanged }: { session: SessionStore; onChanged: () => void }) {
  const { t } = useTranslation();
  const loading = useSession(session, (s) => s.loading);
  const error = useSession(session, (s) => s.error);
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  let problem: string | null = null;
  // The server's own rule (length and kinds of characters), checked as the user types.
  if (next !== '' && !Password.safeParse(next).success) problem = t('login.tooShort', { count: MIN_PASSWORD_LENGTH });
  else if (next !== '' && next === current) problem = t('login.sameAsCurrent');
  else if (confirm !== '' && confirm !== next) problem = t('login.mismatch');

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (await session.changePassword(current, next)) onChanged();
  };
  return (
    <form className="panel login-card" onSubmit={(e) => void submit(e)} data-testid="change-password-form">
      <h2>{t('login.changeTitle')}</h2>
      <p className="muted">{t('login.changeHint')}</p>
      <label className="field">
        <span>{t('login.current')}</span>
        <input type="password" autoComplete="current-password" required value={current} onChange={(e) => setCurrent(e.target.value)} />
      </label>
      <label className="field">
        <span>{t('login.next')}</span>
        <input type="password" autoComplete="new-password" required minLength={MIN_PASSWORD_LENGTH} value={next} onChange={(e) => setNext(e.target.value)} />
      </label>
      <label className="field">
        <span>{t('login.confirm')}</span>
        <input type="password" autoComplete="new-password" required value={confirm} onChange={(e) => setConfirm(e.target.value)} />
      </label>
      {(problem ?? error) && (
        <div className="error" role="alert">
          {problem ?? (error instanceof HttpError && error.code === 'bad_credentials' ? t('login.wrongCurrent') : t('login.changeFailed', { message: error?.message }))}
        </div>
      )}
      <button type="submit" className="primary" disabled={loading || problem !== null || current === '' || next === '' || confirm !== next}>
        {t('login.change')}
      </button>
    </form>
  );
}
