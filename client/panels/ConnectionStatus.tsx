import { useTranslation } from 'react-i18next';
import { formatSimTime } from '../../server/protocol/simTime.ts';
import type { LiveStore } from '../twin/live/LiveStore.ts';
import { useLive } from './useLive.ts';

/** The live connection at a glance: connected, reconnecting, or data stale since hh:mm (Asia/Shanghai). */
export function ConnectionStatus({ store }: { store: LiveStore }) {
  const { t } = useTranslation();
  const connection = useLive(store, (s) => s.connection);
  const staleSinceMs = useLive(store, (s) => s.staleSinceMs);
  const error = useLive(store, (s) => s.connectionError);
  const stale = staleSinceMs !== null;
  const tone = stale || connection === 'disconnected' ? 'bad' : connection === 'connected' ? 'good' : 'warn';
  return (
    <span className={`live-status ${tone}`} role="status" title={error ?? t('live.connection')} data-testid="connection-status" data-connection={connection} data-stale={stale}>
      <i aria-hidden="true" />
      {t(`live.${connection}`)}
      {stale && <span className="stale"> · {t('live.staleSince', { time: formatSimTime(staleSinceMs).slice(11, 16) })}</span>}
    </span>
  );
}
