import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SessionInfo } from '../../server/protocol/access.ts';
import { formatSimTime } from '../../server/protocol/simTime.ts';
import { fetchJson } from '../twin/http.ts';
import type { LiveConnection } from '../twin/live/LiveConnection.ts';
import type { RunInfo } from '../twin/live/runList.ts';
import { mayEndRun } from './mayEndRun.ts';
import { useLive } from './useLive.ts';

/**
 * Picks the run to watch: the live baseline, other runs, recordings; choosing one switches the stream.
 * Beside it, an End button for a run the signed-in user may end (keeping its recording).
 */
export function RunPicker({ live, session }: { live: LiveConnection; session: SessionInfo | null }) {
  const { t, i18n } = useTranslation();
  const zh = i18n.language.startsWith('zh');
  const runs = useLive(live.store, (s) => s.runs);
  const runId = useLive(live.store, (s) => s.runId);
  const runsError = useLive(live.store, (s) => s.runsError);
  const [ending, setEnding] = useState(false);
  const label = (r: RunInfo): string => {
    if (r.kind === 'live') return t('live.baseline');
    if (r.kind === 'recording') {
      const when = r.startEpochMs !== null ? ` ${formatSimTime(r.startEpochMs).slice(0, 16)}` : '';
      return t('live.recording', { name: `${r.scenarioId ?? ''} #${r.recordingId}${when}` });
    }
    const name = r.title ? (zh ? r.title.zh : r.title.en) : (r.scenarioId ?? '');
    const named = t('live.runItem', { name: name ? `${name} · ${r.id}` : r.id });
    // A run whose engines still warm up says so: it plays in a few seconds.
    const item = r.status === 'starting' ? t('live.runStarting', { item: named }) : named;
    return r.owner ? t('live.runOwned', { item, owner: r.owner }) : item;
  };
  // The joined run stays listed even before the list has loaded (or if the server does not list it).
  const options = runs.some((r) => r.id === runId) ? runs : [{ id: runId, kind: runId === 'live' ? 'live' : 'run', scenarioId: null, title: null, status: null, startEpochMs: null, durationMs: null, recordingId: null } satisfies RunInfo, ...runs];
  const joined = options.find((r) => r.id === runId) ?? null;
  const endRun = async () => {
    if (!joined || !window.confirm(t('live.endConfirm', { name: label(joined) }))) return;
    setEnding(true);
    try {
      await fetchJson(`/api/runs/${encodeURIComponent(joined.id)}?recording=keep`, undefined, undefined, 'DELETE');
      live.switchRun('live');
      void live.refreshRuns();
    } catch (err) {
      // Shown where the other refused controls are (TimelineBar's control-error).
      live.store.update({ controlError: { code: 'end_failed', message: (err as Error).message } });
    } finally {
      setEnding(false);
    }
  };
  return (
    <span className="run-picker">
      <label title={runsError ? t('live.runsFailed', { message: runsError }) : joined?.owner ? t('live.runOwner', { owner: joined.owner }) : t('live.runs')}>
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
            <option key={r.id} value={r.id} title={r.owner ? t('live.runOwner', { owner: r.owner }) : undefined}>
              {label(r)}
            </option>
          ))}
        </select>
      </label>
      {mayEndRun(joined, session) && (
        <button type="button" className="end-run" title={t('live.endTitle')} disabled={ending} data-testid="end-run" onClick={() => void endRun()}>
          {t('live.end')}
        </button>
      )}
    </span>
  );
}
