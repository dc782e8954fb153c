/**
 * A drill's clock and status: the time since the drill started (T+) and the time of day in the
 * drill's world, from the drill's run as the stream plays it (the state's time until frames come).
 */
import { useTranslation } from 'react-i18next';
import type { DrillState } from '../../../server/protocol/drills.ts';
import { useLive } from '../../panels/useLive.ts';
import type { LiveConnection } from '../../twin/live/LiveConnection.ts';
import { formatClock, formatOffset, textIn } from './drillText.ts';

/**
 * The sim time of the drill now: the stream's frames while it plays the drill's run, the run's own
 * time while it stands (the last frame may be older than where it stopped), else the state's.
 */
export function useDrillTime(state: DrillState | null, live: LiveConnection): number | null {
  const frameMs = useLive(live.store, (s) => {
    if (!state || s.runId !== state.runId) return null;
    return s.run?.status === 'playing' ? (s.frameSimTimeMs ?? s.run.simTimeMs) : (s.run?.simTimeMs ?? null);
  });
  if (!state) return null;
  return frameMs ?? state.simTimeMs;
}

export function DrillClock({ state, live }: { state: DrillState | null; live: LiveConnection }) {
  const { t, i18n } = useTranslation();
  const simTimeMs = useDrillTime(state, live);
  const status = state?.status ?? 'ready';
  return (
    <div className="drill-clock" data-testid="drill-clock" data-sim-time-ms={simTimeMs ?? ''} data-status={status}>
      {state && <div className="drill-title">{textIn(state.title, i18n.language)}</div>}
      <div className="clock-row">
        <span className="offset">{simTimeMs === null ? 'T+--:--:--' : formatOffset(simTimeMs)}</span>
        {state && simTimeMs !== null && <span className="day-time">{formatClock(state.startEpochMs, simTimeMs)}</span>}
        <span className={`drill-status ${status}`} data-testid="drill-status">
          {t(`command.status.${status}`)}
        </span>
      </div>
      {state && (
        <div className="muted">
          {t('command.session', { session: state.sessionId, director: state.director, speed: state.speed })}
        </div>
      )}
    </div>
  );
}
