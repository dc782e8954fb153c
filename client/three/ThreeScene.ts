/**
 * The Three.js night view: the city's tilesets through 3d-tiles-renderer, re-framed so the city
 * origin is the scene origin (x east, y up, z south), night-styled buildings with bloom, picking,
 * facility markers, overlays, the registered layers' drawings (ThreeLayer.ts) and smooth camera
 * flights driven by the twin store.
 */
import { TilesRenderer } from '3d-tiles-renderer';
import { GLTFExtensionsPlugin, ImplicitTilingPlugin } from '3d-tiles-renderer/plugins';
import {
  ACESFilmicToneMapping,
  BufferAttribute,
  Color,
  DirectionalLight,
  FogExp2,
  Group,
  HemisphereLight,
  MathUtils,
  Matrix4,
  Mesh,
  MeshBasicMaterial,
  MeshStandardMaterial,
  PerspectiveCamera,
  Raycaster,
  Scene,
  Sphere,
  Vector2,
  Vector3,
  WebGLRenderer,
} from 'three';
import type { Material, Object3D, RenderItem } from 'three';
import { MapControls } from 'three/examples/jsm/controls/MapControls.js';
import { MeshoptDecoder } from 'three/examples/jsm/libs/meshopt_decoder.module.js';
import { EffectComposer } from 'three/examples/jsm/postprocessing/EffectComposer.js';
import { OutputPass } from 'three/examples/jsm/postprocessing/OutputPass.js';
import { RenderPass } from 'three/examples/jsm/postprocessing/RenderPass.js';
import { UnrealBloomPass } from 'three/examples/jsm/postprocessing/UnrealBloomPass.js';
import { homeView } from '../twin/bookmarks.ts';
import { buildingColor } from '../twin/buildingColor.ts';
import { enuToEcefMatrix, enuToGeodetic, geodeticToEnu, lookDirection } from '../twin/geo.ts';
import { FrameCost, MOTION_RESOLUTION } from '../twin/frameCost.ts';
import { LayerDrawings } from '../twin/LayerDrawings.ts';
import type { LiveConnection } from '../twin/live/LiveConnection.ts';
import { SELECTION_COLOR } from '../twin/palette.ts';
import type { Telemetry } from '../twin/telemetry.ts';
import { tileFailureReason } from '../twin/tileFailure.ts';
import { placementMatrix, tilesetAnchor } from '../twin/tilesetPlacement.ts';
import type { CameraCommand, TwinState, TwinStore } from '../twin/TwinStore.ts';
import type { BuildingRecord, CameraView, CityInfo, ExtraTileset } from '../twin/types.ts';
import { CachedScenePass } from './CachedScenePass.ts';
import { lightForeignModel } from './foreignLook.ts';
import { MultipleContentsPlugin } from './MultipleContentsPlugin.ts';
import { createNightMaterial } from './nightMaterial.ts';
import { roofDistances } from './roofDistances.ts';
import type { NightUniforms } from './nightMaterial.ts';
import { createDistrictGroup, createGridGroup, createPoiGroup, declutterPoiLabels, disposeGroup } from './overlays.ts';
import type { LayerHit, PickQuery, ScenePick, ThreeLayerDrawing, ThreeLayerSource, ThreeLayerView } from './ThreeLayer.ts';

interface StructuralMetadataLike {
  getPropertyTableData(table: number, id: number): Record<string, unknown>;
}
interface MeshFeaturesLike {
  getFeatureInfo(): { attribute?: number; propertyTable?: number; nullFeatureId?: number }[];
}

interface BuildingMeshData {
  /** Feature id → record, for picking and recolouring. */
  records: Map<number, BuildingRecord>;
  /** Building id → feature id, for the selection highlight. */
  featureOf: Map<string, number>;
  featureAttribute: BufferAttribute;
  uniforms: NightUniforms;
}

interface Flight {
  fromPosition: Vector3;
  fromTarget: Vector3;
  toPosition: Vector3;
  toTarget: Vector3;
  start: number;
  duration: number;
}

const FLIGHT_SECONDS = 2;

/** The ground tileset's materials (by name) at night. */
const NIGHT_GROUND: Record<string, { color: string; emissive?: string }> = {
  terrain: { color: '#0d1522' },
  road: { color: '#1a2433', emissive: '#1d3250' },
  water: { color: '#04101f', emissive: '#031428' },
  green: { color: '#0a1a14' },
};
/** How much of a ground material's colour the night lights (moon and sky) bring out, as the lit material did. */
const GROUND_LIGHT = 0.6;
/**
 * Bloom strength from a camera this high (metres) down to the ground, and up from this high: seen
 * from low among the towers the lit windows fill the view and full bloom turns them, the streets
 * and the traffic colours into one white haze.
 */
const BLOOM_LOW = { height: 150, strength: 0.2 };
const BLOOM_HIGH = { height: 1500, strength: 0.6 };
/** The bloom works at this fraction of the view's resolution: a glow is blurry anyway. */
const BLOOM_SCALE = 0.5;

/** Error targets, pixels: the ground's few large tiles need less than the buildings. */
const ERROR_TARGET: Record<string, number> = { buildings: 12, ground: 20 };
/**
 * The buildings' first pass loads the root tile alone (the city's tallest buildings), then the
 * tileset refines to ERROR_TARGET: asked for full detail at once, the renderer requested some 25
 * tiles of every level and parsed them side by side, and the first came seconds after a lone root.
 */
const FIRST_PASS_ERROR_TARGET = Number.POSITIVE_INFINITY;
/** The layers' drawings are made this long (ms) after the view opened at the latest (see layersWait). */
const LAYERS_AT_LATEST_MS = 20_000;

/** The camera counts as moving until this long (ms) after its last change. */
const MOTION_SETTLE_MS = 150;

/** UnrealBloomPass at BLOOM_SCALE of the composer's size: a quarter of the pixels to blur. */
class HalfResolutionBloomPass extends UnrealBloomPass {
  constructor(resolution: Vector2, strength: number, radius: number, threshold: number) {
    super(resolution.clone().multiplyScalar(BLOOM_SCALE), strength, radius, threshold);
  }

  override setSize(width: number, height: number): void {
    super.setSize(Math.max(1, Math.round(width * BLOOM_SCALE)), Math.max(1, Math.round(height * BLOOM_SCALE)));
  }
}

/** Opaque objects nearest first (three's sort order for render lists). */
function frontToBack(a: RenderItem, b: RenderItem): number {
  return a.groupOrder - b.groupOrder || a.renderOrder - b.renderOrder || a.z - b.z || a.id - b.id;
}

const easeInOut = (t: number) => (t < 0.5 ? 4 * t * t * t : 1 - (-2 * t + 2) ** 3 / 2);

function record(data: Record<string, unknown>): BuildingRecord | null {
  if (data.id === undefined || data.id === null) return null;
  const n = (v: unknown) => (typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : Number(v ?? 0));
  const s = (v: unknown) => (v === undefined || v === null ? '' : String(v));
  return { id: s(data.id), name: s(data.name), height: n(data.height), floors: n(data.floors), use: s(data.use), district: s(data.district), grid: s(data.grid) };
}

/** Thin things (roads, vehicles) win over a building hit this much farther along the ray: their pick tolerance reaches past its edge. */
const PICK_DEPTH_SLACK_M = 2;

/** Owns everything it creates and frees it in dispose(). */
export class ThreeScene {
  private readonly renderer: WebGLRenderer;
  private readonly composer: EffectComposer;
  private readonly bloom: UnrealBloomPass;
  private readonly scenePass: CachedScenePass;
  private readonly scene = new Scene();
  /** Markers and outlines: drawn after the bloom so text stays crisp and does not glow. */
  private readonly overlayScene = new Scene();
  private readonly camera: PerspectiveCamera;
  private readonly controls: MapControls;
  private readonly world = new Group();
  private readonly tiles = new Map<string, { renderer: TilesRenderer; role: string; failed?: boolean }>();
  private readonly buildingMeshes = new Set<Mesh>();
  private readonly groundMeshes = new Set<Mesh>();
  private overlays: Record<'pois' | 'districts' | 'grid', Group | null> = { pois: null, districts: null, grid: null };
  private flight: Flight | null = null;
  private dirtyFrames = 2;
  private frame = 0;
  /** The full pixel ratio, drawn whenever the camera rests. */
  private readonly pixelRatio: number;
  /** performance.now() of the camera's last change (controls or flight). */
  private cameraMovedAt = -Infinity;
  /**
   * Frames' cost: the time from drawing one to the next tick, which the browser holds back until
   * the GPU (or SwiftShader) has finished it; lastFrameAt is when the last frame was drawn, until
   * the next tick measured it.
   */
  private readonly frameCost = new FrameCost();
  private lastFrameAt = -Infinity;
  /** When the last frame was drawn (kept), and whether a moving layer changed since. */
  private lastDrawnAt = -Infinity;
  private layerFrameOwed = false;
  private disposed = false;
  private readonly cleanups: (() => void)[] = [];
  /** Called once after the tilesets' next update (in tick). */
  private readonly afterNextUpdate: (() => void)[] = [];
  private readonly drawings: LayerDrawings<ThreeLayerView, ThreeLayerDrawing>;
  /**
   * The layers' drawings wait for the buildings' first full picture (or LAYERS_AT_LATEST_MS): made
   * at once, the traffic layer's road lines and the first frames' vehicles were built before the
   * first building tile was even requested. Null once they may be made.
   */
  private layersWait: ReturnType<typeof setTimeout> | null;
  private readonly raycaster = new Raycaster();
  private handledCommand: number;
  private language: string;

  constructor(
    private readonly container: HTMLElement,
    private readonly store: TwinStore,
    private readonly telemetry: Telemetry,
    private readonly city: CityInfo,
    language: string,
    live: LiveConnection,
    layers: readonly ThreeLayerSource[],
  ) {
    this.language = language;
    const width = container.clientWidth || 1;
    const height = container.clientHeight || 1;
    this.renderer = new WebGLRenderer({ antialias: false, powerPreference: 'high-performance' });
    this.pixelRatio = Math.min(window.devicePixelRatio, 1.5);
    this.renderer.setPixelRatio(this.pixelRatio);
    this.renderer.setSize(width, height);
    this.renderer.toneMapping = ACESFilmicToneMapping;
    this.renderer.toneMappingExposure = 1.1;
    // Front to back, so the depth test rejects hidden fragments before shading them: every building
    // mesh has its own material, and three's default order (by material) draws them in load order.
    this.renderer.setOpaqueSort(frontToBack);
    container.appendChild(this.renderer.domElement);

    this.scene.background = new Color('#030a16');
    this.scene.fog = new FogExp2('#030a16', 0.000045);
    this.camera = new PerspectiveCamera(45, width / height, 5, 150000);

    this.scene.add(new HemisphereLight('#4a6aa8', '#05070c', 0.4));
    const moon = new DirectionalLight('#9bb8ff', 0.5);
    moon.position.set(-3000, 6000, 2000);
    this.scene.add(moon);

    // ECEF → city ENU (inverse of the east-north-up frame) → three's y-up: (e, n, u) ↦ (e, u, −n).
    this.world.matrixAutoUpdate = false;
    this.world.matrix.copy(new Matrix4().makeRotationX(-Math.PI / 2).multiply(new Matrix4().fromArray(enuToEcefMatrix(city.origin)).invert()));
    this.world.updateMatrixWorld(true);
    this.scene.add(this.world);

    this.composer = new EffectComposer(this.renderer);
    this.scenePass = new CachedScenePass(this.scene, this.camera);
    this.composer.addPass(this.scenePass);
    // A higher threshold and a shorter radius than full-resolution bloom needed: at half resolution the
    // same radius spreads twice as far, and from afar the lit windows would otherwise melt into haze.
    this.bloom = new HalfResolutionBloomPass(new Vector2(width, height), BLOOM_HIGH.strength, 0.25, 0.45);
    this.composer.addPass(this.bloom);
    const overlayPass = new RenderPass(this.overlayScene, this.camera);
    overlayPass.clear = false;
    overlayPass.clearDepth = true;
    this.composer.addPass(overlayPass);
    this.composer.addPass(new OutputPass());

    this.controls = new MapControls(this.camera, this.renderer.domElement);
    this.controls.enableDamping = true;
    this.controls.dampingFactor = 0.12;
    this.controls.maxPolarAngle = (85 * Math.PI) / 180;
    this.controls.minDistance = 30;
    this.controls.maxDistance = 80000;
    this.controls.addEventListener('change', () => {
      this.cameraMovedAt = performance.now();
      this.invalidate();
    });
    this.controls.addEventListener('end', () => this.reportCamera());

    const start = store.getState().camera;
    if (start) this.jumpTo(start);
    else {
      // Start high above, then fly in: the city arrives rather than pops.
      const home = homeView(city);
      this.jumpTo({ ...home, height: home.height * 2.5 });
      this.flyTo(home, 2.5);
    }

    this.layersWait = store.getState().layers.buildings ? setTimeout(() => this.allowLayers(), LAYERS_AT_LATEST_MS) : null;
    this.addTileset(city.tilesetUrl, 'buildings');
    if (city.groundUrl) this.addTileset(city.groundUrl, 'ground');

    const view: ThreeLayerView = {
      scene: this.scene,
      city,
      store,
      live,
      telemetry,
      screenOf: (point) => this.screenOf(point),
      pickAt: (x, y) => this.pickAt(x, y),
      invalidate: () => this.invalidate(),
    };
    this.drawings = new LayerDrawings(
      layers.map((l) => ({ id: l.id, load: l.three })),
      view,
      () => this.invalidate(),
    );

    this.handledCommand = store.getState().cameraCommand?.seq ?? 0;
    let previous = store.getState();
    this.apply(previous, null);
    this.cleanups.push(
      store.subscribe((state) => {
        this.apply(state, previous);
        previous = state;
      }),
    );
    this.installPicking();
    const resize = new ResizeObserver(() => this.resize());
    resize.observe(container);
    this.cleanups.push(() => resize.disconnect());

    telemetry.probe = {
      view: 'three',
      camera: () => this.currentView(),
      project: (p) => {
        const [e, n, u] = geodeticToEnu(city.origin, p);
        const v = new Vector3(e, u, -n).project(this.camera);
        if (v.z > 1) return null;
        const rect = this.renderer.domElement.getBoundingClientRect();
        return { x: rect.left + ((v.x + 1) / 2) * rect.width, y: rect.top + ((1 - v.y) / 2) * rect.height };
      },
      idle: () => {
        // A frame drawn at the motion resolution is not the view at rest: the sharp one is still owed.
        if (this.flight || this.dirtyFrames > 0 || this.renderer.getPixelRatio() !== this.pixelRatio) return false;
        for (const { renderer, failed } of this.tiles.values()) {
          // A tileset whose tileset.json failed will never have a root: it has nothing left to load.
          if (failed) continue;
          // isLoading is set while tiles are queued, downloading or parsing (not in the typings).
          if ((renderer as unknown as { isLoading: boolean }).isLoading || !renderer.root) return false;
        }
        return true;
      },
    };
    telemetry.emit('three', 'view-ready');
    this.renderer.setAnimationLoop(() => this.tick());
  }

  /** Stops the loop and frees every GPU resource this view made. */
  dispose(): void {
    this.disposed = true;
    this.renderer.setAnimationLoop(null);
    if (this.layersWait) clearTimeout(this.layersWait);
    this.drawings.destroy();
    for (const c of this.cleanups) c();
    for (const { renderer } of this.tiles.values()) renderer.dispose();
    for (const key of ['pois', 'districts', 'grid'] as const) this.setOverlay(key, null);
    this.controls.dispose();
    this.composer.dispose();
    this.renderer.dispose();
    this.renderer.domElement.remove();
    if (this.telemetry.probe?.view === 'three') this.telemetry.probe = null;
  }

  setLanguage(language: string): void {
    if (language === this.language) return;
    this.language = language;
    const state = this.store.getState();
    this.setOverlay('pois', null);
    this.setOverlay('districts', null);
    this.apply(state, null);
  }

  private invalidate(frames = 2): void {
    this.dirtyFrames = Math.max(this.dirtyFrames, frames);
  }

  private resize(): void {
    const width = this.container.clientWidth || 1;
    const height = this.container.clientHeight || 1;
    this.camera.aspect = width / height;
    this.camera.updateProjectionMatrix();
    this.renderer.setSize(width, height);
    this.composer.setSize(width, height);
    for (const { renderer } of this.tiles.values()) renderer.setResolutionFromRenderer(this.camera, this.renderer);
    this.invalidate();
  }

  private tick(): void {
    if (this.disposed) return;
    const now = performance.now();
    if (Number.isFinite(this.lastFrameAt)) {
      this.frameCost.add(now - this.lastFrameAt);
      this.lastFrameAt = -Infinity;
    }
    if (this.flight) {
      const f = this.flight;
      const t = Math.min(1, (now - f.start) / (f.duration * 1000));
      const k = easeInOut(t);
      this.camera.position.lerpVectors(f.fromPosition, f.toPosition, k);
      this.controls.target.lerpVectors(f.fromTarget, f.toTarget, k);
      this.camera.lookAt(this.controls.target);
      this.cameraMovedAt = now;
      this.invalidate();
      if (t >= 1) {
        this.flight = null;
        this.controls.enabled = true;
        this.controls.update();
        this.reportCamera();
      }
    } else if (this.controls.update()) {
      this.invalidate();
    }
    this.camera.updateMatrixWorld();
    for (const { renderer } of this.tiles.values()) renderer.update();
    for (const f of this.afterNextUpdate.splice(0)) f();
    // Moving layers redraw every frame without counting as "not idle": the camera and tiles decide that.
    let staticLayerChanged = false;
    for (const drawing of this.drawings.made) {
      const redraw = drawing.update(this.camera);
      if (redraw === 'moving') this.layerFrameOwed = true;
      else if (redraw === 'all') staticLayerChanged = true;
    }
    const layersChanged = this.layerFrameOwed && this.frameCost.allowsObjectFrame(now, this.lastDrawnAt);
    const moving = this.flight !== null || now - this.cameraMovedAt < MOTION_SETTLE_MS;
    // Come to rest at a reduced resolution: the sharp frame is owed even when nothing else changes.
    if (!moving && this.renderer.getPixelRatio() !== this.pixelRatio) this.invalidate();
    if (this.dirtyFrames > 0 || staticLayerChanged || layersChanged) {
      this.scenePass.staticChanged = this.dirtyFrames > 0 || staticLayerChanged;
      if (this.dirtyFrames > 0) {
        this.dirtyFrames--;
        const pois = this.overlays.pois;
        if (pois) declutterPoiLabels(pois, this.camera, this.container.clientWidth || 1, this.container.clientHeight || 1);
      }
      const k = MathUtils.smoothstep(this.camera.position.y, BLOOM_LOW.height, BLOOM_HIGH.height);
      this.bloom.strength = MathUtils.lerp(BLOOM_LOW.strength, BLOOM_HIGH.strength, k);
      this.choosePixelRatio(moving);
      this.composer.render();
      this.layerFrameOwed = false;
      this.lastDrawnAt = now;
      this.lastFrameAt = performance.now();
      this.frame++;
      this.telemetry.count('three.frames');
      // The main thread's share of a drawn frame, what a machine with a GPU would mostly pay.
      this.telemetry.count('three.frameJsMs', this.lastFrameAt - now);
    }
  }

  /**
   * Full resolution at rest; MOTION_RESOLUTION while the camera moves and frames are slow (here,
   * half the resolution draws a flight about 1.7 times as fast), and a moving picture's detail is
   * not what the eye reads. The canvas itself is resized, though that makes the main thread wait
   * for the frame in flight: resizing only the composer's targets left the output pass drawing
   * every pixel of the full canvas, and flights drew ~15 % fewer frames.
   */
  private choosePixelRatio(moving: boolean): void {
    const reduced = this.renderer.getPixelRatio() !== this.pixelRatio;
    let ratio = this.pixelRatio;
    // Once reduced, reduced until the camera rests: the faster frames that follow are the reduction's doing.
    if (moving && (reduced || this.frameCost.slow)) ratio = this.pixelRatio * MOTION_RESOLUTION;
    if (ratio === this.renderer.getPixelRatio()) return;
    this.renderer.setPixelRatio(ratio);
    this.composer.setPixelRatio(ratio);
    this.telemetry.count(ratio === this.pixelRatio ? 'three.resolutionFull' : 'three.resolutionReduced');
  }

  /** Lets the layers' drawings be made (once), as the layers are now. */
  private allowLayers(): void {
    if (this.layersWait === null || this.disposed) return;
    clearTimeout(this.layersWait);
    this.layersWait = null;
    this.drawings.sync(this.store.getState().layers.overlays);
  }

  private addTileset(url: string, role: string): TilesRenderer {
    const tiles = new TilesRenderer(url);
    const extraId = role.startsWith('extra:') ? role.slice('extra:'.length) : null;
    // Other people's tilesets may be 3D Tiles 1.1 as the globe reads them: implicit tiling, several contents per tile.
    if (extraId) {
      tiles.registerPlugin(new ImplicitTilingPlugin());
      tiles.registerPlugin(new MultipleContentsPlugin());
    }
    tiles.registerPlugin(new GLTFExtensionsPlugin({ meshoptDecoder: MeshoptDecoder, metadata: true, rtc: true }));
    const errorTarget = ERROR_TARGET[role] ?? ERROR_TARGET.buildings;
    let firstPass = role === 'buildings';
    tiles.errorTarget = firstPass ? FIRST_PASS_ERROR_TARGET : errorTarget;
    tiles.setCamera(this.camera);
    tiles.setResolutionFromRenderer(this.camera, this.renderer);
    const on = (type: string, fn: (e: { scene?: Object3D; url?: string; error?: Error; tile?: unknown }) => void) => {
      // The event map is typed per event in the library; our handlers read only common fields.
      (tiles.addEventListener as (t: string, f: typeof fn) => void)(type, fn);
    };
    on('load-root-tileset', () => {
      this.telemetry.emit('three', 'tileset-ready', { url, role });
      if (extraId) this.extraReady(extraId, tiles);
      this.invalidate();
    });
    let firstTile = true;
    on('load-model', (e) => {
      this.telemetry.count(`three.tiles.${role}`);
      if (firstTile) this.telemetry.emit('three', 'first-tile', { url, role });
      firstTile = false;
      if (e.scene && extraId) lightForeignModel(e.scene);
      else if (e.scene) this.styleModel(e.scene, role, tiles.group);
      this.invalidate();
    });
    on('dispose-model', (e) => {
      e.scene?.traverse((o) => {
        if (o instanceof Mesh) {
          this.buildingMeshes.delete(o);
          this.groundMeshes.delete(o);
        }
      });
    });
    on('tile-visibility-change', () => this.invalidate());
    on('needs-update', () => this.invalidate());
    const loaded = () => {
      this.telemetry.emit('three', 'all-tiles-loaded', { url, role });
      if (role === 'buildings') this.allowLayers();
      this.invalidate();
    };
    on('tiles-load-end', () => {
      if (!firstPass) return loaded();
      // The root is in: now the detail the view wants. Where it wants no more than the root,
      // nothing starts loading and no further event comes; the renderer first reads the root's
      // children (its node queue) before it asks for any, so a few quiet updates tell.
      firstPass = false;
      tiles.errorTarget = errorTarget;
      const state = tiles as unknown as { isLoading: boolean; processNodeQueue: { running: boolean } };
      let quietUpdates = 0;
      const settle = () => {
        if (this.disposed || state.isLoading) return;
        if (state.processNodeQueue.running) quietUpdates = 0;
        if (++quietUpdates < 3) this.afterNextUpdate.push(settle);
        else loaded();
      };
      this.afterNextUpdate.push(settle);
      this.invalidate();
    });
    on('load-error', (e) => {
      const message = e.error?.message ?? 'load error';
      console.warn(`ThreeView: ${url}: ${message}`);
      // No tile: the tileset.json itself failed, so the whole layer did.
      if (e.tile) {
        this.telemetry.emit('three', 'tile-failed', { url, role });
        if (extraId) this.store.countTileFailure(extraId, tileFailureReason(message));
      } else {
        const entry = this.tiles.get(url);
        if (entry) entry.failed = true;
        if (role === 'buildings') this.allowLayers();
        this.telemetry.emit('three', 'tileset-failed', { url, role, message });
        if (extraId) this.store.setTilesetStatus(extraId, 'failed', message);
      }
    });
    this.world.add(tiles.group);
    this.tiles.set(url, { renderer: tiles, role });
    return tiles;
  }

  private removeTileset(url: string): void {
    const entry = this.tiles.get(url);
    if (!entry) return;
    this.world.remove(entry.renderer.group);
    entry.renderer.dispose();
    this.tiles.delete(url);
    this.invalidate();
  }

  /** An added tileset's root is in: its bounds go to the store (for placing it), then the camera goes to where it stands. */
  private extraReady(id: string, tiles: TilesRenderer): void {
    // The tileset's own frame (its group, before any placement) is ECEF.
    const sphere = new Sphere();
    if (!tiles.getBoundingSphere(sphere)) {
      this.store.setTilesetStatus(id, 'ready');
      return;
    }
    this.store.tilesetLoaded(id, { centre: sphere.center.toArray(), radius: sphere.radius });
  }

  /** Shows or hides an added tileset and puts it where its placement says (where its file says without one). */
  private placeExtra(t: ExtraTileset): void {
    const group = this.tiles.get(t.url)?.renderer.group;
    if (!group) return;
    group.visible = t.visible;
    group.matrixAutoUpdate = false;
    if (t.placement && t.bounds) group.matrix.fromArray(placementMatrix(t.placement, tilesetAnchor(t.bounds)));
    else group.matrix.identity();
    group.updateMatrixWorld(true);
    this.invalidate();
  }

  /** `group` is the tileset's group, which a new model joins when first shown: its frame gives the model's up. */
  private styleModel(root: Object3D, role: string, group: Object3D): void {
    const state = this.store.getState();
    group.updateWorldMatrix(true, false);
    root.updateMatrixWorld(true);
    // Once in the group (not so far at load-model), the meshes' world matrices already include it.
    const frame = root.parent ? new Matrix4() : group.matrixWorld;
    root.traverse((o) => {
      if (!(o instanceof Mesh)) return;
      if (role === 'buildings') this.styleBuilding(o, state, frame);
      else if (role === 'ground') this.styleGround(o);
    });
  }

  private styleBuilding(mesh: Mesh, state: TwinState, groupMatrix: Matrix4): void {
    const features = mesh.userData.meshFeatures as MeshFeaturesLike | undefined;
    const metadata = mesh.userData.structuralMetadata as StructuralMetadataLike | undefined;
    const info = features?.getFeatureInfo()[0];
    const geometry = mesh.geometry;
    const source = info && typeof info.attribute === 'number' ? geometry.getAttribute(`_feature_id_${info.attribute}`) : undefined;
    const count = geometry.getAttribute('position').count;
    const featureAttribute = new BufferAttribute(new Float32Array(count).fill(-1), 1);
    const records = new Map<number, BuildingRecord>();
    const featureOf = new Map<string, number>();
    if (source) {
      for (let i = 0; i < count; i++) {
        const f = source.getX(i);
        featureAttribute.setX(i, f);
        if (!records.has(f) && metadata && typeof info?.propertyTable === 'number' && f !== info.nullFeatureId) {
          const r = record(metadata.getPropertyTableData(info.propertyTable, f));
          if (r) {
            records.set(f, r);
            featureOf.set(r.id, f);
          }
        }
      }
    }
    geometry.setAttribute('featureId', featureAttribute);
    const toScene = new Matrix4().multiplyMatrices(groupMatrix, mesh.matrixWorld);
    geometry.setAttribute('roofDistance', new BufferAttribute(roofDistances(geometry.getAttribute('position'), toScene, featureAttribute), 1));
    geometry.setAttribute('color', new BufferAttribute(new Float32Array(count * 3), 3));
    const oldMaterial = mesh.material as Material;
    const material = createNightMaterial(SELECTION_COLOR);
    mesh.material = material;
    oldMaterial.dispose();
    const data: BuildingMeshData = { records, featureOf, featureAttribute, uniforms: material.userData.night };
    mesh.userData.building = data;
    this.buildingMeshes.add(mesh);
    this.colourBuilding(mesh, state);
    data.uniforms.selectedFeature.value = state.selection ? (featureOf.get(state.selection.id) ?? -1) : -1;
  }

  private colourBuilding(mesh: Mesh, state: TwinState): void {
    const data = mesh.userData.building as BuildingMeshData;
    const color = mesh.geometry.getAttribute('color') as BufferAttribute;
    const byFeature = new Map<number, Color>();
    for (const [f, r] of data.records) byFeature.set(f, new Color(buildingColor(r, state.colorBy, this.city)));
    const fallback = new Color('#8899aa');
    for (let i = 0; i < color.count; i++) {
      const c = byFeature.get(data.featureAttribute.getX(i)) ?? fallback;
      color.setXYZ(i, c.r, c.g, c.b);
    }
    color.needsUpdate = true;
  }

  private styleGround(mesh: Mesh): void {
    // Unlit: at night the ground is its own flat colour, and the ground covers most of the screen,
    // where a physically based material cost more than everything else in the frame.
    const night = (m: Material): Material => {
      if (!(m instanceof MeshStandardMaterial)) return m;
      const style = NIGHT_GROUND[m.name];
      // Dark land, darker water, streets faintly lit; unknown kinds keep a fraction of their colour.
      const color = style ? new Color(style.color).multiplyScalar(GROUND_LIGHT).add(new Color(style.emissive ?? '#000000')) : m.color.clone().multiplyScalar(0.15 * GROUND_LIGHT);
      const basic = new MeshBasicMaterial({ color, name: m.name });
      m.dispose();
      return basic;
    };
    mesh.material = Array.isArray(mesh.material) ? mesh.material.map(night) : night(mesh.material);
    this.groundMeshes.add(mesh);
  }

  /** Brings the scene in line with the store; `previous` null means everything is new. */
  private apply(state: TwinState, previous: TwinState | null): void {
    const zh = this.language.startsWith('zh');
    if (!previous || state.selection !== previous.selection) {
      const id = state.selection?.id;
      for (const mesh of this.buildingMeshes) {
        const data = mesh.userData.building as BuildingMeshData;
        data.uniforms.selectedFeature.value = id ? (data.featureOf.get(id) ?? -1) : -1;
      }
      this.invalidate();
    }
    if (previous && state.colorBy !== previous.colorBy) {
      for (const mesh of this.buildingMeshes) this.colourBuilding(mesh, state);
      this.invalidate();
    }
    if (!previous || state.layers !== previous.layers) {
      for (const { renderer, role } of this.tiles.values()) {
        if (role === 'buildings') renderer.group.visible = state.layers.buildings;
        if (role === 'ground') renderer.group.visible = state.layers.ground;
      }
      const pois = state.layers.pois;
      if (!pois) this.setOverlay('pois', null);
      else if (!this.overlays.pois || !previous || state.layers.poiKinds !== previous.layers.poiKinds) {
        this.setOverlay('pois', createPoiGroup(this.city, state.layers.poiKinds, zh));
      }
      if (!state.layers.districts) this.setOverlay('districts', null);
      else if (!this.overlays.districts) this.setOverlay('districts', createDistrictGroup(this.city, zh));
      if (!state.layers.grid) this.setOverlay('grid', null);
      else if (!this.overlays.grid) this.setOverlay('grid', createGridGroup(this.city));
      this.invalidate();
    }
    if (this.layersWait === null && (!previous || state.layers.overlays !== previous.layers.overlays)) this.drawings.sync(state.layers.overlays);
    if (!previous || state.tilesets !== previous.tilesets) {
      const wanted = new Set(state.tilesets.map((t) => t.url));
      for (const [url, { role }] of this.tiles) if (role.startsWith('extra:') && !wanted.has(url)) this.removeTileset(url);
      for (const t of state.tilesets) if (!this.tiles.has(t.url)) this.addTileset(t.url, `extra:${t.id}`);
      for (const t of state.tilesets) this.placeExtra(t);
    }
    if (state.cameraCommand && state.cameraCommand.seq > this.handledCommand) {
      this.handledCommand = state.cameraCommand.seq;
      this.runCommand(state.cameraCommand);
    }
  }

  private setOverlay(key: 'pois' | 'districts' | 'grid', group: Group | null): void {
    const old = this.overlays[key];
    if (old) {
      this.overlayScene.remove(old);
      disposeGroup(old);
    }
    this.overlays[key] = group;
    if (group) this.overlayScene.add(group);
    this.invalidate();
  }

  private runCommand(command: CameraCommand): void {
    const target = this.controls.target;
    const offset = this.camera.position.clone().sub(target);
    switch (command.kind) {
      case 'flyTo':
        this.flyTo(command.view, command.duration ?? FLIGHT_SECONDS);
        break;
      case 'home':
        this.flyTo(homeView(this.city), FLIGHT_SECONDS);
        break;
      case 'zoomIn':
      case 'zoomOut': {
        const factor = command.kind === 'zoomIn' ? 0.6 : 1.6;
        this.startFlight(target.clone().add(offset.multiplyScalar(factor)), target.clone(), 0.6);
        break;
      }
      case 'resetNorth': {
        // Keep distance and tilt; put the camera due south of the target so north is up the screen.
        const horizontal = Math.hypot(offset.x, offset.z);
        this.startFlight(new Vector3(target.x, target.y + offset.y, target.z + horizontal), target.clone(), 1);
        break;
      }
    }
  }

  private viewToPose(view: CameraView): { position: Vector3; target: Vector3 } {
    const [e, n, u] = geodeticToEnu(this.city.origin, view);
    const position = new Vector3(e, u, -n);
    const [de, dn, du] = lookDirection(view.heading, view.pitch);
    const dir = new Vector3(de, du, -dn);
    // Aim at the ground plane where the view ray meets it; a level view looks 1 km ahead.
    const distance = dir.y < -0.05 ? Math.min(-position.y / dir.y, 60000) : 1000;
    return { position, target: position.clone().addScaledVector(dir, Math.max(distance, 10)) };
  }

  private jumpTo(view: CameraView): void {
    // A jump ends any flight under way (such as the opening one), which would otherwise carry on from here.
    this.flight = null;
    this.controls.enabled = true;
    const { position, target } = this.viewToPose(view);
    this.camera.position.copy(position);
    this.controls.target.copy(target);
    this.camera.lookAt(target);
    this.controls.update();
    // A jump is not motion: its frames are drawn sharp.
    this.cameraMovedAt = -Infinity;
    this.invalidate();
  }

  private flyTo(view: CameraView, duration: number): void {
    const { position, target } = this.viewToPose(view);
    if (duration <= 0) {
      this.jumpTo(view);
      this.reportCamera();
      return;
    }
    this.startFlight(position, target, duration);
  }

  private startFlight(position: Vector3, target: Vector3, duration: number): void {
    this.flight = {
      fromPosition: this.camera.position.clone(),
      fromTarget: this.controls.target.clone(),
      toPosition: position,
      toTarget: target,
      start: performance.now(),
      duration,
    };
    this.controls.enabled = false;
    this.invalidate();
  }

  private currentView(): CameraView {
    const p = this.camera.position;
    const geo = enuToGeodetic(this.city.origin, [p.x, -p.z, p.y]);
    const dir = new Vector3();
    this.camera.getWorldDirection(dir);
    return { ...geo, heading: Math.atan2(dir.x, -dir.z), pitch: Math.asin(Math.max(-1, Math.min(1, dir.y))) };
  }

  private reportCamera(): void {
    this.store.setCamera(this.currentView());
    this.telemetry.emit('three', 'camera-idle');
  }

  /** The CSS-pixel position (from the page's top-left) of a scene point, or null when behind the camera or off screen. */
  screenOf(point: Vector3): { x: number; y: number } | null {
    const v = point.clone().project(this.camera);
    if (v.z > 1 || v.z < -1 || Math.abs(v.x) > 1 || Math.abs(v.y) > 1) return null;
    const rect = this.renderer.domElement.getBoundingClientRect();
    return { x: rect.left + ((v.x + 1) / 2) * rect.width, y: rect.top + ((1 - v.y) / 2) * rect.height };
  }

  /**
   * What a click at (clientX, clientY) picks: the nearest of the building under the cursor and
   * the layers' things within a few pixels of it (a vehicle over its road).
   */
  pickAt(clientX: number, clientY: number): ScenePick {
    const canvas = this.renderer.domElement;
    const rect = canvas.getBoundingClientRect();
    const ndc = new Vector2(((clientX - rect.left) / rect.width) * 2 - 1, -((clientY - rect.top) / rect.height) * 2 + 1);
    this.camera.updateMatrixWorld();
    this.raycaster.setFromCamera(ndc, this.camera);
    const targets = [...this.tiles.values()].filter((t) => t.role === 'buildings' && t.renderer.group.visible).map((t) => t.renderer.group);
    const hit = this.raycaster.intersectObjects(targets, true).find((h) => h.object instanceof Mesh && h.object.userData.building);
    let record: BuildingRecord | null = null;
    if (hit?.face) {
      const data = (hit.object as Mesh).userData.building as BuildingMeshData;
      record = data.records.get(data.featureAttribute.getX(hit.face.a)) ?? null;
    }
    const buildingDistance = record && hit ? hit.distance : Infinity;
    const query: PickQuery = { x: clientX - rect.left, y: clientY - rect.top, width: rect.width, height: rect.height, camera: this.camera };
    const hits: LayerHit[] = [];
    for (const drawing of this.drawings.made) {
      for (const h of drawing.pick?.(query) ?? []) {
        // In front of the building under the cursor (or beside it, within the slack), else hidden by it.
        if (h.distance <= buildingDistance + PICK_DEPTH_SLACK_M + h.distance * 0.002) hits.push(h);
      }
    }
    hits.sort((a, b) => a.offPx - b.offPx || a.rank - b.rank || a.distance - b.distance);
    if (hits[0]) return { kind: 'layer', pick: hits[0].pick };
    return record ? { kind: 'building', record } : null;
  }

  private installPicking(): void {
    const canvas = this.renderer.domElement;
    let down: { x: number; y: number } | null = null;
    const onDown = (e: PointerEvent) => {
      down = { x: e.clientX, y: e.clientY };
    };
    const onUp = (e: PointerEvent) => {
      if (!down || Math.hypot(e.clientX - down.x, e.clientY - down.y) > 5) return;
      down = null;
      const picked = this.pickAt(e.clientX, e.clientY);
      if (picked?.kind === 'layer') this.store.pickLayer(picked.pick);
      else if (picked?.kind === 'building') this.store.select(picked.record);
      else {
        this.store.select(null);
        this.store.pickLayer(null);
      }
    };
    canvas.addEventListener('pointerdown', onDown);
    canvas.addEventListener('pointerup', onUp);
    this.cleanups.push(() => {
      canvas.removeEventListener('pointerdown', onDown);
      canvas.removeEventListener('pointerup', onUp);
    });
  }
}
