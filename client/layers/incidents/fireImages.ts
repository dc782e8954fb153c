/** The images of a flame, its glow and a puff of smoke, drawn once on canvases and used by both views (billboards, sprites, points). */

const images = new Map<string, HTMLCanvasElement>();

/** The image named `name`, drawn by `draw` on a square canvas of `size` pixels the first time it is asked for. */
function image(name: string, size: number, draw: (g: CanvasRenderingContext2D) => void): HTMLCanvasElement {
  let canvas = images.get(name);
  if (!canvas) {
    canvas = document.createElement('canvas');
    canvas.width = canvas.height = size;
    draw(canvas.getContext('2d')!);
    images.set(name, canvas);
  }
  return canvas;
}

/** A gradient from the centre of a square of `size` pixels out to its edge. */
function radial(g: CanvasRenderingContext2D, size: number, stops: [number, string][]): void {
  const gradient = g.createRadialGradient(size / 2, size / 2, 0, size / 2, size / 2, size / 2);
  for (const [at, color] of stops) gradient.addColorStop(at, color);
  g.fillStyle = gradient;
  g.fillRect(0, 0, size, size);
}

/** A flame on a square of 128 pixels: a white-yellow core in an orange tongue fading to red at its edge, half as wide as tall, its foot at the bottom. */
export const flameImage = (): HTMLCanvasElement =>
  image('flame', 128, (g) => {
    const tongue = (scale: number, stops: [number, string][]) => {
      const gradient = g.createRadialGradient(64, 100, 2, 64, 88, 56 * scale);
      for (const [at, color] of stops) gradient.addColorStop(at, color);
      g.fillStyle = gradient;
      g.beginPath();
      g.moveTo(64, 128 - 124 * scale);
      g.bezierCurveTo(64 + 30 * scale, 128 - 70 * scale, 64 + 30 * scale, 126, 64, 126);
      g.bezierCurveTo(64 - 30 * scale, 126, 64 - 30 * scale, 128 - 70 * scale, 64, 128 - 124 * scale);
      g.fill();
    };
    tongue(1, [
      [0, 'rgba(255, 200, 80, 0.95)'],
      [0.55, 'rgba(255, 110, 20, 0.8)'],
      [1, 'rgba(200, 30, 0, 0)'],
    ]);
    tongue(0.55, [
      [0, 'rgba(255, 255, 230, 1)'],
      [0.6, 'rgba(255, 220, 90, 0.9)'],
      [1, 'rgba(255, 150, 30, 0)'],
    ]);
  });

/** A puff of smoke, 64 pixels: dark grey, soft-edged. */
export const puffImage = (): HTMLCanvasElement =>
  image('puff', 64, (g) =>
    radial(g, 64, [
      [0, 'rgba(48, 46, 46, 0.95)'],
      [0.55, 'rgba(44, 42, 44, 0.7)'],
      [1, 'rgba(40, 40, 44, 0)'],
    ]),
  );

/** The light of a fire, 64 pixels: orange, brightest at the centre, fading to nothing. */
export const glowImage = (): HTMLCanvasElement =>
  image('glow', 64, (g) =>
    radial(g, 64, [
      [0, 'rgba(255, 150, 50, 0.9)'],
      [0.4, 'rgba(255, 90, 20, 0.35)'],
      [1, 'rgba(255, 60, 0, 0)'],
    ]),
  );
