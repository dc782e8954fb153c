import { useTranslation } from 'react-i18next';
import { formatSimTime } from '../../server/protocol/simTime.ts';
import type { LiveConnection } from '../twin/live/LiveConnection.ts';
import type { RunInfo } from '../twin/live/runList.ts';
import { useLive } from './useLive.ts';

/** Picks the run to watch: the live baseline, other runs, recordings; choosing one switches the stream. */
export function RunPicker({ live }: { live: LiveConnection }) {
  const { t, i18n } = useTranslation();
  const zh = i18n.language.startsWith('zh');
  const runs = useLive(live.store, (s) => s.runs);
  const runId = useLive(live.store, (s) => s.runId);
  const runsError = useLive(live.store, (s) => s.runsError);
  const label = (r: RunInfo): string => {
    if (r.kind === 'live') return t('live.baseline');
    if (r.kind === 'recording') {
      const when = r.startEpochMs !== null ? ` ${formatSimTime(r.startEpochMs).slice(0, 16)}` : '';
      return t('live.recording', { name: `${r.scenarioId ?? ''} #${r.recordingId}${when}` });
    }
    const name = r.title ? (zh ? r.title.zh : r.title.en) : (r.scenarioId ?? '');
    return t('live.runItem', { name: name ? `${name} · ${r.id}` : r.id });
  };
  // The joined run stays listed even before the list has loaded (or if the server does not list it).
  const options = runs.some((r) => r.id === runId) ? runs : [{ id: runId, kind: runId === 'live' ? 'live' : 'run', scenarioId: null, title: null, status: null, startEpochMs: null, durationMs: null, recordingId: null } satisfies RunInfo, ...runs];
  return (
    <label className="run-picker" title={runsError ? t('live.runsFailed', { message: runsError }) : t('live.runs')}>
      <span className="muted">{t('live.run')}</span>
      <select
        value={runId}
        aria-label={t('live.runs')}
        data-testid="run-picker"
        onFocus={() => void live.refreshRuns()}
        onChange={(e) => {
          const picked = options.find((r) => r.id === e.target.value);
          if (picked?.recordingId != null) void live.openRecording(picked.recordingId);
          else live.switchRun(e.target.value);
        }}
      >
        {options.map((r) => (
          <option key={r.id} value={r.id}>
            {label(r)}
          </option>
        ))}
      </select>
    </label>
  );
}
