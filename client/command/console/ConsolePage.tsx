/**
 * The operators' console (/console): joins the drill (`?drill=`, else the one in progress), shows
 * the department's inbox and the forms of what it may do in the twin, each action's result and
 * "my actions". Operators act for their own department; a director may pick one (`?department=`)
 * and, as the exercise controller, also sees the expected actions. A frozen drill disables the forms.
 */
import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { navigate, useSearch } from '../../app/router.ts';
import { LiveIncidents } from '../../layers/incidents/LiveIncidents.ts';
import { sessionCan } from '../../twin/session.ts';
import { DEPARTMENT_NAMES, DEPARTMENTS, type Department } from '../../../server/protocol/access.ts';
import type { DrillAction } from '../../../server/protocol/drills.ts';
import type { CommandPageProps } from '../CommandPageProps.ts';
import { CommandTwin, useCommandLive } from '../shared/CommandTwin.tsx';
import { DrillClock } from '../shared/DrillClock.tsx';
import { DrillPicker } from '../shared/DrillPicker.tsx';
import { loadDrill, loadDrills } from '../shared/drillApi.ts';
import { formatOffset, textIn } from '../shared/drillText.ts';
import { useDrill, useDrillRun } from '../shared/useDrill.ts';
import { useLoaded } from '../shared/useLoaded.ts';
import { DispatchForm, EvacuationForm, RoadForm, WarningForm, type ActResult } from './ActionForms.tsx';
import { formsFor, inboxOf } from './consoleActions.ts';
import { Inbox } from './Inbox.tsx';

export default function ConsolePage(props: CommandPageProps) {
  const { t } = useTranslation();
  const search = new URLSearchParams(useSearch());
  const drillId = search.get('drill');
  const drills = useLoaded(drillId === null ? 'drills' : null, loadDrills);
  const active = drills.value?.drills.find((d) => d.status === 'running' || d.status === 'paused' || d.status === 'frozen')?.id ?? null;
  useEffect(() => {
    if (drillId === null && active !== null) navigate('/console', { params: { drill: active }, replace: true });
  }, [drillId, active]);
  if (drillId === null) {
    return (
      <div className="command-scroll">
        <DrillPicker path="/console" title={t('console.pick')} />
      </div>
    );
  }
  return <ConsoleDrill key={drillId} {...props} drillId={drillId} department={props.info.principal.department ?? departmentParam(search.get('department'))} />;
}

const departmentParam = (value: string | null): Department | null => DEPARTMENTS.find((d) => d === value) ?? null;

interface MyAction {
  n: number;
  label: string;
  result: ActResult | null;
}

function ConsoleDrill({ store, telemetry, layers, info, drillId, department }: CommandPageProps & { drillId: string; department: Department | null }) {
  const { t, i18n } = useTranslation();
  const live = useCommandLive(layers);
  const { client, snapshot } = useDrill(live, drillId);
  const { state, messages, timeline } = snapshot;
  const detail = useLoaded(drillId, loadDrill);
  useDrillRun(live, state?.runId ?? null);
  const [incidents] = useState(() => new LiveIncidents());
  useEffect(() => incidents.connect(live), [incidents, live]);
  const summary = useSyncExternalStore(incidents.subscribe, () => incidents.summary);
  const open = (summary?.incidents ?? []).filter((i) => i.status !== 'closed');
  const controller = sessionCan(info, 'drill.direct');
  const [mine, setMine] = useState<MyAction[]>([]);

  const act = useCallback(
    async (action: DrillAction, label: string): Promise<ActResult> => {
      const n = Date.now();
      setMine((list) => [{ n, label, result: null }, ...list]);
      let result: ActResult;
      if (!client) result = { ok: false, message: t('console.notJoined') };
      else if (await client.act(action)) result = { ok: true, simTimeMs: client.getSnapshot().state?.simTimeMs ?? null };
      else result = { ok: false, message: client.getSnapshot().error?.message ?? t('console.refused') };
      setMine((list) => list.map((a) => (a.n === n ? { ...a, result } : a)));
      return result;
    },
    [client, t],
  );

  const forms = formsFor(department);
  const status = state?.status ?? null;
  const blocked = status !== 'running' && status !== 'paused';
  const notice = status === 'frozen' ? t('console.frozen') : status === 'ended' ? t('console.ended') : status === null ? t('console.notStarted') : null;

  const left = (
    <>
      <div className="panel console-head">
        <DrillClock state={state} live={live} />
        {info.principal.department ? (
          <div className="department">{textIn(DEPARTMENT_NAMES[info.principal.department], i18n.language)}</div>
        ) : (
          <label className="field inline">
            {t('console.department')}
            <select value={department ?? ''} onChange={(e) => navigate('/console', { params: { department: e.target.value || null } })} data-testid="console-department">
              <option value="">{t('console.pickDepartment')}</option>
              {DEPARTMENTS.map((d) => (
                <option key={d} value={d}>
                  {textIn(DEPARTMENT_NAMES[d], i18n.language)}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      <Inbox messages={inboxOf(messages, department, timeline, detail.value?.drill.msel)} showExpected={controller} />
    </>
  );
  const right = (
    <>
      {notice && (
        <div className="panel notice-panel" role="status" data-testid="console-notice">
          {notice}
        </div>
      )}
      <fieldset className="action-forms" disabled={blocked || department === null}>
        {forms.warning && <WarningForm act={act} />}
        {forms.dispatch && <DispatchForm act={act} incidents={open} />}
        {forms.evacuate && <EvacuationForm act={act} incidents={open} />}
        {forms.road && <RoadForm act={act} store={store} />}
      </fieldset>
      <div className="panel my-actions" data-testid="my-actions">
        <h2>{t('console.mine')}</h2>
        {mine.length === 0 && <p className="muted">{t('console.mineEmpty')}</p>}
        <ol className="list">
          {mine.map((a) => (
            <li key={a.n} className={a.result === null ? 'pending' : a.result.ok ? 'accepted' : 'refused'}>
              <span>{a.label}</span>
              <span className={a.result?.ok === false ? 'error' : 'ok'}>
                {a.result === null ? t('console.sending') : a.result.ok ? t('console.accepted', { time: a.result.simTimeMs === null ? '' : formatOffset(a.result.simTimeMs) }) : a.result.message}
              </span>
            </li>
          ))}
        </ol>
      </div>
    </>
  );
  return (
    <div className="command-stage console" data-testid="console">
      <div className="command-twin">
        <CommandTwin store={store} telemetry={telemetry} layers={layers} info={info} live={live} left={left} right={right} />
      </div>
    </div>
  );
}
