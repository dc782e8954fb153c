import { describe, expect, it } from 'vitest';
import { FloodRaster } from '../../../../server/sim/flood/FloodRaster.ts';
import { square, terrainCity } from './terrainCity.ts';

const raster = new FloodRaster(terrainCity({ cols: 10, rows: 10, cellM: 10, height: () => 0 }), 10);

describe('FloodRaster', () => {
  it('covers a polygon by the cells whose centres it holds, holes left out', () => {
    const cells: number[] = [];
    // Outer square 60 m (cells 2…7 by centre), a 20 m hole in its middle (cells 4 and 5).
    raster.forEachCellIn([square(50, 50, 30), square(50, 50, 10).reverse()], (i) => cells.push(i));
    const expected: number[] = [];
    for (let r = 2; r <= 7; r++) for (let c = 2; c <= 7; c++) if (!(r >= 4 && r <= 5 && c >= 4 && c <= 5)) expected.push(r * 10 + c);
    expect(cells).toEqual(expected);
  });

  it('leaves out what lies outside the raster, and a polygon too thin to hold a centre', () => {
    const cells: number[] = [];
    raster.forEachCellIn([square(-20, 50, 28)], (i) => cells.push(i));
    expect(cells).toEqual([20, 30, 40, 50, 60, 70]); // column 0, rows 2…7
    const none: number[] = [];
    raster.forEachCellIn([[[36, 0], [44, 0], [44, 100], [36, 100]]], (i) => none.push(i));
    expect(none).toEqual([]);
  });

  it('lists the cells a line crosses, in order, each once', () => {
    expect(raster.lineCells([[5, 5], [35, 5], [35, 25]])).toEqual([0, 1, 2, 3, 13, 23]);
    expect(raster.lineCells([[-50, 5], [15, 5]])).toEqual([0, 1]);
  });
});
