import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SessionInfo } from '../../server/protocol/access.ts';
import type { SpeedFactor } from '../../server/protocol/events.ts';
import { formatSimTime } from '../../server/protocol/simTime.ts';
import type { LiveConnection } from '../twin/live/LiveConnection.ts';
import { ConnectionStatus } from './ConnectionStatus.tsx';
import { RunPicker } from './RunPicker.tsx';
import { useLive } from './useLive.ts';
import './live.css';

const SPEEDS: SpeedFactor[] = [0.5, 1, 10, 60, 600, 3600, 'max'];

/** "01:02:03" for a duration in milliseconds. */
function formatElapsed(ms: number): string {
  const s = Math.floor(ms / 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(Math.floor(s / 3600))}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}`;
}

/** The run's clock (Asia/Shanghai), status and connection; play, pause, speed and seek for users who may control; `session` decides who may end the run. */
export function TimelineBar({ live, session }: { live: LiveConnection; session: SessionInfo | null }) {
  const { t } = useTranslation();
  const store = live.store;
  const run = useLive(store, (s) => s.run);
  const frameSimTimeMs = useLive(store, (s) => s.frameSimTimeMs);
  const canControl = useLive(store, (s) => s.canControl);
  const controlError = useLive(store, (s) => s.controlError);
  const info = useLive(store, (s) => s.runs.find((r) => r.id === s.runId) ?? null);
  const [draftMs, setDraftMs] = useState<number | null>(null);

  const simTimeMs = frameSimTimeMs ?? run?.simTimeMs ?? null;
  const startEpochMs = info?.startEpochMs ?? null;
  const durationMs = info?.durationMs ?? null;
  let clock = '—';
  if (simTimeMs !== null) clock = startEpochMs !== null ? formatSimTime(startEpochMs + simTimeMs) : t('live.elapsed', { time: formatElapsed(simTimeMs) });
  const status = run?.status ?? 'unknown';
  const playing = status === 'playing';
  // Nothing to control until a starting run's engines have warmed up (the server refuses it meanwhile).
  const controllable = !!run && status !== 'starting';
  const commitSeek = () => {
    if (draftMs === null) return;
    void live.seek(draftMs).finally(() => setDraftMs(null));
  };

  return (
    <div className="timeline-bar panel" data-testid="timeline-bar">
      <div className="timeline-row">
        <RunPicker live={live} session={session} />
        <span className="sim-clock" title={t('live.simTime')} data-testid="sim-clock">
          {clock}
        </span>
        <span className={`run-status ${status}`} data-testid="run-status">
          {t(`live.status.${status}`)}
        </span>
        <span className="spacer" />
        <ConnectionStatus store={store} />
      </div>
      {canControl && (
        <div className="timeline-row controls">
          <button
            type="button"
            className="play"
            aria-label={playing ? t('live.pause') : t('live.play')}
            title={playing ? t('live.pause') : t('live.play')}
            disabled={!controllable}
            onClick={() => void (playing ? live.pause() : live.play())}
          >
            {playing ? '❚❚' : '▶'}
          </button>
          <div className="segmented speeds" role="group" aria-label={t('live.speed')}>
            {SPEEDS.map((f) => (
              <button key={String(f)} type="button" className={run?.speed === f ? 'on' : ''} aria-pressed={run?.speed === f} disabled={!controllable} onClick={() => void live.setSpeed(f)}>
                {f === 'max' ? t('live.speedMax') : `×${f}`}
              </button>
            ))}
          </div>
          {durationMs !== null && durationMs > 0 && (
            <input
              className="seek"
              type="range"
              min={0}
              max={durationMs}
              step={1000}
              value={draftMs ?? Math.min(simTimeMs ?? 0, durationMs)}
              aria-label={t('live.seek')}
              disabled={!controllable}
              onChange={(e) => setDraftMs(Number(e.target.value))}
              onPointerUp={commitSeek}
              onKeyUp={commitSeek}
            />
          )}
        </div>
      )}
      {controlError && (
        <div className="error" role="alert" data-testid="control-error">
          {t('live.refused', { message: controlError.message })}
        </div>
      )}
    </div>
  );
}
