/**
 * The drill routes as the command center's pages read them: the list (GET /api/drills), one drill
 * with its MSEL and sessions (GET /api/drills/:id) and a session's review (GET
 * /api/drills/sessions/:sessionId/review). Errors carry the server's message (it names the field).
 */
import { fetchJson } from '../../twin/http.ts';
import type { DrillDetail, DrillList, DrillReview } from '../../../server/protocol/drills.ts';

export const loadDrills = (): Promise<DrillList> => fetchJson('/api/drills') as Promise<DrillList>;

export const loadDrill = (drillId: string): Promise<DrillDetail> => fetchJson(`/api/drills/${encodeURIComponent(drillId)}`) as Promise<DrillDetail>;

export const loadReview = (sessionId: string): Promise<DrillReview> => fetchJson(`/api/drills/sessions/${encodeURIComponent(sessionId)}/review`) as Promise<DrillReview>;
