import FFT from 'fft.js';

/**
 * Linear (not circular) 2-D convolution of grids of cols × rows cells with a kernel of cell offsets,
 * by FFT on a padded power-of-two raster (fft.js, radix-4). Two real grids go through one complex
 * transform (one as the real part, one as the imaginary part), so a pair costs one forward and one
 * inverse transform. The kernel's spectrum is kept until the next setKernel.
 */
export class GridConvolution {
  /** Padded raster: at least 2·cols − 1 by 2·rows − 1, so offsets of either sign never wrap onto the grid. */
  readonly width: number;
  readonly height: number;
  private readonly rowFft: FFT;
  private readonly colFft: FFT;
  private readonly kernel: Float64Array;
  private readonly work: Float64Array;
  private readonly line: Float64Array;
  private readonly lineOut: Float64Array;

  constructor(
    readonly cols: number,
    readonly rows: number,
  ) {
    this.width = Math.max(4, nextPowerOfTwo(2 * cols - 1));
    this.height = Math.max(4, nextPowerOfTwo(2 * rows - 1));
    this.rowFft = new FFT(this.width);
    this.colFft = new FFT(this.height);
    this.kernel = new Float64Array(2 * this.width * this.height);
    this.work = new Float64Array(2 * this.width * this.height);
    const longest = Math.max(this.width, this.height);
    this.line = new Float64Array(2 * longest);
    this.lineOut = new Float64Array(2 * longest);
  }

  /**
   * Sets the kernel: `value(dc, dr)` is what a unit source in cell (c, r) adds to cell (c + dc, r + dr),
   * asked for every dc in −(cols − 1) … cols − 1 and dr in −(rows − 1) … rows − 1.
   */
  setKernel(value: (dc: number, dr: number) => number): void {
    const { width: w, height: h, kernel } = this;
    kernel.fill(0);
    for (let dr = -(this.rows - 1); dr < this.rows; dr++) {
      const r = (dr + h) % h;
      for (let dc = -(this.cols - 1); dc < this.cols; dc++) {
        const v = value(dc, dr);
        if (v !== 0) kernel[2 * (r * w + ((dc + w) % w))] = v;
      }
    }
    this.transform2d(kernel, false);
  }

  /**
   * Convolves two grids (row-major, cols × rows) with the kernel into `outA` and `outB`; `b` may be
   * null (then outB is ignored). Sources outside the grid are not modelled.
   */
  convolvePair(a: ArrayLike<number>, b: ArrayLike<number> | null, outA: Float32Array | Float64Array, outB: Float32Array | Float64Array | null): void {
    const { width: w, cols, rows, work, kernel } = this;
    work.fill(0);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const i = 2 * (r * w + c);
        work[i] = a[r * cols + c];
        if (b) work[i + 1] = b[r * cols + c];
      }
    }
    this.transform2d(work, false);
    // Complex product with the kernel's spectrum: linear in the two packed real grids alike.
    for (let i = 0; i < work.length; i += 2) {
      const re = work[i] * kernel[i] - work[i + 1] * kernel[i + 1];
      const im = work[i] * kernel[i + 1] + work[i + 1] * kernel[i];
      work[i] = re;
      work[i + 1] = im;
    }
    this.transform2d(work, true);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const i = 2 * (r * w + c);
        outA[r * cols + c] = work[i];
        if (b && outB) outB[r * cols + c] = work[i + 1];
      }
    }
  }

  /** In-place 2-D transform of an interleaved complex raster: every row, then every column. */
  private transform2d(data: Float64Array, inverse: boolean): void {
    const { width: w, height: h, line, lineOut } = this;
    for (let r = 0; r < h; r++) {
      const base = 2 * r * w;
      for (let k = 0; k < 2 * w; k++) line[k] = data[base + k];
      if (inverse) this.rowFft.inverseTransform(lineOut, line);
      else this.rowFft.transform(lineOut, line);
      for (let k = 0; k < 2 * w; k++) data[base + k] = lineOut[k];
    }
    for (let c = 0; c < w; c++) {
      for (let r = 0; r < h; r++) {
        line[2 * r] = data[2 * (r * w + c)];
        line[2 * r + 1] = data[2 * (r * w + c) + 1];
      }
      if (inverse) this.colFft.inverseTransform(lineOut, line);
      else this.colFft.transform(lineOut, line);
      for (let r = 0; r < h; r++) {
        data[2 * (r * w + c)] = lineOut[2 * r];
        data[2 * (r * w + c) + 1] = lineOut[2 * r + 1];
      }
    }
  }
}

function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}
