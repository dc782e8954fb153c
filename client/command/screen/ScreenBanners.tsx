/**
 * What the screen lays over its 3D view: the banner while the feed is stale (it goes by itself when
 * the data flows again), the drill being followed (title, status, clock, public warnings, the latest
 * timeline entries) and the tour's caption as a lower third.
 */
import { useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { formatSimTime } from '../../../server/protocol/simTime.ts';
import { useLive } from '../../panels/useLive.ts';
import type { LiveConnection } from '../../twin/live/LiveConnection.ts';
import type { DrillSnapshot } from '../drill/DrillClient.ts';
import { formatClock, formatOffset, textIn } from '../shared/drillText.ts';
import type { TourPlayer } from './TourPlayer.ts';

const WARNING_COLORS = { blue: '#1e6bff', yellow: '#ffd600', orange: '#ff8a00', red: '#ff1f1f' } as const;

/** Shown while no data comes (disconnected, or no frame for a while): when it stopped, and that it reconnects by itself. */
export function StaleBanner({ live }: { live: LiveConnection }) {
  const { t } = useTranslation();
  const staleSinceMs = useLive(live.store, (s) => s.staleSinceMs);
  const connection = useLive(live.store, (s) => s.connection);
  const down = connection === 'reconnecting' || connection === 'disconnected';
  if (staleSinceMs === null && !down) return null;
  return (
    <div className="screen-stale" role="alert" data-testid="stale-banner" data-connection={connection}>
      <b>{t('screen.stale.title')}</b>
      <span>{staleSinceMs !== null ? t('screen.stale.since', { time: formatSimTime(staleSinceMs).slice(11) }) : t('screen.stale.reconnecting')}</span>
    </div>
  );
}

/** The drill this screen follows: title, status, T+ clock and time of day, warnings in force, the latest entries. */
export function DrillBanner({ drillId, snapshot, live }: { drillId: string; snapshot: DrillSnapshot; live: LiveConnection }) {
  const { t, i18n } = useTranslation();
  const { state, timeline } = snapshot;
  const frameMs = useLive(live.store, (s) => (state && s.runId === state.runId ? (s.frameSimTimeMs ?? s.run?.simTimeMs ?? null) : null));
  if (!state) {
    return (
      <div className="screen-drill waiting" data-testid="drill-banner" data-status="ready">
        <span className="tag">{t('screen.drill.label')}</span>
        <span>{snapshot.error ? snapshot.error.message : t('screen.drill.waiting', { drill: drillId })}</span>
      </div>
    );
  }
  const simTimeMs = frameMs ?? state.simTimeMs;
  return (
    <div className={`screen-drill ${state.status}`} data-testid="drill-banner" data-status={state.status}>
      <div className="drill-head">
        <span className="tag">{t('screen.drill.label')}</span>
        <b className="title">{textIn(state.title, i18n.language)}</b>
        <span className={`status ${state.status}`} data-testid="screen-drill-status">
          {t(`screen.drill.status.${state.status}`)}
        </span>
        <span className="clock">
          {formatOffset(simTimeMs)} · {formatClock(state.startEpochMs, simTimeMs)}
        </span>
      </div>
      <div className="drill-warnings">
        {state.warnings.length === 0 && <span className="muted">{t('screen.drill.noWarnings')}</span>}
        {state.warnings.map((w) => (
          <span key={w.kind} className="warning" style={{ borderColor: WARNING_COLORS[w.level] }}>
            <i style={{ background: WARNING_COLORS[w.level] }} />
            {t(`screen.drill.warningKind.${w.kind}`)}
            {t(`screen.drill.warningLevel.${w.level}`)} · {w.message}
          </span>
        ))}
      </div>
      <ol className="drill-latest">
        {timeline
          .slice(-3)
          .reverse()
          .map((e) => (
            <li key={e.seq}>
              <span className="when">{formatOffset(e.simTimeMs)}</span> {textIn(e.text, i18n.language)}
            </li>
          ))}
      </ol>
    </div>
  );
}

/** The tour's caption as a lower third, with which stop of how many. */
export function TourCaption({ player }: { player: TourPlayer }) {
  const { i18n, t } = useTranslation();
  const now = useSyncExternalStore(player.subscribe, player.getSnapshot);
  if (!now) return null;
  return (
    <div className="screen-caption" data-testid="tour-caption" data-index={now.index} key={now.index}>
      <span className="tag">
        {t('screen.tour.label')} {t('screen.tour.stop', { index: now.index + 1, count: now.count })}
      </span>
      <span className="text">{textIn(now.stop.caption, i18n.language)}</span>
      <i className="progress" style={{ animationDuration: `${now.durationMs}ms` }} />
    </div>
  );
}
