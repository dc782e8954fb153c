import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { SessionStore } from '../twin/session.ts';
import { ChangePasswordForm } from './ChangePasswordForm.tsx';
import { signInErrorText } from './signInError.ts';
import { useSession } from './useSession.ts';

/**
 * Sign-in with a username and password; for an account that signed in with a one-time password, the
 * new-password form first. `onSignedIn` goes back to where the user came from.
 */
export function LoginPage({ session, onSignedIn }: { session: SessionStore; onSignedIn: () => void }) {
  const { t, i18n } = useTranslation();
  const info = useSession(session, (s) => s.info);
  const loading = useSession(session, (s) => s.loading);
  const error = useSession(session, (s) => s.error);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');

  if (info?.principal.kind === 'user' && info.mustChangePassword) {
    return (
      <div className="account-page login-page">
        <ChangePasswordForm session={session} onChanged={onSignedIn} />
      </div>
    );
  }
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (await session.signIn(username.trim(), password)) {
      setPassword('');
      if (!session.getState().info?.mustChangePassword) onSignedIn();
    }
  };
  const signedIn = info && info.principal.kind !== 'anonymous' ? info.principal.username : null;
  return (
    <div className="account-page login-page">
      <form className="panel login-card" onSubmit={(e) => void submit(e)} data-testid="login-form">
        <h2>{t('login.title')}</h2>
        <p className="muted">{t('login.hint')}</p>
        {signedIn && <p className="muted">{t('login.signedInAs', { name: signedIn })}</p>}
        <label className="field">
          <span>{t('login.username')}</span>
          <input name="username" autoComplete="username" autoFocus required value={username} onChange={(e) => setUsername(e.target.value)} />
        </label>
        <label className="field">
          <span>{t('login.password')}</span>
          <input name="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
        {error && (
          <div className="error" role="alert" data-testid="login-error">
            {signInErrorText(t, error, i18n.language)}
          </div>
        )}
        <button type="submit" className="primary" disabled={loading || username.trim() === '' || password === ''}>
          {loading ? t('login.submitting') : t('login.submit')}
        </button>
      </form>
    </div>
  );
}
