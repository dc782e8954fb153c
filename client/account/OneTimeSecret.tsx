import { useState } from 'react';
import { useTranslation } from 'react-i18next';

export interface SecretItem {
  label: string;
  value: string;
}

/**
 * A secret shown once (a one-time password; a device token and its wall-screen address), each with a
 * copy button, and a warning it will not be shown again. Without the clipboard API (a page served
 * over plain http) the text is selected for Ctrl+C instead.
 */
export function OneTimeSecret({ title, items, onDone }: { title: string; items: readonly SecretItem[]; onDone: () => void }) {
  const { t } = useTranslation();
  const [copied, setCopied] = useState<{ label: string; how: 'copied' | 'selected' } | null>(null);
  const copy = (item: SecretItem, field: HTMLInputElement | null) => {
    field?.select();
    const selected = () => setCopied({ label: item.label, how: 'selected' });
    if (!navigator.clipboard) return selected();
    navigator.clipboard.writeText(item.value).then(() => setCopied({ label: item.label, how: 'copied' }), selected);
  };
  return (
    <div className="one-time-secret" role="alert" data-testid="one-time-secret">
      <h3>{title}</h3>
      {items.map((item) => (
        <SecretRow key={item.label} item={item} note={copied?.label === item.label ? t(copied.how === 'copied' ? 'admin.copied' : 'admin.pressCopy') : null} onCopy={copy} />
      ))}
      <p className="warning">{t('admin.shownOnce')}</p>
      <button type="button" onClick={onDone}>
        {t('admin.savedIt')}
      </button>
    </div>
  );
}

function SecretRow({ item, note, onCopy }: { item: SecretItem; note: string | null; onCopy: (item: SecretItem, field: HTMLInputElement | null) => void }) {
  const { t } = useTranslation();
  const [field, setField] = useState<HTMLInputElement | null>(null);
  return (
    <label className="secret-row">
      <span className="muted">{item.label}</span>
      <input ref={setField} className="secret" readOnly value={item.value} onFocus={(e) => e.currentTarget.select()} data-testid="secret-value" />
      <button type="button" onClick={() => onCopy(item, field)}>
        {t('admin.copy')}
      </button>
      {note && <span className="muted">{note}</span>}
    </label>
  );
}
