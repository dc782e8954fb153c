import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ROLES, USERNAME } from '../../server/protocol/access.ts';
import type { Department, Role } from '../../server/protocol/access.ts';
import { MIN_PASSWORD_LENGTH } from './ChangePasswordForm.tsx';
import { DepartmentSelect, RoleSelect } from './selects.tsx';

export interface NewAccount {
  username: string;
  role: Role;
  department: Department | null;
  /** Omitted: the server makes a one-time password and answers it once. */
  password?: string;
}

/** A new account: username, role, department (operators need one), and a password or none (a one-time one is made). */
export function CreateAccountForm({ onCreate }: { onCreate: (account: NewAccount) => Promise<boolean> }) {
  const { t } = useTranslation();
  const [username, setUsername] = useState('');
  const [role, setRole] = useState<Role>(ROLES[0]);
  const [department, setDepartment] = useState<Department | null>(null);
  const [password, setPassword] = useState('');
  let problem: string | null = null;
  if (username !== '' && !USERNAME.test(username)) problem = t('admin.accounts.badUsername');
  else if (password !== '' && password.length < MIN_PASSWORD_LENGTH) problem = t('login.tooShort', { count: MIN_PASSWORD_LENGTH });
  else if (role === 'operator' && department === null) problem = t('admin.accounts.needsDepartment');

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (await onCreate({ username, role, department, ...(password === '' ? {} : { password }) })) {
      setUsername('');
      setPassword('');
    }
  };
  return (
    <form className="admin-form" onSubmit={(e) => void submit(e)} data-testid="create-account">
      <input aria-label={t('login.username')} placeholder={t('login.username')} value={username} onChange={(e) => setUsername(e.target.value.toLowerCase())} />
      <RoleSelect value={role} onChange={setRole} />
      <DepartmentSelect value={department} onChange={setDepartment} />
      <input type="password" autoComplete="new-password" aria-label={t('login.password')} placeholder={t('admin.accounts.passwordOptional')} value={password} onChange={(e) => setPassword(e.target.value)} />
      <button type="submit" disabled={username === '' || problem !== null}>
        {t('admin.accounts.create')}
      </button>
      {problem && <div className="error">{problem}</div>}
    </form>
  );
}
