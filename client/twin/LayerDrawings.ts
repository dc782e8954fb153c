/**
 * The drawings of the registered layers in one view, whatever the view: each is loaded and made
 * the first time its layer is on, then shown and hidden with it, and destroyed with the view.
 * A layer that is never turned on costs the view nothing. Framework-free: a view passes its own
 * kind of drawing and what it gives each layer (`view`).
 */

/** What every view asks of a layer's drawing. */
export interface LayerDrawing {
  /** Shows or hides everything it draws (its layer's toggle). */
  setVisible(visible: boolean): void;
  /** Removes and frees what it made, and nothing else. */
  destroy(): void;
}

/** A layer as one view sees it: its id and, when it draws in this view, how to load its drawing. */
export interface LayerDrawingSource<V, D extends LayerDrawing> {
  readonly id: string;
  readonly load?: () => Promise<(view: V) => D>;
}

export class LayerDrawings<V, D extends LayerDrawing> {
  /** The drawings made so far, in the sources' order. */
  readonly made: D[] = [];
  private readonly byId = new Map<string, D>();
  private readonly loading = new Set<string>();
  private on: Readonly<Record<string, boolean>> = {};
  private destroyed = false;

  /** `changed` is called after anything was made, shown or hidden (the view draws again). */
  constructor(
    private readonly sources: readonly LayerDrawingSource<V, D>[],
    private readonly view: V,
    private readonly changed: () => void = () => {},
  ) {}

  /** Brings the drawings in line with which layers are on (by id), making those first turned on. */
  sync(on: Readonly<Record<string, boolean>>): void {
    if (this.destroyed) return;
    this.on = on;
    for (const source of this.sources) {
      const visible = on[source.id] === true;
      const drawing = this.byId.get(source.id);
      if (drawing) drawing.setVisible(visible);
      else if (visible && source.load && !this.loading.has(source.id)) this.make(source, source.load);
    }
    this.changed();
  }

  /** Destroys every drawing made; one still loading is never made. */
  destroy(): void {
    this.destroyed = true;
    for (const drawing of this.made) drawing.destroy();
    this.made.length = 0;
    this.byId.clear();
  }

  private make(source: LayerDrawingSource<V, D>, load: () => Promise<(view: V) => D>): void {
    this.loading.add(source.id);
    load().then(
      (create) => {
        this.loading.delete(source.id);
        if (this.destroyed) return;
        const drawing = create(this.view);
        this.byId.set(source.id, drawing);
        this.made.splice(0, this.made.length, ...this.sources.flatMap((s) => this.byId.get(s.id) ?? []));
        drawing.setVisible(this.on[source.id] === true);
        this.changed();
      },
      (error: Error) => {
        // A chunk that failed to download: the layer can be tried again by turning it off and on.
        this.loading.delete(source.id);
        console.warn(`LayerDrawings: layer "${source.id}" could not be loaded: ${error.message}`);
      },
    );
  }
}
