/**
 * The Cesium view (resium): the city's tilesets on an offline globe, styled buildings, picking,
 * facility markers, district and grid overlays, the registered layers' drawings (GlobeLayer.ts),
 * and camera commands from the twin store.
 */
import {
  BoundingSphere,
  buildModuleUrl,
  Cartesian2,
  Cartesian3,
  Cesium3DTileColorBlendMode,
  Cesium3DTileFeature,
  Cesium3DTileset,
  Color,
  Ellipsoid,
  EllipsoidTerrainProvider,
  HeadingPitchRange,
  ImageBasedLighting,
  ImageryLayer,
  JulianDate,
  Math as CesiumMath,
  Matrix4,
  SceneTransforms,
  ScreenSpaceEventHandler,
  ScreenSpaceEventType,
  TileMapServiceImageryProvider,
  UrlTemplateImageryProvider,
} from 'cesium';
import type { Viewer as CesiumViewer } from 'cesium';
import 'cesium/Build/Cesium/Widgets/widgets.css';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useCesium, Viewer } from 'resium';
import { homeView } from '../twin/bookmarks.ts';
import { LayerDrawings } from '../twin/LayerDrawings.ts';
import type { LiveConnection } from '../twin/live/LiveConnection.ts';
import type { Telemetry } from '../twin/telemetry.ts';
import { tileFailureReason } from '../twin/tileFailure.ts';
import { placementMatrix, tilesetAnchor } from '../twin/tilesetPlacement.ts';
import { followRunClock } from '../twin/TwinStore.ts';
import type { CameraCommand, TwinState, TwinStore } from '../twin/TwinStore.ts';
import type { BuildingRecord, CameraView, CityInfo } from '../twin/types.ts';
import { buildingStyle } from './buildingStyle.ts';
import { drawAtmosphereOnlyWithSky, FrameCostMeter, reduceResolutionInMotion, type MotionResolution } from './frameCost.ts';
import type { GlobeLayerDrawing, GlobeLayerSource, GlobeLayerView } from './GlobeLayer.ts';
import { createDistrictSource, createGridSource, createPoiPrimitives } from './overlays.ts';

interface Props {
  store: TwinStore;
  telemetry: Telemetry;
  live: LiveConnection;
  /** The registered layers, in order; those that draw on the globe are shown while on. */
  layers: readonly GlobeLayerSource[];
  /** A tile URL template for the base map (`?imagery=`, once the app has checked its origin); read once, at creation. */
  imagery?: string | null;
}

/** The base map: the tile URL template `imagery`, else Cesium's bundled Natural Earth II. */
function createBaseLayer(template: string | null): ImageryLayer {
  if (template) return new ImageryLayer(new UrlTemplateImageryProvider({ url: template }));
  return ImageryLayer.fromProviderAsync(TileMapServiceImageryProvider.fromUrl(buildModuleUrl('Assets/Textures/NaturalEarthII')));
}

/**
 * The globe's surface, sunk a little below the ellipsoid: the city's ground tileset lies on the
 * ellipsoid near its origin, and from afar the two would fight for the same depth.
 */
function createSunkenGlobe(): EllipsoidTerrainProvider {
  const { x, y, z } = Ellipsoid.WGS84.radii;
  return new EllipsoidTerrainProvider({ ellipsoid: new Ellipsoid(x - GLOBE_SINK, y - GLOBE_SINK, z - GLOBE_SINK) });
}
const GLOBE_SINK = 30;

/** The layers' drawings are made this long (ms) after the view opened at the latest (see cityDrawn). */
const LAYERS_AT_LATEST_MS = 20_000;

/** Side of the square picked around a click, pixels: thin road lines and small vehicles are hard to hit exactly. */
const PICK_SIZE = 7;

export default function GlobeView({ store, telemetry, live, layers, imagery = null }: Props) {
  // Viewer options are read once, at creation.
  const [baseLayer] = useState(() => createBaseLayer(imagery));
  const terrainProvider = useMemo(createSunkenGlobe, []);
  return (
    <div className="view globe-view" data-testid="globe-view">
      <Viewer
        full
        baseLayer={baseLayer}
        terrainProvider={terrainProvider}
        baseLayerPicker={false}
        geocoder={false}
        homeButton={false}
        sceneModePicker={false}
        navigationHelpButton={false}
        animation={false}
        timeline={false}
        fullscreenButton={false}
        infoBox={false}
        selectionIndicator={false}
        scene3DOnly
        msaaSamples={1}
        // The only translucent things are icon and label edges, which rarely overlap: sorted blending
        // draws them alike without order-independent translucency's extra buffers and full-screen
        // pass (~14 % more frames in flight under SwiftShader, A/B in one page).
        orderIndependentTranslucency={false}
        requestRenderMode
        maximumRenderTimeChange={Infinity}
      >
        <GlobeScene store={store} telemetry={telemetry} live={live} layers={layers} />
      </Viewer>
    </div>
  );
}

function cameraView(viewer: CesiumViewer): CameraView {
  const camera = viewer.camera;
  const c = camera.positionCartographic;
  return { lon: CesiumMath.toDegrees(c.longitude), lat: CesiumMath.toDegrees(c.latitude), height: c.height, heading: camera.heading, pitch: camera.pitch };
}

/** Flies the camera to `view`; `motion` (when given) draws the flight at the reduced resolution from its first frame. */
function flyTo(viewer: CesiumViewer, view: CameraView, duration = 2, motion?: MotionResolution): void {
  viewer.camera.flyTo({
    destination: Cartesian3.fromDegrees(view.lon, view.lat, view.height),
    orientation: { heading: view.heading, pitch: view.pitch, roll: 0 },
    duration,
    ...(duration > 0 ? motion?.flightStarting() : undefined),
  });
}

/** Where the view's centre ray meets the globe, and how far away that is. */
function screenCentreTarget(viewer: CesiumViewer): { target: Cartesian3; range: number } | null {
  const canvas = viewer.scene.canvas;
  const ray = viewer.camera.getPickRay(new Cartesian2(canvas.clientWidth / 2, canvas.clientHeight / 2));
  const target = ray && viewer.scene.globe.pick(ray, viewer.scene);
  if (!target) return null;
  return { target, range: Cartesian3.distance(viewer.camera.position, target) };
}

function runCommand(viewer: CesiumViewer, city: CityInfo, command: CameraCommand, motion: MotionResolution): void {
  const camera = viewer.camera;
  switch (command.kind) {
    case 'flyTo':
      flyTo(viewer, command.view, command.duration, motion);
      break;
    case 'home':
      flyTo(viewer, homeView(city), undefined, motion);
      break;
    case 'zoomIn':
    case 'zoomOut': {
      const hit = screenCentreTarget(viewer);
      const distance = hit ? hit.range : Math.max(camera.positionCartographic.height - city.origin.height, 100);
      if (command.kind === 'zoomIn') camera.zoomIn(distance * 0.4);
      else camera.zoomOut(distance * 0.6);
      break;
    }
    case 'resetNorth': {
      const hit = screenCentreTarget(viewer);
      const ends = motion.flightStarting();
      if (hit) {
        camera.flyToBoundingSphere(new BoundingSphere(hit.target, 0), { offset: new HeadingPitchRange(0, camera.pitch, hit.range), duration: 1, ...ends });
      } else {
        camera.flyTo({ destination: camera.position, orientation: { heading: 0, pitch: camera.pitch, roll: 0 }, duration: 1, ...ends });
      }
      break;
    }
  }
  viewer.scene.requestRender();
}

function recordOf(feature: Cesium3DTileFeature): BuildingRecord | null {
  const id = feature.getProperty('id');
  if (id === undefined || id === null) return null;
  const n = (v: unknown) => (typeof v === 'number' ? v : Number(v ?? 0));
  const s = (v: unknown) => (v === undefined || v === null ? '' : String(v));
  return {
    id: String(id),
    name: s(feature.getProperty('name')),
    height: n(feature.getProperty('height')),
    floors: n(feature.getProperty('floors')),
    use: s(feature.getProperty('use')),
    district: s(feature.getProperty('district')),
    grid: s(feature.getProperty('grid')),
  };
}

/**
 * Screen-space error per tileset role, pixels. The ground is a handful of tiles: asking more of it
 * keeps it drawn from the whole-city view, where Cesium would otherwise skip it as too far away.
 */
const SCREEN_SPACE_ERROR: Record<string, number> = { buildings: 8, ground: 2 };

/**
 * The buildings' first pass asks this little (pixels), which the city's root tile (its tallest
 * buildings, error ~95 m) meets from about 1 km off at 720 pixels high; then the tileset refines
 * to SCREEN_SPACE_ERROR.
 * Asked for full detail at once, Cesium requested the dozen tiles of every level down to the
 * view's and decoded them side by side, and the first was shown seconds after a lone root would
 * have been. Not unbounded: Cesium draws no tile of a tileset whose own error is below this.
 */
const FIRST_PASS_SCREEN_SPACE_ERROR = 128;

/** The city's own tilesets are matte: no walls of glass or metal that would mirror the sky. */
const OWN_TILESETS = new Set(['buildings', 'ground']);

/**
 * Lighting for a matte tileset: the sky's diffuse light (spherical harmonics) without its specular
 * reflection. The reflection samples the environment map at several levels of detail for every
 * pixel and added only a faint sheen to flat-coloured walls; without it a flight under
 * SwiftShader drew 9.3 frames instead of 8 (mean of three 5 s flights each, within the noise).
 */
function diffuseSkyLight(): ImageBasedLighting {
  const light = new ImageBasedLighting();
  light.imageBasedLightingFactor = new Cartesian2(1, 0);
  return light;
}

interface TilesetHandlers {
  ready: (tileset: Cesium3DTileset) => void;
  failed?: (message: string) => void;
  /** A tile of it could not be loaded (Cesium's message, which names an HTTP status). */
  tileFailed?: (message: string) => void;
  /** Once, when every tile the view asks for at full detail has first loaded. */
  drawn?: () => void;
}

/**
 * Loads a tileset into the scene and reports its loading (`all-tiles-loaded` only at full detail,
 * after the buildings' root-first pass); returns the cleanup.
 */
function addTileset(viewer: CesiumViewer, url: string, role: string, telemetry: Telemetry, handlers: TilesetHandlers): () => void {
  let tileset: Cesium3DTileset | null = null;
  let cancelled = false;
  const screenSpaceError = SCREEN_SPACE_ERROR[role] ?? 16;
  const rootFirst = role === 'buildings';
  const options = {
    maximumScreenSpaceError: rootFirst ? FIRST_PASS_SCREEN_SPACE_ERROR : screenSpaceError,
    enableCollision: false,
    ...(OWN_TILESETS.has(role) ? { imageBasedLighting: diffuseSkyLight() } : {}),
  };
  Cesium3DTileset.fromUrl(url, options).then(
    (ts) => {
      if (cancelled || viewer.isDestroyed()) {
        ts.destroy();
        return;
      }
      tileset = ts;
      viewer.scene.primitives.add(ts);
      telemetry.emit('cesium', 'tileset-ready', { url, role });
      let firstTile = true;
      ts.tileLoad.addEventListener(() => {
        telemetry.count(`cesium.tiles.${role}`);
        if (firstTile) telemetry.emit('cesium', 'first-tile', { url, role });
        firstTile = false;
      });
      let firstPass = rootFirst;
      let drawn = false;
      const loaded = () => {
        telemetry.emit('cesium', 'all-tiles-loaded', { url, role });
        if (!drawn) handlers.drawn?.();
        drawn = true;
      };
      ts.allTilesLoaded.addEventListener(() => {
        if (!firstPass) loaded();
      });
      // Now the detail the view wants. Where it wants no more than the first pass had, no tile loads
      // and Cesium reports nothing: the first frame at full detail tells.
      const refine = () => {
        firstPass = false;
        ts.maximumScreenSpaceError = screenSpaceError;
        let postRenders = 0;
        const removeCheck = viewer.scene.postRender.addEventListener(() => {
          // The frame running when this is called has not drawn at full detail yet: the next one has.
          if (!cancelled && ++postRenders < 2) return;
          removeCheck();
          if (!cancelled && ts.tilesLoaded) loaded();
        });
        viewer.scene.requestRender();
      };
      ts.initialTilesLoaded.addEventListener(() => {
        telemetry.emit('cesium', 'initial-tiles-loaded', { url, role });
        if (firstPass) refine();
      });
      if (firstPass) {
        // A first pass that requests nothing (the city too far off for its coarse error, or out of
        // view) would never end: after two frames without a request, full detail at once.
        let requested = false;
        const removeProgress = ts.loadProgress.addEventListener((pending: number, processing: number) => {
          if (pending + processing > 0) requested = true;
        });
        let frames = 0;
        const removeWatch = viewer.scene.postRender.addEventListener(() => {
          if (!requested && firstPass && !cancelled && ++frames < 2) return viewer.scene.requestRender();
          removeWatch();
          removeProgress();
          if (!requested && firstPass && !cancelled) refine();
        });
      }
      ts.tileFailed.addEventListener((e: { url: string; message: string }) => {
        console.warn(`GlobeView: tile ${e.url} failed: ${e.message}`);
        telemetry.emit('cesium', 'tile-failed', { url: e.url, role });
        handlers.tileFailed?.(e.message);
      });
      handlers.ready(ts);
      viewer.scene.requestRender();
    },
    (error: unknown) => {
      // Cesium rejects a failed request with a RequestErrorEvent, which is no Error but says its status.
      const message = error instanceof Error ? error.message : String(error);
      if (cancelled) return;
      console.warn(`GlobeView: tileset ${url} could not be loaded: ${message}`);
      telemetry.emit('cesium', 'tileset-failed', { url, role, message });
      handlers.failed?.(message);
    },
  );
  return () => {
    cancelled = true;
    if (tileset && !viewer.isDestroyed()) viewer.scene.primitives.remove(tileset);
  };
}

/** True when a `scene.pick` result belongs to `tileset`. */
function isPartOf(picked: unknown, tileset: Cesium3DTileset | null): boolean {
  if (!tileset) return false;
  if (picked instanceof Cesium3DTileFeature) return picked.tileset === tileset;
  return typeof picked === 'object' && picked !== null && (picked as { primitive?: unknown }).primitive === tileset;
}

function GlobeScene({ store, telemetry, live, layers }: Props) {
  const { viewer } = useCesium();
  const { i18n } = useTranslation();
  const zh = i18n.language.startsWith('zh');
  const [state, setState] = useState<TwinState>(store.getState());
  const [buildings, setBuildings] = useState<Cesium3DTileset | null>(null);
  const buildingsRef = useRef<Cesium3DTileset | null>(null);
  const groundRef = useRef<Cesium3DTileset | null>(null);
  const drawingsRef = useRef<LayerDrawings<GlobeLayerView, GlobeLayerDrawing> | null>(null);
  const frameCostRef = useRef<FrameCostMeter | null>(null);
  const city = state.city;

  useEffect(() => store.subscribe((s) => setState(s)), [store]);

  // The layers' drawings wait for the city's first complete picture: built together, 7,900 road
  // polylines held the buildings' first tile back by ~3 s and the whole view by ~8 s (the same two
  // cores and web workers). Without that picture (buildings hidden, a failed tileset) they wait no
  // longer than this.
  const [cityDrawn, setCityDrawn] = useState(false);
  useEffect(() => {
    if (!state.layers.buildings) setCityDrawn(true);
    const timer = setTimeout(() => setCityDrawn(true), LAYERS_AT_LATEST_MS);
    return () => clearTimeout(timer);
  }, [state.layers.buildings]);

  // The registered layers' drawings, each made when its layer is first on, then shown and hidden with it.
  useEffect(() => {
    if (!viewer || !city || !cityDrawn) return;
    const view: GlobeLayerView = { viewer, city, store, live, telemetry, frameCost: () => frameCostRef.current };
    const drawings = new LayerDrawings(
      layers.map((l) => ({ id: l.id, load: l.globe })),
      view,
      () => !viewer.isDestroyed() && viewer.scene.requestRender(),
    );
    drawings.sync(store.getState().layers.overlays);
    const unsubscribe = store.subscribe((s, previous) => {
      if (s.layers.overlays !== previous.layers.overlays) drawings.sync(s.layers.overlays);
    });
    drawingsRef.current = drawings;
    return () => {
      unsubscribe();
      drawings.destroy();
      drawingsRef.current = null;
    };
  }, [viewer, city, live, telemetry, store, cityDrawn, layers]);

  // The sun follows the joined run's clock; `?clock=scene` keeps the fixed daytime hour (screenshots, demos).
  useEffect(() => {
    if (new URLSearchParams(window.location.search).get('clock') === 'scene') return;
    return followRunClock(store, live.store);
  }, [store, live]);
  useEffect(() => {
    if (!viewer) return;
    viewer.clock.currentTime = JulianDate.fromDate(new Date(state.time));
    viewer.scene.requestRender();
  }, [viewer, state.time]);

  // Scene set-up, starting camera, picking, camera commands, camera reports.
  useEffect(() => {
    if (!viewer || !city) return;
    const scene = viewer.scene;
    (viewer.cesiumWidget.creditContainer as HTMLElement).style.display = 'none';
    scene.globe.enableLighting = true;
    scene.globe.baseColor = Color.fromCssColorString('#1b2a3a');
    scene.globe.depthTestAgainstTerrain = false;
    scene.highDynamicRange = false;
    viewer.clock.shouldAnimate = false;
    const undoSky = drawAtmosphereOnlyWithSky(scene);
    const frameCost = new FrameCostMeter(scene);
    frameCostRef.current = frameCost;
    const motionResolution = reduceResolutionInMotion(viewer, frameCost, telemetry);

    const start = store.getState().camera;
    if (start) flyTo(viewer, start, 0);
    else flyTo(viewer, homeView(city), 2.5, motionResolution);

    const handler = new ScreenSpaceEventHandler(scene.canvas);
    handler.setInputAction((click: { position: Cartesian2 }) => {
      // Whatever is drawn nearest the click within the square wins: a building, or a layer's thing (a road, a vehicle).
      const picked: unknown = scene.pick(click.position, PICK_SIZE, PICK_SIZE);
      if (picked instanceof Cesium3DTileFeature && picked.tileset === buildingsRef.current) {
        const record = recordOf(picked);
        if (record) {
          store.select(record);
          return;
        }
      }
      for (const drawing of drawingsRef.current?.made ?? []) {
        const pick = drawing.pick?.(picked, click.position) ?? null;
        if (pick) {
          store.pickLayer(pick);
          return;
        }
      }
      // Bare ground is nothing to show either: a click there clears like a click on the sky.
      if (!picked || isPartOf(picked, groundRef.current)) {
        store.select(null);
        store.pickLayer(null);
      }
    }, ScreenSpaceEventType.LEFT_CLICK);

    let moving = false;
    const removeMoveStart = viewer.camera.moveStart.addEventListener(() => {
      moving = true;
    });
    const removeMoveEnd = viewer.camera.moveEnd.addEventListener(() => {
      moving = false;
      store.setCamera(cameraView(viewer));
      telemetry.emit('cesium', 'camera-idle');
    });
    let handled = store.getState().cameraCommand?.seq ?? 0;
    const unsubscribe = store.subscribe((s) => {
      if (s.cameraCommand && s.cameraCommand.seq > handled && s.city) {
        handled = s.cameraCommand.seq;
        runCommand(viewer, s.city, s.cameraCommand, motionResolution);
      }
    });
    telemetry.probe = {
      view: 'cesium',
      camera: () => cameraView(viewer),
      project(p) {
        const w = SceneTransforms.worldToWindowCoordinates(scene, Cartesian3.fromDegrees(p.lon, p.lat, p.height));
        if (!w) return null;
        const rect = scene.canvas.getBoundingClientRect();
        return { x: rect.left + w.x, y: rect.top + w.y };
      },
      idle() {
        if (moving || !motionResolution.settled() || drawingsRef.current?.made.some((d) => d.busy?.())) return false;
        for (let i = 0; i < scene.primitives.length; i++) {
          const p: unknown = scene.primitives.get(i);
          if (p instanceof Cesium3DTileset && p.show && !p.tilesLoaded) return false;
        }
        return true;
      },
    };
    // A frame's main-thread time, from the update before it to its end (what a machine with a GPU would mostly pay).
    let updateStartedAt = 0;
    const removePreUpdate = scene.preUpdate.addEventListener(() => {
      updateStartedAt = performance.now();
    });
    const removePostRender = scene.postRender.addEventListener(() => {
      telemetry.count('cesium.frames');
      telemetry.count('cesium.frameJsMs', performance.now() - updateStartedAt);
    });
    telemetry.emit('cesium', 'view-ready');
    return () => {
      handler.destroy();
      undoSky();
      motionResolution.destroy();
      frameCost.destroy();
      frameCostRef.current = null;
      removeMoveStart();
      removeMoveEnd();
      removePreUpdate();
      removePostRender();
      unsubscribe();
      if (telemetry.probe?.view === 'cesium') telemetry.probe = null;
    };
  }, [viewer, city, store, telemetry]);

  // The city's own tilesets.
  useEffect(() => {
    if (!viewer || !city) return;
    const removeBuildings = addTileset(viewer, city.tilesetUrl, 'buildings', telemetry, {
      ready: (ts) => {
        // The style's colour is the building's colour, not a tint over the tile's own.
        ts.colorBlendMode = Cesium3DTileColorBlendMode.REPLACE;
        buildingsRef.current = ts;
        setBuildings(ts);
      },
      failed: () => setCityDrawn(true),
      drawn: () => setCityDrawn(true),
    });
    const removeGround = city.groundUrl
      ? addTileset(viewer, city.groundUrl, 'ground', telemetry, {
          ready: (ts) => {
            ts.show = store.getState().layers.ground;
            groundRef.current = ts;
          },
        })
      : () => {};
    return () => {
      removeBuildings();
      removeGround();
      buildingsRef.current = null;
      groundRef.current = null;
      setBuildings(null);
    };
  }, [viewer, city, telemetry, store]);

  // Extra tilesets added by URL: each is loaded once, its bounds go to the store (for placing it) and the camera to where it stands.
  const extraKey = state.tilesets.map((t) => `${t.id}=${t.url}`).join('|');
  const extrasRef = useRef(new Map<string, Cesium3DTileset>());
  useEffect(() => {
    if (!viewer) return;
    const extras = extrasRef.current;
    const cleanups = store.getState().tilesets.map((t) =>
      addTileset(viewer, t.url, `extra:${t.id}`, telemetry, {
        ready: (ts) => {
          extras.set(t.id, ts);
          // Loaded with no model matrix: this is the sphere its file gives.
          const { center, radius } = ts.boundingSphere;
          store.tilesetLoaded(t.id, { centre: [center.x, center.y, center.z], radius });
        },
        failed: (message) => store.setTilesetStatus(t.id, 'failed', message),
        tileFailed: (message) => store.countTileFailure(t.id, tileFailureReason(message)),
      }),
    );
    return () => {
      cleanups.forEach((c) => c());
      extras.clear();
    };
  }, [viewer, extraKey, store, telemetry]);
  // Shown or hidden, and where the placement puts them (where their files say without one).
  useEffect(() => {
    if (!viewer) return;
    for (const t of state.tilesets) {
      const ts = extrasRef.current.get(t.id);
      if (!ts) continue;
      ts.show = t.visible;
      ts.modelMatrix = t.placement && t.bounds ? Matrix4.fromArray(placementMatrix(t.placement, tilesetAnchor(t.bounds))) : Matrix4.IDENTITY.clone();
    }
    viewer.scene.requestRender();
  }, [viewer, state.tilesets]);

  // Building style and layer visibility.
  const selectedId = state.selection?.id ?? null;
  useEffect(() => {
    if (!viewer || !buildings || !city) return;
    buildings.style = buildingStyle(city, state.colorBy, selectedId);
    buildings.show = state.layers.buildings;
    viewer.scene.requestRender();
  }, [viewer, buildings, city, state.colorBy, selectedId, state.layers.buildings]);
  useEffect(() => {
    if (!viewer) return;
    if (groundRef.current) groundRef.current.show = state.layers.ground;
    viewer.scene.requestRender();
  }, [viewer, state.layers.ground, buildings]);

  // Facility markers.
  const { pois, poiKinds } = state.layers;
  useEffect(() => {
    if (!viewer || !city || !pois) return;
    const { billboards, labels } = createPoiPrimitives(city, poiKinds, zh);
    viewer.scene.primitives.add(billboards);
    viewer.scene.primitives.add(labels);
    viewer.scene.requestRender();
    return () => {
      if (viewer.isDestroyed()) return;
      viewer.scene.primitives.remove(billboards);
      viewer.scene.primitives.remove(labels);
      viewer.scene.requestRender();
    };
  }, [viewer, city, pois, poiKinds, zh]);

  // District outlines and management grid.
  const { districts, grid } = state.layers;
  useEffect(() => {
    if (!viewer || !city || !districts) return;
    const source = createDistrictSource(city, zh);
    void viewer.dataSources.add(source).then(() => viewer.scene.requestRender());
    return () => {
      if (!viewer.isDestroyed()) viewer.dataSources.remove(source, true);
    };
  }, [viewer, city, districts, zh]);
  useEffect(() => {
    if (!viewer || !city || !grid) return;
    const source = createGridSource(city);
    void viewer.dataSources.add(source).then(() => viewer.scene.requestRender());
    return () => {
      if (!viewer.isDestroyed()) viewer.dataSources.remove(source, true);
    };
  }, [viewer, city, grid]);

  return null;
}
