import type Database from 'better-sqlite3';

/**
 * The store's migrations, oldest first: migration i brings the file from schema version i to i + 1
 * (SQLite's `user_version`). Append new ones; never edit a released one, since files in the field
 * were built by it.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: runs, events and frames.
  `
  CREATE TABLE runs (
    id               INTEGER PRIMARY KEY AUTOINCREMENT, -- AUTOINCREMENT: a pruned run's id is never reused
    scenario_id      TEXT    NOT NULL,
    seed             INTEGER NOT NULL,
    city             TEXT    NOT NULL,
    created_at       INTEGER NOT NULL,                  -- wall clock, epoch ms
    finished_at      INTEGER,                           -- wall clock, epoch ms; NULL while running
    status           TEXT    NOT NULL CHECK (status IN ('running', 'finished', 'failed', 'interrupted')),
    start_epoch_ms   INTEGER NOT NULL,                  -- the wall-clock instant sim time 0 stands for
    duration_ms      INTEGER,                           -- sim time covered; NULL while running
    params           TEXT    NOT NULL,                  -- JSON
    keep             INTEGER NOT NULL DEFAULT 0,        -- 1: retention never deletes it (e.g. the live baseline)
    frame_count      INTEGER NOT NULL DEFAULT 0,
    event_count      INTEGER NOT NULL DEFAULT 0,
    stored_bytes     INTEGER NOT NULL DEFAULT 0,        -- compressed frames + event JSON, kept here so retention needs no scan
    last_sim_time_ms INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX runs_by_created ON runs (created_at);

  CREATE TABLE events (
    run_id      INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    sim_time_ms INTEGER NOT NULL,
    type        TEXT    NOT NULL,
    data        TEXT    NOT NULL,                       -- JSON
    PRIMARY KEY (run_id, seq)
  ) WITHOUT ROWID;
  CREATE INDEX events_by_time ON events (run_id, sim_time_ms);

  CREATE TABLE frames (
    run_id      INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    sim_time_ms INTEGER NOT NULL,
    kind        TEXT    NOT NULL CHECK (kind IN ('keyframe', 'delta', 'grid')),
    layer       TEXT    NOT NULL,
    codec       INTEGER NOT NULL,                       -- see frameCodec.ts
    bytes       BLOB    NOT NULL,                       -- compressed
    raw_size    INTEGER NOT NULL,
    PRIMARY KEY (run_id, seq)
  );
  CREATE INDEX frames_by_time ON frames (run_id, sim_time_ms);
  -- Seeking looks only at the frames a replay can start from.
  CREATE INDEX frames_bases ON frames (run_id, layer, sim_time_ms, seq) WHERE kind <> 'delta';
  `,
];

/** The schema version this code writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Brings `db` up to SCHEMA_VERSION, each migration in its own transaction. Throws if the file was
 * written by a newer version of the server, which this code cannot read safely.
 */
export function migrate(db: Database.Database, where: string): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > SCHEMA_VERSION) {
    throw new Error(
      `RunStore: ${where} has schema version ${version}, newer than this server's ${SCHEMA_VERSION}; upgrade the server`,
    );
  }
  for (let v = version; v < SCHEMA_VERSION; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}
