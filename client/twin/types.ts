/** Shapes the client reads from the server's JSON API and shares between views. */
import type { NativeBounds, PlacementError, TilesetPlacement } from './tilesetPlacement.ts';

export interface LocalizedName {
  zh: string;
  en: string;
}

export interface LonLatHeight {
  lon: number;
  lat: number;
  height: number;
}

export const POI_KINDS = ['fire_station', 'hospital', 'police', 'shelter', 'school', 'aq_station'] as const;
export type PoiKind = (typeof POI_KINDS)[number];

export const BUILDING_USES = ['residential', 'commercial', 'office', 'industrial', 'public', 'school', 'hospital'] as const;
export type BuildingUse = (typeof BUILDING_USES)[number];

export interface CityPoi {
  id: string;
  kind: PoiKind;
  name: LocalizedName;
  lon: number;
  lat: number;
  height?: number;
}

export interface CityDistrict {
  id: string;
  name: LocalizedName;
  /** Rings of [lon, lat] degrees, outer first. */
  rings: [number, number][][];
}

export interface CityGridCell {
  id: string;
  district: string;
  /** Cell corners as [lon, lat] degrees. */
  ring: [number, number][];
}

/** A city as the app knows it: from GET /api/cities/:id, normalised by loadCity. */
export interface CityInfo {
  id: string;
  name: LocalizedName;
  synthetic: boolean;
  origin: LonLatHeight;
  /** Degrees. */
  bounds: { west: number; south: number; east: number; north: number };
  counts: Record<string, number>;
  districts: CityDistrict[];
  grid: CityGridCell[];
  pois: CityPoi[];
  /** URL of the buildings tileset. */
  tilesetUrl: string;
  /** URL of the ground (terrain, roads, water, green) tileset, when the city has one. */
  groundUrl: string | null;
}

/** A building's record as read from the picked feature's metadata. */
export interface BuildingRecord {
  id: string;
  name: string;
  height: number;
  floors: number;
  use: string;
  district: string;
  grid: string;
}

/**
 * A camera pose both views understand: the camera's position (degrees, ellipsoid metres) and its
 * heading (radians clockwise from north) and pitch (radians, negative looks down).
 */
export interface CameraView {
  lon: number;
  lat: number;
  height: number;
  heading: number;
  pitch: number;
}

export interface Bookmark {
  id: string;
  name: LocalizedName;
  view: CameraView;
}

export interface SavedView {
  id: string;
  name: string;
  view: CameraView;
}

export interface ExtraTileset {
  id: string;
  url: string;
  /** What the active view reported; absent until it tries. */
  status?: 'ready' | 'failed';
  /** Why it failed, for the layer panel. */
  error?: string;
  /** Shown (the layer panel's checkbox). */
  visible: boolean;
  /** Where the user put it; absent: where its file says. */
  placement?: TilesetPlacement;
  /** Why the placement given with its URL (`URL@…`) was not used. */
  placementError?: PlacementError;
  /** Its root bounding sphere as the file puts it, once a view has read it. */
  bounds?: NativeBounds;
  /** Tiles the active view could not load, by reason (an HTTP status, `network`, `content`). */
  failures?: Readonly<Record<string, number>>;
}

export type ColorBy = 'use' | 'height' | 'district';

/**
 * Something of a layer (client/layers/<id>) the user clicked in a view — a road, a vehicle, a
 * station: the layer's id, what kind of thing it is, and whatever else that layer needs to find it
 * again. Its inspector shows it; a building selection and a layer pick exclude each other.
 */
export type LayerPick = { readonly layer: string; readonly kind: string } & { readonly [field: string]: string | number };
