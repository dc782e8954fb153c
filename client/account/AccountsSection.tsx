import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Account, Department, Role } from '../../server/protocol/access.ts';
import { fetchJson } from '../twin/http.ts';
import { AdminSection } from './AdminSection.tsx';
import { AdminTable } from './AdminTable.tsx';
import { CreateAccountForm, type NewAccount } from './CreateAccountForm.tsx';
import { formatShanghai } from './formatTime.ts';
import { OneTimeSecret } from './OneTimeSecret.tsx';
import { DepartmentSelect, RoleSelect } from './selects.tsx';
import { useResource } from './useResource.ts';

const readAccounts = (body: unknown): Account[] => (body as { accounts: Account[] }).accounts;
const accountUrl = (username: string) => `/api/users/${encodeURIComponent(username)}`;

/** The accounts table: create (a one-time password shown once), change role and department, disable or enable, reset the password. */
export function AccountsSection({ self }: { self: string | null }) {
  const { t, i18n } = useTranslation();
  const { data: accounts, error, act } = useResource('/api/users', readAccounts);
  const [secret, setSecret] = useState<{ username: string; password: string } | null>(null);

  const create = async (account: NewAccount) => {
    const answer = (await act(() => fetchJson('/api/users', account))) as { oneTimePassword?: string } | null;
    if (answer?.oneTimePassword) setSecret({ username: account.username, password: answer.oneTimePassword });
    return answer !== null;
  };
  const update = (username: string, change: { role?: Role; department?: Department | null; disabled?: boolean }) =>
    void act(() => fetchJson(accountUrl(username), change, undefined, 'PATCH'));
  const reset = async (username: string) => {
    if (!window.confirm(t('admin.accounts.confirmReset', { username }))) return;
    const answer = (await act(() => fetchJson(`${accountUrl(username)}/reset`, undefined, undefined, 'POST'))) as { oneTimePassword: string } | null;
    if (answer) setSecret({ username, password: answer.oneTimePassword });
  };
  const status = (a: Account): string => {
    if (a.disabled) return t('admin.accounts.disabled');
    if (a.lockedUntil && Date.parse(a.lockedUntil) > Date.now()) return t('admin.accounts.lockedUntil', { time: formatShanghai(a.lockedUntil, i18n.language) });
    return a.mustChangePassword ? t('admin.accounts.mustChange') : t('admin.accounts.active');
  };

  return (
    <AdminSection title={t('admin.accounts.title')} error={error} testId="accounts">
      <CreateAccountForm onCreate={create} />
      {secret && (
        <OneTimeSecret
          title={t('admin.accounts.oneTimeFor', { username: secret.username })}
          items={[{ label: t('admin.accounts.oneTimePassword'), value: secret.password }]}
          onDone={() => setSecret(null)}
        />
      )}
      <AdminTable columns={[t('login.username'), t('admin.accounts.role'), t('admin.accounts.department'), t('admin.accounts.status'), t('admin.accounts.lastSignIn'), t('admin.actions')]}>
        {(accounts ?? []).map((a) => (
          <tr key={a.username} className={a.disabled ? 'off' : ''}>
            <td>{a.username}</td>
            <td>
              <RoleSelect value={a.role} label={t('admin.accounts.roleOf', { username: a.username })} onChange={(role) => update(a.username, { role })} />
            </td>
            <td>
              <DepartmentSelect value={a.department} label={t('admin.accounts.departmentOf', { username: a.username })} onChange={(department) => update(a.username, { department })} />
            </td>
            <td>{status(a)}</td>
            <td>{a.lastSignInAt ? formatShanghai(a.lastSignInAt, i18n.language) : '—'}</td>
            <td className="actions">
              {a.username !== self && (
                <button type="button" className="link" onClick={() => update(a.username, { disabled: !a.disabled })}>
                  {a.disabled ? t('admin.accounts.enable') : t('admin.accounts.disable')}
                </button>
              )}
              <button type="button" className="link" onClick={() => void reset(a.username)}>
                {t('admin.accounts.reset')}
              </button>
            </td>
          </tr>
        ))}
      </AdminTable>
    </AdminSection>
  );
}
