/**
 * The operator's actions in the twin, the forms of what the department may do: dispatch units to an
 * incident, close or open a road (clicked in the twin or typed), order an evacuation or shelter in
 * place around an incident, issue a public warning. Each form shows its last result.
 */
import type { TFunction } from 'i18next';
import { useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { WARNING_KINDS, type DrillAction, type WarningLevel } from '../../../server/protocol/drills.ts';
import type { Incident } from '../../../server/protocol/EmergencySummary.ts';
import { trafficPickOf } from '../../layers/traffic/trafficPick.ts';
import { useTwin } from '../../panels/useTwin.ts';
import type { TwinStore } from '../../twin/TwinStore.ts';
import { formatOffset, textIn } from '../shared/drillText.ts';
import { dispatchAction, evacuationAction, roadAction, warningAction, type Built, type UnitCounts } from './consoleActions.ts';

/** What became of an action: accepted at a sim time, or the server's (or the form's) reason. */
export type ActResult = { ok: true; simTimeMs: number | null } | { ok: false; message: string };

/** Sends an action (labelled for "my actions") and answers its result. */
export type Act = (action: DrillAction, label: string) => Promise<ActResult>;

const LEVELS: WarningLevel[] = ['blue', 'yellow', 'orange', 'red'];

/** One form: a title, its fields, and the result of its last submission. */
function ActionForm({ title, testId, onSubmit, children }: { title: string; testId: string; onSubmit: () => Promise<ActResult | null>; children: ReactNode }) {
  const { t } = useTranslation();
  const [result, setResult] = useState<ActResult | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setResult(await onSubmit());
    setBusy(false);
  };
  return (
    <form className="panel action-form" data-testid={testId} onSubmit={(e) => void submit(e)} aria-busy={busy}>
      <h2>{title}</h2>
      {children}
      {result &&
        (result.ok ? (
          <p className="ok" role="status">
            {t('console.accepted', { time: result.simTimeMs === null ? '' : formatOffset(result.simTimeMs) })}
          </p>
        ) : (
          <p className="error" role="alert">
            {result.message}
          </p>
        ))}
    </form>
  );
}

/** Sends what `build` made, or answers the form's own refusal naming the field. */
function sender(act: Act, label: string, build: () => Built, t: TFunction): () => Promise<ActResult> {
  return async () => {
    const built = build();
    if (!built.ok) return { ok: false, message: t('console.fieldError', { field: built.field, message: built.message }) };
    return act(built.action, label);
  };
}

function IncidentSelect({ incidents, value, onChange }: { incidents: readonly Incident[]; value: string; onChange: (id: string) => void }) {
  const { t, i18n } = useTranslation();
  return (
    <label className="field">
      {t('console.incident')}
      <select value={value} onChange={(e) => onChange(e.target.value)} required>
        <option value="">{incidents.length === 0 ? t('console.noIncidents') : t('console.pickIncident')}</option>
        {incidents.map((i) => (
          <option key={i.id} value={i.id}>
            {textIn(i.name, i18n.language)} · {t('console.levelOf', { level: i.level })}
          </option>
        ))}
      </select>
    </label>
  );
}

export function DispatchForm({ act, incidents }: { act: Act; incidents: readonly Incident[] }) {
  const { t } = useTranslation();
  const [incidentId, setIncidentId] = useState('');
  const [units, setUnits] = useState<UnitCounts>({ fire: 1, ambulance: 0, police: 0 });
  const field = (kind: keyof UnitCounts) => (
    <label className="field inline count">
      {t(`console.unit.${kind}`)}
      <input type="number" min={0} max={50} value={units[kind]} onChange={(e) => setUnits({ ...units, [kind]: Math.max(0, Math.floor(Number(e.target.value) || 0)) })} />
    </label>
  );
  return (
    <ActionForm title={t('console.dispatch.title')} testId="form-dispatch" onSubmit={sender(act, t('console.dispatch.title'), () => dispatchAction(incidentId, units), t)}>
      <IncidentSelect incidents={incidents} value={incidentId} onChange={setIncidentId} />
      <div className="form-row">
        {field('fire')}
        {field('ambulance')}
        {field('police')}
      </div>
      <button type="submit" className="primary">
        {t('console.dispatch.send')}
      </button>
    </ActionForm>
  );
}

export function RoadForm({ act, store }: { act: Act; store: TwinStore }) {
  const { t } = useTranslation();
  const picked = useTwin(store, (s) => {
    const pick = trafficPickOf(s.layerPick);
    return pick?.kind === 'link' ? pick.linkId : null;
  });
  const [typed, setTyped] = useState<{ forPick: string | null; value: string }>({ forPick: null, value: '' });
  // A road clicked in the twin fills the field; typing overrides it until the next click.
  const linkId = typed.forPick === picked ? typed.value : (picked ?? typed.value);
  const [close, setClose] = useState(true);
  return (
    <ActionForm title={t('console.road.title')} testId="form-road" onSubmit={sender(act, t(close ? 'console.road.close' : 'console.road.open'), () => roadAction(linkId, close), t)}>
      <label className="field">
        {t('console.road.link')}
        <input value={linkId} onChange={(e) => setTyped({ forPick: picked, value: e.target.value })} placeholder="L000123" data-testid="road-link" />
      </label>
      <p className="muted">{t('console.road.hint')}</p>
      <div className="form-row">
        <button type="submit" className="primary" onClick={() => setClose(true)}>
          {t('console.road.close')}
        </button>
        <button type="submit" onClick={() => setClose(false)}>
          {t('console.road.open')}
        </button>
      </div>
    </ActionForm>
  );
}

export function EvacuationForm({ act, incidents }: { act: Act; incidents: readonly Incident[] }) {
  const { t } = useTranslation();
  const [incidentId, setIncidentId] = useState('');
  const [radiusM, setRadiusM] = useState(500);
  const [order, setOrder] = useState<'evacuate' | 'shelterInPlace'>('evacuate');
  const incident = incidents.find((i) => i.id === incidentId) ?? null;
  return (
    <ActionForm title={t('console.evacuate.title')} testId="form-evacuate" onSubmit={sender(act, t(`console.evacuate.${order}`), () => evacuationAction(incident, radiusM, order), t)}>
      <IncidentSelect incidents={incidents} value={incidentId} onChange={setIncidentId} />
      <div className="form-row">
        <label className="field inline">
          {t('console.evacuate.radius')}
          <input type="number" min={50} max={10000} step={50} value={radiusM} onChange={(e) => setRadiusM(Number(e.target.value))} />
        </label>
        <div className="segmented" role="group">
          {(['evacuate', 'shelterInPlace'] as const).map((o) => (
            <button key={o} type="button" className={order === o ? 'on' : ''} aria-pressed={order === o} onClick={() => setOrder(o)}>
              {t(`console.evacuate.${o}`)}
            </button>
          ))}
        </div>
      </div>
      <button type="submit" className="primary">
        {t('console.evacuate.send')}
      </button>
    </ActionForm>
  );
}

export function WarningForm({ act }: { act: Act }) {
  const { t } = useTranslation();
  const [kind, setKind] = useState<(typeof WARNING_KINDS)[number]>('rainstorm');
  const [level, setLevel] = useState<WarningLevel>('yellow');
  const [message, setMessage] = useState('');
  return (
    <ActionForm
      title={t('console.warning.title')}
      testId="form-warning"
      onSubmit={sender(act, `${t(`command.warningKind.${kind}`)}${t(`command.level.${level}`)}${t('console.warning.suffix')}`, () => warningAction(kind, level, message), t)}
    >
      <div className="form-row">
        <label className="field inline">
          {t('console.warning.kind')}
          <select value={kind} onChange={(e) => setKind(e.target.value as typeof kind)} data-testid="warning-kind">
            {WARNING_KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`command.warningKind.${k}`)}
              </option>
            ))}
          </select>
        </label>
        <div className="segmented levels" role="group" aria-label={t('console.warning.level')}>
          {LEVELS.map((l) => (
            <button key={l} type="button" className={`level ${l} ${level === l ? 'on' : ''}`} aria-pressed={level === l} onClick={() => setLevel(l)} data-testid={`warning-level-${l}`}>
              {t(`command.level.${l}`)}
            </button>
          ))}
        </div>
      </div>
      <label className="field">
        {t('console.warning.message')}
        <textarea value={message} onChange={(e) => setMessage(e.target.value)} rows={2} maxLength={500} data-testid="warning-message" />
      </label>
      <button type="submit" className="primary" data-testid="warning-send">
        {t('console.warning.send')}
      </button>
    </ActionForm>
  );
}
