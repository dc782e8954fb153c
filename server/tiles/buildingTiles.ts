import type { Building, CityModel } from '../city/CityModel.ts';
import { BUILDING_USES } from '../city/CityModel.ts';
import { polygonArea, ringCentroid } from '../city/polygon.ts';
import { convexHull } from './convexHull.ts';
import { extrudeBuildings } from './extrudeBuildings.ts';
import { numberColumn, stringColumn, type MetadataSchema, type PropertyTableData } from './metadataExtensions.ts';
import { quadtree, type QuadNode } from './quadtree.ts';
import { emptyBox, expandBox, toTilesBox, unionBox, type Box3, type TileJson } from './tileBox.ts';
import { writeGlb, type MaterialDef } from './writeGlb.ts';

/** Most buildings in a leaf tile: keeps leaf GLBs under about 250 KB uncompressed, 150 KB with meshopt. */
export const LEAF_CAPACITY = 400;
/**
 * Most (simplified) buildings in an upper tile: the tallest quarter of its subtree, at most this
 * many, so each level up holds about a quarter of the one below and the coarse copies add a third.
 */
export const COARSE_CAPACITY = 400;

/** The metadata schema of building features: what picking a building shows. */
export const BUILDING_SCHEMA: MetadataSchema = {
  id: 'yingcheng_twin',
  classes: {
    building: {
      name: 'Building',
      properties: {
        id: { type: 'STRING', required: true },
        // Most buildings have no name; a tile where none has one omits the column (see omittedColumn).
        name: { type: 'STRING', default: '' },
        height: { type: 'SCALAR', componentType: 'FLOAT32', description: 'Height above its base, metres' },
        floors: { type: 'SCALAR', componentType: 'UINT16' },
        use: { type: 'ENUM', enumType: 'buildingUse' },
        district: { type: 'STRING', default: '' },
        grid: { type: 'STRING', default: '' },
      },
    },
  },
  enums: { buildingUse: { valueType: 'UINT8', values: BUILDING_USES.map((name, value) => ({ name, value })) } },
};

/** Linear-RGB materials: light walls and darker roofs, so shapes read from above and from the street. */
const WALL: MaterialDef = { name: 'wall', color: [0.7, 0.66, 0.58, 1], roughness: 0.85 };
const ROOF: MaterialDef = { name: 'roof', color: [0.3, 0.32, 0.35, 1], roughness: 0.9 };

function propertyTable(buildings: Building[]): PropertyTableData {
  return {
    name: 'buildings',
    class: 'building',
    count: buildings.length,
    properties: {
      id: stringColumn(buildings.map((b) => b.id)),
      name: stringColumn(buildings.map((b) => b.name)),
      height: numberColumn(Float32Array.from(buildings, (b) => b.height)),
      floors: numberColumn(Uint16Array.from(buildings, (b) => Math.min(b.floors, 65535))),
      use: numberColumn(Uint8Array.from(buildings, (b) => BUILDING_USES.indexOf(b.use))),
      district: stringColumn(buildings.map((b) => b.district)),
      grid: stringColumn(buildings.map((b) => b.grid)),
    },
  };
}

function buildingsBox(buildings: Building[]): Box3 {
  const box = emptyBox();
  for (const b of buildings) {
    for (const [x, y] of b.footprint[0]) {
      expandBox(box, x, y, b.base);
      expandBox(box, x, y, b.base + b.height);
    }
  }
  return box;
}

/** Metres a convex hull strays from the footprint, roughly: the side of the square it adds. */
function hullError(b: Building): number {
  const added = polygonArea([convexHull(b.footprint[0])]) - polygonArea(b.footprint);
  return Math.sqrt(Math.max(added, 0));
}

export interface TileSink {
  /** Stores a content file (path relative to the tileset folder); returns when written. */
  write(path: string, bytes: Uint8Array): Promise<void>;
  /** Called once per tile built. */
  progress(): void;
}

export interface BuildingTilesResult {
  root: TileJson;
  /** Geometric error of the whole tileset: what not drawing it at all would cost. */
  geometricError: number;
  tiles: number;
}

/** Number of tiles `buildBuildingTiles` will make for these buildings. */
export function planBuildingTree(city: CityModel): QuadNode<Building> {
  return quadtree(city.buildings, (b) => ringCentroid(b.footprint[0]), LEAF_CAPACITY);
}

export function countNodes<T>(node: QuadNode<T>): number {
  return 1 + node.children.reduce((sum, c) => sum + countNodes(c), 0);
}

/**
 * The buildings tileset: a quadtree over footprint centroids. Leaves hold every building exactly
 * once at full detail; an upper tile holds the tallest buildings of its subtree as convex-hull
 * prisms, and its geometric error is what that omits: the tallest building left out, the hulls'
 * deviation, and always more than its children's, so runtimes refine as the camera comes closer.
 */
export async function buildBuildingTiles(tree: QuadNode<Building>, meshopt: boolean, sink: TileSink): Promise<BuildingTilesResult> {
  let tiles = 0;
  const visit = async (node: QuadNode<Building>): Promise<TileJson> => {
    const leaf = node.children.length === 0;
    const children: TileJson[] = [];
    for (const child of node.children) children.push(await visit(child));
    let content: Building[];
    let geometricError: number;
    if (leaf) {
      content = node.items;
      geometricError = 0;
    } else {
      const byHeight = [...node.items].sort((a, b) => b.height - a.height || (a.id < b.id ? -1 : 1));
      const keep = Math.min(COARSE_CAPACITY, Math.ceil(node.items.length / 4));
      content = byHeight.slice(0, keep);
      const omitted = byHeight[keep]?.height ?? 0;
      const simplification = content.reduce((m, b) => Math.max(m, hullError(b)), 0);
      const childMax = Math.max(...children.map((c) => c.geometricError));
      geometricError = Math.ceil(Math.max(omitted, simplification, childMax + 1) * 10) / 10;
    }
    let box = buildingsBox(content.length ? content : node.items);
    const tile: TileJson = { boundingVolume: { box: [] }, geometricError };
    // Leaves keep centimetres; coarse tiles need no better than a small part of their error.
    const precision = leaf ? 0.02 : Math.max(0.02, geometricError / 50);
    if (content.length) {
      const path = `b/t${node.path}.glb`;
      const { roofs, walls } = extrudeBuildings(content, !leaf);
      const glb = await writeGlb(
        {
          name: `buildings ${node.path || 'root'}`,
          primitives: [
            { mesh: roofs, material: ROOF },
            { mesh: walls, material: WALL },
          ],
          metadata: { schema: BUILDING_SCHEMA, table: propertyTable(content) },
        },
        { meshopt, positionPrecision: precision },
      );
      await sink.write(path, glb);
      tile.content = { uri: path };
    }
    for (const child of children) box = unionBox(box, boxOfTile(child));
    // Quantized positions may round outward by up to the precision.
    tile.boundingVolume.box = toTilesBox(box, Math.max(0.05, precision));
    if (children.length) tile.children = children;
    tiles++;
    sink.progress();
    return tile;
  };
  const root = await visit(tree);
  root.refine = 'REPLACE';
  return { root, tiles, geometricError: Math.max(root.geometricError * 2, 100) };
}

/** The ENU box a tile's `box` covers (it is axis-aligned: we only write axis-aligned boxes). */
export function boxOfTile(tile: TileJson): Box3 {
  const b = tile.boundingVolume.box;
  return { min: [b[0] - b[3], b[1] - b[7], b[2] - b[11]], max: [b[0] + b[3], b[1] + b[7], b[2] + b[11]] };
}
