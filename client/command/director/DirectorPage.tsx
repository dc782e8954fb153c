/**
 * The drill director's page (/director?drill=<id>; a picker without it): the twin, which every
 * following screen mirrors (camera, layers, selection: leadFromStore), the drill's controls and
 * clock, the MSEL with what was delivered, an ad-hoc inject form and the live timeline.
 */
import { useTranslation } from 'react-i18next';
import { useSearch } from '../../app/router.ts';
import type { DrillDetail } from '../../../server/protocol/drills.ts';
import type { CommandPageProps } from '../CommandPageProps.ts';
import { leadFromStore } from '../drill/DrillClient.ts';
import { CommandTwin, useCommandLive } from '../shared/CommandTwin.tsx';
import { DrillPicker } from '../shared/DrillPicker.tsx';
import { loadDrill } from '../shared/drillApi.ts';
import { TimelineList } from '../shared/TimelineList.tsx';
import { useDrill, useDrillRun } from '../shared/useDrill.ts';
import { useLoaded } from '../shared/useLoaded.ts';
import { AdhocForm } from './AdhocForm.tsx';
import { DrillControls } from './DrillControls.tsx';
import { MselTable } from './MselTable.tsx';

export default function DirectorPage(props: CommandPageProps) {
  const { t } = useTranslation();
  const drillId = new URLSearchParams(useSearch()).get('drill');
  if (!drillId) {
    return (
      <div className="command-scroll">
        <DrillPicker path="/director" title={t('director.pick')} />
      </div>
    );
  }
  return <DirectorDrill key={drillId} {...props} drillId={drillId} />;
}

function DirectorDrill({ store, telemetry, layers, info, drillId }: CommandPageProps & { drillId: string }) {
  const { t } = useTranslation();
  const live = useCommandLive(layers);
  const { client, snapshot } = useDrill(live, drillId, (c) => leadFromStore(c, store));
  const { state, timeline, error } = snapshot;
  useDrillRun(live, state?.runId ?? null);
  const detail = useLoaded<DrillDetail>(drillId, loadDrill);
  const drill = detail.value?.drill ?? null;
  const closed = !state || state.status === 'ended';

  return (
    <div className="command-stage director" data-testid="director">
      <div className="command-twin">
        <CommandTwin
          store={store}
          telemetry={telemetry}
          layers={layers}
          info={info}
          live={live}
          left={<DrillControls client={client} state={state} live={live} defaultSpeed={drill?.speed ?? 1} error={error?.message ?? null} />}
          right={<AdhocForm client={client} disabled={closed} />}
          layerPanels
        />
      </div>
      <section className="command-dock">
        <div className="dock-pane msel-pane">
          <h2>
            {t('director.msel.title')}
            {state && (
              <span className="dock-links">
                <a href={`/screen?follow=${encodeURIComponent(drillId)}`} target="_blank" rel="noreferrer">
                  {t('director.openScreen')}
                </a>
                <a href={`/review?session=${encodeURIComponent(state.sessionId)}`} target="_blank" rel="noreferrer">
                  {t('director.openReview')}
                </a>
              </span>
            )}
          </h2>
          {detail.error && (
            <p className="error" role="alert">
              {t('command.loadFailed', { message: detail.error })}
            </p>
          )}
          {drill && <MselTable items={drill.msel} delivered={state?.delivered ?? []} />}
        </div>
        <div className="dock-pane timeline-pane">
          <h2>{t('director.timeline')}</h2>
          <TimelineList entries={timeline} testId="director-timeline" />
        </div>
      </section>
    </div>
  );
}
