import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { DeviceToken } from '../../server/protocol/access.ts';
import { fetchJson } from '../twin/http.ts';
import { AdminSection } from './AdminSection.tsx';
import { AdminTable } from './AdminTable.tsx';
import { formatShanghai } from './formatTime.ts';
import { OneTimeSecret } from './OneTimeSecret.tsx';
import { useResource } from './useResource.ts';

const readDevices = (body: unknown): DeviceToken[] => (body as { devices: DeviceToken[] }).devices;

/** The address a wall screen opens to sign in with `token` (the page takes the token out of the address bar at once). */
export const wallScreenUrl = (origin: string, token: string): string => `${origin}/three?device=${encodeURIComponent(token)}`;

/** Read-only device tokens for wall screens: create (the token and its wall-screen address shown once), list, revoke. */
export function DevicesSection() {
  const { t, i18n } = useTranslation();
  const { data: devices, error, act } = useResource('/api/devices', readDevices);
  const [name, setName] = useState('');
  const [made, setMade] = useState<{ name: string; token: string } | null>(null);
  const time = (iso: string | null) => (iso ? formatShanghai(iso, i18n.language) : '—');

  const create = async (e: FormEvent) => {
    e.preventDefault();
    const answer = (await act(() => fetchJson('/api/devices', { name: name.trim() }))) as { device: DeviceToken; token: string } | null;
    if (answer) {
      setMade({ name: answer.device.name, token: answer.token });
      setName('');
    }
  };
  const revoke = (device: DeviceToken) => {
    if (window.confirm(t('admin.devices.confirmRevoke', { name: device.name }))) void act(() => fetchJson(`/api/devices/${device.id}`, undefined, undefined, 'DELETE'));
  };

  return (
    <AdminSection title={t('admin.devices.title')} hint={t('admin.devices.hint')} error={error} testId="devices">
      <form className="admin-form" onSubmit={(e) => void create(e)}>
        <input aria-label={t('admin.devices.name')} placeholder={t('admin.devices.namePlaceholder')} maxLength={64} value={name} onChange={(e) => setName(e.target.value)} />
        <button type="submit" disabled={name.trim() === ''}>
          {t('admin.devices.create')}
        </button>
      </form>
      {made && (
        <OneTimeSecret
          title={t('admin.devices.madeFor', { name: made.name })}
          items={[
            { label: t('admin.devices.token'), value: made.token },
            { label: t('admin.devices.url'), value: wallScreenUrl(window.location.origin, made.token) },
          ]}
          onDone={() => setMade(null)}
        />
      )}
      <AdminTable columns={[t('admin.devices.name'), t('admin.devices.createdBy'), t('admin.devices.createdAt'), t('admin.devices.lastUsed'), t('admin.accounts.status'), t('admin.actions')]}>
        {(devices ?? []).map((d) => (
          <tr key={d.id} className={d.revokedAt ? 'off' : ''}>
            <td>{d.name}</td>
            <td>{d.createdBy}</td>
            <td>{time(d.createdAt)}</td>
            <td>{time(d.lastUsedAt)}</td>
            <td>{d.revokedAt ? t('admin.devices.revokedAt', { time: time(d.revokedAt) }) : t('admin.devices.valid')}</td>
            <td className="actions">
              {!d.revokedAt && (
                <button type="button" className="link danger" onClick={() => revoke(d)}>
                  {t('admin.devices.revoke')}
                </button>
              )}
            </td>
          </tr>
        ))}
      </AdminTable>
    </AdminSection>
  );
}
