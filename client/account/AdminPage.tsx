import { useTranslation } from 'react-i18next';
import type { SessionInfo } from '../../server/protocol/access.ts';
import { sessionCan } from '../twin/session.ts';
import { AccountsSection } from './AccountsSection.tsx';
import { DevicesSection } from './DevicesSection.tsx';
import { GrantsSection } from './GrantsSection.tsx';
import { managedLayers } from './managedLayers.ts';

/** Administration: accounts and wall-screen devices (admins), grants and who can see what (admins, and operators for their department's layers). */
export function AdminPage({ info }: { info: SessionInfo }) {
  const { t } = useTranslation();
  const layers = managedLayers(info);
  const accounts = sessionCan(info, 'accounts.manage');
  return (
    <div className="account-page admin-page" data-testid="admin-page">
      <h1>{t('admin.title')}</h1>
      {accounts && <AccountsSection self={info.principal.username} />}
      {accounts && <DevicesSection />}
      {layers.length > 0 && <GrantsSection layers={layers} />}
    </div>
  );
}
