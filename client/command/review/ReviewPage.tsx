/**
 * The after-action review (/review?session=<id>; `?drill=` lists the drill's sessions; neither lists
 * the drills): the event timeline on a time axis whose markers jump a replay of the session there,
 * the expected-action checks, the figures and the trends, and a printable A4 report (打印报告).
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { navigate, useSearch } from '../../app/router.ts';
import type { DrillDetail, DrillReview, TimelineEntry } from '../../../server/protocol/drills.ts';
import { formatSimTime } from '../../../server/protocol/simTime.ts';
import type { CommandPageProps } from '../CommandPageProps.ts';
import { DrillPicker } from '../shared/DrillPicker.tsx';
import { loadDrill, loadReview } from '../shared/drillApi.ts';
import { formatClock, formatOffset, textIn } from '../shared/drillText.ts';
import { figureValue } from './figureValue.ts';
import { TimelineList } from '../shared/TimelineList.tsx';
import { useLoaded } from '../shared/useLoaded.ts';
import { ChecksTable } from './ChecksTable.tsx';
import { SeriesChart } from './SeriesChart.tsx';
import { TimelineAxis } from './TimelineAxis.tsx';
import { useReplay } from './useReplay.ts';
import './review.css';

export default function ReviewPage(_props: CommandPageProps) {
  const { t } = useTranslation();
  const search = new URLSearchParams(useSearch());
  const sessionId = search.get('session');
  const drillId = search.get('drill');
  if (sessionId) return <SessionReview key={sessionId} sessionId={sessionId} />;
  if (drillId) return <SessionList drillId={drillId} />;
  return <DrillPicker path="/review" title={t('review.pickDrill')} />;
}

/** A drill's sessions, newest first, each opening its review. */
function SessionList({ drillId }: { drillId: string }) {
  const { t, i18n } = useTranslation();
  const detail = useLoaded<DrillDetail>(drillId, loadDrill);
  return (
    <div className="command-page" data-testid="session-list">
      <h1>{detail.value ? textIn(detail.value.drill.title, i18n.language) : drillId}</h1>
      <h2>{t('review.sessions')}</h2>
      {detail.error && (
        <p className="error" role="alert">
          {t('command.loadFailed', { message: detail.error })}
        </p>
      )}
      {detail.value?.sessions.length === 0 && <p className="muted">{t('review.noSessions')}</p>}
      <ul className="drill-cards">
        {(detail.value?.sessions ?? []).map((s) => (
          <li key={s.sessionId} className="panel">
            <button type="button" className="drill-card" onClick={() => navigate('/review', { params: { session: s.sessionId, drill: null } })} data-testid={`session-${s.sessionId}`}>
              <strong>{s.sessionId}</strong>
              <span className={`drill-status ${s.status}`}>{t(`command.status.${s.status}`)}</span>
              <span className="muted">{t('review.sessionFacts', { director: s.director, started: formatSimTime(s.startedWallMs) })}</span>
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}

function SessionReview({ sessionId }: { sessionId: string }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const review = useLoaded<DrillReview>(sessionId, loadReview);
  const r = review.value;
  // The review names the recording; a server that leaves it out still lists it with the drill's sessions.
  const detail = useLoaded<DrillDetail>(r && r.session.recordingId === undefined ? r.drill.id : null, loadDrill);
  const recordingId = r?.session.recordingId ?? detail.value?.sessions.find((x) => x.sessionId === sessionId)?.recordingId ?? null;
  const replay = useReplay(recordingId);
  const [selected, setSelected] = useState<number | null>(null);
  const jump = (entry: TimelineEntry) => {
    setSelected(entry.seq);
    replay.jump(entry.simTimeMs);
  };
  if (!r) {
    return (
      <div className="command-page" role="status">
        {review.error ? (
          <p className="error" role="alert">
            {t('command.loadFailed', { message: review.error })}{' '}
            <button type="button" className="link" onClick={review.reload}>
              {t('command.retry')}
            </button>
          </p>
        ) : (
          <p className="muted">{t('command.loading')}</p>
        )}
      </div>
    );
  }
  const s = r.session;
  const picked = r.timeline.find((e) => e.seq === selected) ?? null;
  // A trend that stayed at zero the whole drill (no water, no incident) says nothing a chart would add.
  const seriesKeys = Object.keys(r.series).filter((k) => r.series[k].length > 1 && r.series[k].some((p) => p.value !== 0));
  return (
    <article className="command-page review-report" data-testid="review">
      <header className="report-head">
        <div>
          <h1>{t('review.reportTitle', { title: textIn(r.drill.title, lang) })}</h1>
          <p className="muted">{textIn(r.drill.description, lang)}</p>
        </div>
        <button type="button" className="primary no-print" onClick={() => window.print()} data-testid="print-report">
          {t('review.print')}
        </button>
      </header>
      <dl className="facts">
        <dt>{t('review.fact.session')}</dt>
        <dd>{s.sessionId}</dd>
        <dt>{t('review.fact.director')}</dt>
        <dd>{s.director}</dd>
        <dt>{t('review.fact.status')}</dt>
        <dd>{t(`command.status.${s.status}`)}</dd>
        <dt>{t('review.fact.started')}</dt>
        <dd>{formatSimTime(s.startedWallMs)}</dd>
        <dt>{t('review.fact.ended')}</dt>
        <dd>{s.endedWallMs === null ? '—' : formatSimTime(s.endedWallMs)}</dd>
        <dt>{t('review.fact.simulated')}</dt>
        <dd>
          {formatOffset(s.simTimeMs)}（{formatClock(s.startEpochMs, 0)}–{formatClock(s.startEpochMs, s.simTimeMs)}）
        </dd>
      </dl>
      {r.drill.objectives.length > 0 && (
        <section className="report-section">
          <h2>{t('review.objectives')}</h2>
          <ul>
            {r.drill.objectives.map((o) => (
              <li key={o.zh}>{textIn(o, lang)}</li>
            ))}
          </ul>
        </section>
      )}
      <section className="report-section">
        <h2>{t('review.timeline')}</h2>
        <TimelineAxis entries={r.timeline} endMs={s.simTimeMs} onJump={jump} selectedSeq={selected} />
        <div className="replay-bar no-print" data-testid="replay-bar">
          {recordingId === null ? (
            <span className="muted">{t('review.noRecording')}</span>
          ) : replay.runId === null ? (
            <span className="muted">{replay.busy ? t('review.replayStarting') : t('review.replayHint')}</span>
          ) : (
            <>
              <span>{picked ? t('review.replayAt', { time: formatOffset(picked.simTimeMs), what: textIn(picked.text, lang) }) : t('review.replayReady')}</span>
              <a href={`/?run=${encodeURIComponent(replay.runId)}`} target="_blank" rel="noreferrer" data-testid="replay-link">
                {t('review.openReplay')}
              </a>
            </>
          )}
          {replay.error && (
            <span className="error" role="alert">
              {replay.error}
            </span>
          )}
        </div>
        <TimelineList entries={r.timeline} order="oldest" testId="review-timeline" />
      </section>
      <section className="report-section">
        <h2>{t('review.checks')}</h2>
        <ChecksTable checks={r.checks} />
      </section>
      <section className="report-section">
        <h2>{t('review.figures')}</h2>
        <dl className="figures" data-testid="figures">
          {Object.entries(r.figures).map(([key, value]) => (
            <div key={key} className="figure">
              <dt>{t(`review.figure.${key}`, { defaultValue: key })}</dt>
              <dd>{figureValue(key, value)}</dd>
            </div>
          ))}
        </dl>
      </section>
      {seriesKeys.length > 0 && (
        <section className="report-section">
          <h2>{t('review.charts')}</h2>
          <div className="charts">
            {seriesKeys.map((key) => (
              <SeriesChart key={key} points={r.series[key]} label={t(`review.series.${key}`, { defaultValue: key })} />
            ))}
          </div>
        </section>
      )}
    </article>
  );
}
