/** A page's live stream with every layer fed from it: the twin's and the command center's pages alike. */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Layer } from '../layers/Layer.ts';
import type { LiveConnection } from '../twin/live/LiveConnection.ts';
import { createLive, exposeLive } from './liveSetup.ts';

/**
 * The page's LiveConnection (run controls shown when `canControl`), each of `layers` connected to it
 * and the test hooks on window.__twin.live; connected while the page is shown, closed after.
 */
export function useLayeredLive(layers: readonly Layer[], canControl: boolean): LiveConnection {
  const { i18n } = useTranslation();
  const [live] = useState(() => createLive(i18n.language, canControl));
  useEffect(() => {
    exposeLive(live);
    const stops = layers.map((layer) => layer.connect(live));
    live.connect();
    return () => {
      live.dispose();
      for (const stop of stops) stop();
    };
  }, [live, layers]);
  return live;
}
