import { Router } from '@koa/router';
import type { TourList } from '../protocol/tours.ts';
import { loadTours } from './loadTours.ts';

/**
 * `GET /api/tours`: the tours of `dir` and the files that did not load. Read afresh on each request
 * (a handful of small files): a tour edited on the server plays at the screen's next loop.
 */
export function toursApi(dir: string): Router {
  const router = new Router();
  router.get('/api/tours', (ctx) => {
    const body: TourList = loadTours(dir);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = body;
  });
  return router;
}
