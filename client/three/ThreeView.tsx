/** The Three.js night view as a React component: mounts a ThreeScene for the loaded city, with the registered layers' drawings. */
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { LiveConnection } from '../twin/live/LiveConnection.ts';
import type { Telemetry } from '../twin/telemetry.ts';
import { followRunClock } from '../twin/TwinStore.ts';
import type { TwinStore } from '../twin/TwinStore.ts';
import type { ThreeLayerSource } from './ThreeLayer.ts';
import { ThreeScene } from './ThreeScene.ts';

interface Props {
  store: TwinStore;
  telemetry: Telemetry;
  live: LiveConnection;
  /** The registered layers, in order; those that draw at night are shown while on. */
  layers: readonly ThreeLayerSource[];
}

export default function ThreeView({ store, telemetry, live, layers }: Props) {
  const container = useRef<HTMLDivElement>(null);
  const scene = useRef<ThreeScene | null>(null);
  const { i18n } = useTranslation();
  const language = useRef(i18n.language);
  language.current = i18n.language;

  useEffect(() => {
    const city = store.getState().city;
    if (!container.current || !city) return;
    const s = new ThreeScene(container.current, store, telemetry, city, language.current, live, layers);
    scene.current = s;
    return () => {
      s.dispose();
      scene.current = null;
    };
  }, [store, telemetry, live, layers]);

  // The header shows the joined run's clock (the night styling itself does not follow the hour).
  useEffect(() => {
    if (new URLSearchParams(window.location.search).get('clock') === 'scene') return;
    return followRunClock(store, live.store);
  }, [store, live]);

  useEffect(() => {
    scene.current?.setLanguage(i18n.language);
  }, [i18n.language]);

  return <div ref={container} className="view three-view" data-testid="three-view" />;
}
