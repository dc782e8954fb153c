/**
 * The review's replay of a drill session: on the first jump a replay of the session's recording is
 * started on the server (POST /api/runs { replayOf }) and this page's connection watches it (which
 * keeps it from being stopped as idle); each jump seeks it. The twin shows it at /?run=<replayId>.
 */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { createLive } from '../../app/liveSetup.ts';
import { useLive } from '../../panels/useLive.ts';
import type { LiveConnection } from '../../twin/live/LiveConnection.ts';

/** Resolves once `live` is connected. */
function connected(live: LiveConnection): Promise<void> {
  return new Promise((resolve) => {
    if (live.connected) return resolve();
    const stop = live.store.subscribe(() => {
      if (!live.connected) return;
      stop();
      resolve();
    });
  });
}

export interface Replay {
  /** The replay's run id once started. */
  runId: string | null;
  /** Where the last jump went, sim ms. */
  atMs: number | null;
  error: string | null;
  busy: boolean;
  jump: (simTimeMs: number) => void;
}

export function useReplay(recordingId: number | null): Replay {
  const { i18n } = useTranslation();
  const [live] = useState(() => createLive(i18n.language, false));
  const [runId, setRunId] = useState<string | null>(null);
  const [atMs, setAtMs] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const controlError = useLive(live.store, (s) => s.controlError?.message ?? null);
  useEffect(() => () => live.dispose(), [live]);

  const jump = (simTimeMs: number) => {
    if (recordingId === null) return;
    setBusy(true);
    setError(null);
    void (async () => {
      let id = runId;
      if (id === null) {
        live.connect();
        if (!(await live.openRecording(recordingId))) {
          setBusy(false);
          return;
        }
        id = live.store.getState().runId;
        setRunId(id);
      }
      await connected(live);
      if (await live.seek(simTimeMs)) setAtMs(simTimeMs);
      setBusy(false);
    })().catch((err: Error) => {
      setError(err.message);
      setBusy(false);
    });
  };
  return { runId, atMs, error: error ?? controlError, busy, jump };
}
