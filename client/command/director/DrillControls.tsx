/** The director's controls: the drill's clock and status, start / pause / freeze / resume / end, the speed, and the warnings in force. */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DrillState } from '../../../server/protocol/drills.ts';
import type { DrillClient } from '../drill/DrillClient.ts';
import { DrillClock } from '../shared/DrillClock.tsx';
import type { LiveConnection } from '../../twin/live/LiveConnection.ts';

const SPEEDS = [1, 2, 5, 10, 30, 60, 120, 300];
type Control = 'start' | 'pause' | 'freeze' | 'resume' | 'end';

/** Which controls make sense in a status (null: before the first start). */
export function controlsFor(status: DrillState['status'] | null): Control[] {
  switch (status) {
    case null:
    case 'ended':
      return ['start'];
    case 'running':
      return ['pause', 'freeze', 'end'];
    case 'paused':
      return ['resume', 'freeze', 'end'];
    case 'frozen':
      return ['resume', 'end'];
  }
}

export function DrillControls({ client, state, live, defaultSpeed, error }: { client: DrillClient | null; state: DrillState | null; live: LiveConnection; defaultSpeed: number; error: string | null }) {
  const { t } = useTranslation();
  // The speed picked here, else the session's, else the drill file's.
  const [picked, setPicked] = useState<number | null>(null);
  const speed = picked ?? state?.speed ?? defaultSpeed;
  const [confirmEnd, setConfirmEnd] = useState(false);
  const [busy, setBusy] = useState(false);
  const status = state?.status ?? null;
  const allowed = controlsFor(status);
  const send = async (control: Control, withSpeed?: number) => {
    if (!client) return;
    setBusy(true);
    await client.control(control, withSpeed);
    setBusy(false);
    setConfirmEnd(false);
  };
  const changeSpeed = (value: number) => {
    setPicked(value);
    // A running drill takes the new speed at once; otherwise it goes with the next start or resume.
    if (status === 'running') void send('resume', value);
  };
  return (
    <div className="panel drill-controls" data-testid="drill-controls">
      <DrillClock state={state} live={live} />
      <div className="control-buttons">
        {allowed.map((control) =>
          control === 'end' && !confirmEnd ? (
            <button key={control} type="button" className="danger" disabled={busy || !client} onClick={() => setConfirmEnd(true)}>
              {t('director.control.end')}
            </button>
          ) : (
            <button
              key={control}
              type="button"
              className={control === 'end' ? 'danger' : control === 'start' || control === 'resume' ? 'primary' : ''}
              disabled={busy || !client}
              data-testid={`control-${control}`}
              onClick={() => void send(control, control === 'start' || control === 'resume' ? speed : undefined)}
            >
              {control === 'end' ? t('director.control.confirmEnd') : t(`director.control.${control}`)}
            </button>
          ),
        )}
      </div>
      <label className="field inline">
        {t('director.control.speed')}
        <select value={speed} onChange={(e) => changeSpeed(Number(e.target.value))} data-testid="drill-speed">
          {[...new Set([...SPEEDS, speed])].sort((a, b) => a - b).map((s) => (
            <option key={s} value={s}>
              ×{s}
            </option>
          ))}
        </select>
      </label>
      {error && (
        <p className="error" role="alert" data-testid="drill-error">
          {error}
        </p>
      )}
      {state && state.warnings.length > 0 && (
        <ul className="list warnings">
          {state.warnings.map((w) => (
            <li key={w.kind} className={`warning ${w.level}`}>
              {t(`command.warningKind.${w.kind}`)} · {t(`command.level.${w.level}`)}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
