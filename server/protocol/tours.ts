/**
 * Tours: a list of views the big screen (`/screen?tour=<id>`) plays in a loop for visits — each a
 * place (a bookmark of the city, a point of interest, or a camera pose), the layers to show, a
 * caption shown as a lower third, and how long it stays. The file shape (tours/*.yaml) and what
 * `GET /api/tours` answers.
 */
import { z } from 'zod';

const Id = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, { error: 'expected a lower-case id of a-z, 0-9, "_" and "-"' });
const Text = z.strictObject({ zh: z.string().min(1), en: z.string().min(1) });
export type TourText = z.infer<typeof Text>;

/**
 * The layers a stop can show or hide: the city's own (buildings, ground, pois, districts, grid) and
 * the registered ones (client/app/layers.ts). Listed here so a misspelt layer fails the file.
 */
export const TOUR_LAYERS = ['buildings', 'ground', 'pois', 'districts', 'grid', 'traffic', 'air', 'incidents', 'flood'] as const;
export const TourLayer = z.enum(TOUR_LAYERS);

/** A camera pose as people write it: degrees (heading clockwise from north, pitch negative down) and metres. */
export const TourCamera = z.strictObject({
  lon: z.number().min(-180).max(180),
  lat: z.number().min(-90).max(90),
  height: z.number().min(1).max(1e6),
  heading: z.number().min(-360).max(360).default(0),
  pitch: z.number().min(-90).max(0).default(-35),
});

export const TourStop = z
  .strictObject({
    bookmark: z.string().min(1).max(64).optional().describe('A bookmark of the city: home, centre, or a named place (client/twin/bookmarks.ts)'),
    poi: z.string().min(1).max(64).optional().describe('A point of interest of the city by id (GET /api/cities/:id pois), seen from `range`'),
    camera: TourCamera.optional().describe('A camera pose: lon, lat (degrees), height (m), heading, pitch (degrees)'),
    range: z.number().min(100).max(50_000).default(1500).describe('For `poi`: metres from the camera to the place'),
    heading: z.number().min(-360).max(360).default(20).describe('For `poi`: degrees clockwise from north'),
    pitch: z.number().min(-90).max(-5).default(-35).describe('For `poi`: degrees, negative looks down'),
    seconds: z.number().min(5).max(3600).describe('How long the stop stays on screen, flight included'),
    layers: z.partialRecord(TourLayer, z.boolean()).default({}).describe('Layers to show (true) or hide (false); the others stay as they are'),
    caption: Text.describe('The lower third while the stop is shown'),
    seekTo: z
      .string()
      .regex(/^T\+\d{2,3}:[0-5]\d:[0-5]\d$/, { error: 'expected "T+hh:mm:ss"' })
      .optional()
      .describe('Sim time to seek to, on a run the screen may control other than the live baseline (which follows the wall clock)'),
  })
  .refine((s) => [s.bookmark, s.poi, s.camera].filter((v) => v !== undefined).length === 1, {
    error: 'give exactly one of bookmark, poi and camera',
  });
export type TourStop = z.infer<typeof TourStop>;

/** A tour file (tours/*.yaml). */
export const TourFile = z.strictObject({
  id: Id.describe('Lower-case id; the file is named <id>.yaml'),
  title: Text,
  /** Seconds each flight to the next stop takes. */
  flySeconds: z.number().min(0).max(30).default(4),
  stops: z.array(TourStop).min(1).max(100),
});
export type Tour = z.infer<typeof TourFile>;

/** `GET /api/tours`: the tours and the files that did not load. */
export interface TourList {
  tours: Tour[];
  errors: string[];
}
