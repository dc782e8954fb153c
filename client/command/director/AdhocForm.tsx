/** The director's ad-hoc inject: a message to a department (or the director's log), with an optional engine inject on the drill's run. */
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { DEPARTMENT_NAMES, DEPARTMENTS } from '../../../server/protocol/access.ts';
import type { Recipient } from '../../../server/protocol/drills.ts';
import type { DrillClient } from '../drill/DrillClient.ts';
import { textIn } from '../shared/drillText.ts';
import { parseInject } from './parseInject.ts';

/** Inject kinds a director commonly sends (the field takes any). */
const KINDS = ['emergency.fire', 'emergency.chemical_release', 'emergency.dispatch', 'emergency.evacuate', 'traffic.close_link', 'traffic.open_link', 'traffic.scale_demand', 'flood.rain'];

export function AdhocForm({ client, disabled }: { client: DrillClient | null; disabled: boolean }) {
  const { t, i18n } = useTranslation();
  const [to, setTo] = useState<Recipient>('emergency_management');
  const [message, setMessage] = useState('');
  const [withInject, setWithInject] = useState(false);
  const [kind, setKind] = useState('');
  const [params, setParams] = useState('{}');
  const [error, setError] = useState<string | null>(null);
  const [sent, setSent] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!client) return;
    setSent(null);
    let inject: { kind: string; params: Record<string, unknown> } | undefined;
    if (withInject) {
      const parsed = parseInject(kind, params);
      if (!parsed.ok) {
        setError(t(parsed.field === 'kind' ? 'director.adhoc.badKind' : 'director.adhoc.badParams', { message: parsed.message }));
        return;
      }
      inject = parsed.inject;
    }
    setError(null);
    setBusy(true);
    const ok = await client.adhoc(to, message.trim(), inject);
    setBusy(false);
    if (ok) {
      setSent(t('director.adhoc.sent'));
      setMessage('');
    } else setError(client.getSnapshot().error?.message ?? t('director.adhoc.failed'));
  };

  return (
    <form className="panel adhoc" onSubmit={(e) => void submit(e)} data-testid="adhoc-form">
      <h2>{t('director.adhoc.title')}</h2>
      <label className="field">
        {t('director.adhoc.to')}
        <select value={to} onChange={(e) => setTo(e.target.value as Recipient)}>
          {DEPARTMENTS.map((d) => (
            <option key={d} value={d}>
              {textIn(DEPARTMENT_NAMES[d], i18n.language)}
            </option>
          ))}
          <option value="director">{t('director.adhoc.toDirector')}</option>
        </select>
      </label>
      <label className="field">
        {t('director.adhoc.message')}
        <textarea value={message} onChange={(e) => setMessage(e.target.value)} rows={2} maxLength={500} required />
      </label>
      <label className="check small">
        <input type="checkbox" checked={withInject} onChange={(e) => setWithInject(e.target.checked)} />
        {t('director.adhoc.withInject')}
      </label>
      {withInject && (
        <>
          <label className="field">
            {t('director.adhoc.kind')}
            <input value={kind} onChange={(e) => setKind(e.target.value)} list="adhoc-kinds" placeholder="emergency.fire" />
            <datalist id="adhoc-kinds">
              {KINDS.map((k) => (
                <option key={k} value={k} />
              ))}
            </datalist>
          </label>
          <label className="field">
            {t('director.adhoc.params')}
            <textarea className="code" value={params} onChange={(e) => setParams(e.target.value)} rows={3} spellCheck={false} />
          </label>
        </>
      )}
      <div className="form-row">
        <button type="submit" className="primary" disabled={disabled || busy || !client || message.trim() === ''}>
          {t('director.adhoc.send')}
        </button>
        {sent && <span className="ok">{sent}</span>}
      </div>
      {error && (
        <p className="error" role="alert" data-testid="adhoc-error">
          {error}
        </p>
      )}
    </form>
  );
}
