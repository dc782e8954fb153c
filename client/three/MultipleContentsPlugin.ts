/**
 * 3D Tiles 1.1 multiple contents (`contents[]`) for 3d-tiles-renderer, which reads only `content`:
 * a tile's first content loads as usual, and its others are fetched and parsed with it into one
 * scene, so they show and go together as the tile's content does in CesiumJS.
 */
import { Group } from 'three';
import type { Object3D } from 'three';
import type { TilesRenderer } from '3d-tiles-renderer';

/** The tile fields this plugin reads and writes (the library's tiles are plain objects). */
interface TileLike {
  content?: { uri: string };
  contents?: { uri: string }[];
  internal: { basePath: string; hasContent: boolean; hasRenderableContent: boolean; hasUnrenderableContent: boolean; depthFromRenderedParent: number };
  engineData: { scene: Object3D | null; materials: unknown[] | null; geometry: unknown[] | null; textures: unknown[] | null };
}

/** What this plugin calls on the renderer beyond its typings. */
interface RendererInternals {
  fetchOptions: RequestInit;
  invokeOnePlugin<T>(fn: (plugin: Record<string, (...args: unknown[]) => T>) => T | undefined): T | null;
  invokeAllPlugins(fn: (plugin: Record<string, (...args: unknown[]) => unknown>) => unknown): unknown;
  parseTile(buffer: ArrayBuffer, tile: TileLike, extension: string, url: string, signal: AbortSignal): Promise<void>;
}

const EXTRA = Symbol('extraContents');
type MultiTile = TileLike & { [EXTRA]?: { uri: string }[] };

export class MultipleContentsPlugin {
  readonly name = 'MULTIPLE_CONTENTS_PLUGIN';
  private tiles!: TilesRenderer & RendererInternals;

  init(tiles: TilesRenderer): void {
    this.tiles = tiles as TilesRenderer & RendererInternals;
  }

  /** Gives a tile with `contents` its first as `content` and keeps the rest for parseTile. */
  preprocessNode(tile: MultiTile, _dir: string, parent: TileLike | null): void {
    if (tile.content || !Array.isArray(tile.contents) || tile.contents.length === 0) return;
    const [first, ...rest] = tile.contents;
    tile.content = first;
    tile[EXTRA] = rest;
    const external = /\.json$/i.test(new URL(first.uri, 'http://x/').pathname);
    tile.internal.hasContent = true;
    tile.internal.hasRenderableContent = !external;
    tile.internal.hasUnrenderableContent = external;
    tile.internal.depthFromRenderedParent = (parent?.internal.depthFromRenderedParent ?? 0) + (external ? 0 : 1);
  }

  parseTile(buffer: ArrayBuffer, tile: MultiTile, extension: string, url: string, signal: AbortSignal): Promise<void> | null {
    const rest = tile[EXTRA];
    if (!rest?.length) return null;
    return this.parseAll(buffer, tile, rest, extension, url, signal);
  }

  private async parseAll(buffer: ArrayBuffer, tile: MultiTile, rest: { uri: string }[], extension: string, url: string, signal: AbortSignal): Promise<void> {
    const tiles = this.tiles;
    await tiles.parseTile(buffer, tile, extension, url, signal);
    const data = tile.engineData;
    if (signal.aborted || !data.scene) return;
    const group = new Group();
    group.add(data.scene);
    for (const content of rest) {
      let partUrl = new URL(content.uri, tile.internal.basePath + '/').toString();
      tiles.invokeAllPlugins((plugin) => (partUrl = plugin.preprocessURL ? (plugin.preprocessURL(partUrl, tile) as string) : partUrl));
      const response = (await tiles.invokeOnePlugin((plugin) => plugin.fetchData?.(partUrl, { ...tiles.fetchOptions, signal }))) as Response | null;
      if (!response) throw new Error(`MultipleContentsPlugin: nothing fetched ${partUrl}`);
      // Worded as the renderer words a failed tile, so one reader finds the status in both.
      if (!response.ok) throw new Error(`Failed to load model with error code ${response.status}: ${partUrl}`);
      const bytes = await response.arrayBuffer();
      // The part parses as a copy of the tile with its own engine data (same transform), then joins the group.
      const part = Object.assign(Object.create(tile) as MultiTile, { engineData: { ...data, scene: null } });
      await tiles.parseTile(bytes, part, new URL(partUrl).pathname.split('.').pop() ?? '', partUrl, signal);
      if (signal.aborted || !part.engineData.scene) return;
      group.add(part.engineData.scene);
      data.materials = [...(data.materials ?? []), ...(part.engineData.materials ?? [])];
      data.geometry = [...(data.geometry ?? []), ...(part.engineData.geometry ?? [])];
      data.textures = [...(data.textures ?? []), ...(part.engineData.textures ?? [])];
    }
    data.scene = group;
  }
}
