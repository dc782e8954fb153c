/** The Three.js night view as a React component: mounts a ThreeScene for the loaded city. */
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { LiveConnection } from '../twin/live/LiveConnection.ts';
import type { Telemetry } from '../twin/telemetry.ts';
import { followRunClock } from '../twin/TwinStore.ts';
import type { TwinStore } from '../twin/TwinStore.ts';
import { loadRoads } from '../twin/traffic/roads.ts';
import { MovingObjects } from './movingObjects.ts';
import { ThreeScene } from './ThreeScene.ts';
import { exposeTrafficHooks } from './trafficTestHooks.ts';
import { TrafficRoads } from './trafficRoads.ts';

export default function ThreeView({ store, telemetry, live }: { store: TwinStore; telemetry: Telemetry; live?: LiveConnection }) {
  const container = useRef<HTMLDivElement>(null);
  const scene = useRef<ThreeScene | null>(null);
  const { i18n } = useTranslation();
  const language = useRef(i18n.language);
  language.current = i18n.language;

  useEffect(() => {
    const city = store.getState().city;
    if (!container.current || !city) return;
    const s = new ThreeScene(container.current, store, telemetry, city, language.current);
    scene.current = s;
    let removeHooks: (() => void) | null = null;
    if (live) {
      // One fetch for both: the ribbons' lines, and the terrain the vehicles are set on.
      const roads = loadRoads(city.id);
      const traffic = s.addLayer((parent) => new TrafficRoads(parent, roads, live, store, telemetry));
      const objects = s.addLayer((parent) => new MovingObjects(parent, live, telemetry, roads));
      removeHooks = exposeTrafficHooks(s, traffic, objects, live, city);
    }
    return () => {
      removeHooks?.();
      s.dispose();
      scene.current = null;
    };
  }, [store, telemetry, live]);

  // The header shows the joined run's clock (the night styling itself does not follow the hour).
  useEffect(() => {
    if (!live || new URLSearchParams(window.location.search).get('clock') === 'scene') return;
    return followRunClock(store, live.store);
  }, [store, live]);

  useEffect(() => {
    scene.current?.setLanguage(i18n.language);
  }, [i18n.language]);

  return <div ref={container} className="view three-view" data-testid="three-view" />;
}
