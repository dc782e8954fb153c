/**
 * One drill session as it is kept, in memory and on disk (`<dataDir>/drills/<sessionId>.json`):
 * its state, timeline and trends, with the helpers that read and write it. A session file is the
 * session object as JSON, so what the review reads after a restart is what was live.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Drill, DrillSessionInfo, DrillState, DrillText, TimelineEntry } from '../protocol/drills.ts';

/** What is kept of a session, in memory and on disk. */
export interface DrillSession {
  drill: Drill;
  state: DrillState;
  timeline: TimelineEntry[];
  endedWallMs: number | null;
  recordingId: number | null;
  series: Record<string, { simTimeMs: number; value: number }[]>;
}

/** A timeline entry before it is appended (which numbers and stamps it). */
export type TimelineDraft = Omit<TimelineEntry, 'seq' | 'wallMs'>;

/** The session as the drill's session list shows it. */
export function sessionInfo(s: DrillSession): DrillSessionInfo {
  const { sessionId, runId, director, status, startedWallMs } = s.state;
  return { sessionId, runId, director, status, startedWallMs, endedWallMs: s.endedWallMs, recordingId: s.recordingId };
}

/** A control's timeline entry (start, pause, end…), at the session's last known sim time. */
export function controlEntry(s: DrillSession, actor: string, text: DrillText): TimelineDraft {
  return { simTimeMs: s.state.simTimeMs, kind: 'control', actor, department: null, mselId: null, text, action: null };
}

/** Writes each session to `<dir>/<sessionId>.json`; the log gets the reason for a file that could not be written. */
export function writeSessions(dir: string, sessions: readonly DrillSession[], log: (line: string) => void): void {
  fs.mkdirSync(dir, { recursive: true });
  for (const s of sessions) {
    const file = path.join(dir, `${s.state.sessionId}.json`);
    try {
      // Written aside and renamed: a crash mid-write leaves the last whole file.
      fs.writeFileSync(`${file}.tmp`, JSON.stringify(s));
      fs.renameSync(`${file}.tmp`, file);
    } catch (error) {
      log(`DrillManager: could not write ${file}: ${(error as Error).message}`);
    }
  }
}

/**
 * Reads the sessions kept in `dir`, in file name order, skipping (and logging) files that are not
 * sessions. One that was under way when the server stopped is over (its run is gone): it is ended
 * with a timeline entry saying so and listed in `changed`, to be written again.
 */
export function readSessions(dir: string, log: (line: string) => void): { sessions: DrillSession[]; changed: string[] } {
  const sessions: DrillSession[] = [];
  const changed: string[] = [];
  if (!fs.existsSync(dir)) return { sessions, changed };
  for (const name of fs.readdirSync(dir).filter((n) => n.endsWith('.json')).sort()) {
    let s: DrillSession;
    try {
      s = JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')) as DrillSession;
    } catch (error) {
      log(`DrillManager: skipped ${name}: ${(error as Error).message}`);
      continue;
    }
    if (!s?.state?.sessionId || !Array.isArray(s.timeline)) {
      log(`DrillManager: skipped ${name}: not a drill session`);
      continue;
    }
    if (s.state.status !== 'ended') {
      s.state.status = 'ended';
      s.endedWallMs ??= Date.now();
      s.timeline.push({ seq: s.timeline.length + 1, wallMs: Date.now(), ...controlEntry(s, 'system', { zh: '服务器重启，演练结束', en: 'The server restarted: the drill is over' }) });
      changed.push(s.state.sessionId);
    }
    sessions.push(s);
  }
  return { sessions, changed };
}
