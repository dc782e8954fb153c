import { useTranslation } from 'react-i18next';
import type { TwinStore } from '../twin/TwinStore.ts';

/** Zoom in/out, north up and whole-city buttons; the active view carries them out. */
export function NavigationControls({ store }: { store: TwinStore }) {
  const { t } = useTranslation();
  const buttons = [
    { kind: 'zoomIn', label: t('controls.zoomIn'), glyph: '+' },
    { kind: 'zoomOut', label: t('controls.zoomOut'), glyph: '−' },
    { kind: 'resetNorth', label: t('controls.resetNorth'), glyph: 'N' },
    { kind: 'home', label: t('controls.home'), glyph: '⌂' },
  ] as const;
  return (
    <div className="nav-controls" role="toolbar">
      {buttons.map((b) => (
        <button key={b.kind} type="button" title={b.label} aria-label={b.label} onClick={() => store.command({ kind: b.kind })}>
          {b.glyph}
        </button>
      ))}
    </div>
  );
}
