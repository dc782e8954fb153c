/**
 * What `/screen` is asked to show, from its address: the wall's layout (the design canvas), the
 * renderer, a drill to follow and a tour to play. Pure.
 */

/**
 * The design canvases the screen is drawn on, in CSS pixels, each scaled as a whole to the window.
 * `standard` is one 16:9 screen; `wide` a 32:9 wall with two columns of panels either side of a
 * wider 3D view; `?layout=7680x2160` is the wide arrangement drawn at twice the size (the fit scales it by 2 on
 * such a wall): the same panels, text crisp (the browser rasterises it at the final scale), and
 * the 3D view rendered at the window's own pixels (it is placed outside the scaled canvas).
 */
export const LAYOUTS = {
  '1920x1080': { id: 'standard', width: 1920, height: 1080 },
  '3840x1080': { id: 'wide', width: 3840, height: 1080 },
  '7680x2160': { id: 'wide', width: 3840, height: 1080 },
} as const;

export type LayoutName = keyof typeof LAYOUTS;
export type Layout = (typeof LAYOUTS)[LayoutName];

export interface ScreenOptions {
  layout: Layout;
  /** The renderer in the middle: the night view (default) or the globe. */
  view: 'night' | 'globe';
  /** `?follow=<drillId>`: mirror that drill's director. */
  follow: string | null;
  /** `?tour=<id>`: play that tour in a loop. */
  tour: string | null;
  /** What in the address was not understood (warned about, then the default is used). */
  problems: string[];
}

/** Reads `?layout=`, `?view=`, `?follow=` and `?tour=` from a query string. */
export function screenOptions(search: string): ScreenOptions {
  const params = new URLSearchParams(search);
  const problems: string[] = [];
  const layoutParam = params.get('layout') ?? '1920x1080';
  const known = Object.keys(LAYOUTS);
  let layout: Layout = LAYOUTS['1920x1080'];
  if (layoutParam in LAYOUTS) layout = LAYOUTS[layoutParam as LayoutName];
  else problems.push(`?layout=${layoutParam}: expected one of ${known.join(', ')}`);
  const viewParam = params.get('view') ?? 'night';
  let view: ScreenOptions['view'] = 'night';
  if (viewParam === 'globe' || viewParam === 'night') view = viewParam;
  else problems.push(`?view=${viewParam}: expected night or globe`);
  return { layout, view, follow: params.get('follow') || null, tour: params.get('tour') || null, problems };
}

/**
 * Where the design canvas goes in a window: scaled as a whole to fit (letterboxed), centred.
 * `scale` multiplies design pixels; `left`/`top` are window pixels.
 */
export function fitCanvas(layout: Pick<Layout, 'width' | 'height'>, windowWidth: number, windowHeight: number): { scale: number; left: number; top: number } {
  const scale = Math.min(windowWidth / layout.width, windowHeight / layout.height);
  return { scale, left: (windowWidth - layout.width * scale) / 2, top: (windowHeight - layout.height * scale) / 2 };
}
