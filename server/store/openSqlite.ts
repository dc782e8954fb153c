import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

/** `<dir>/<fileName>` for a data directory; a path ending in .sqlite/.sqlite3/.db (or ":memory:") as it is. */
export function resolveSqliteFile(location: string, fileName: string): string {
  if (location === ':memory:') return location;
  const isDir = fs.existsSync(location) && fs.statSync(location).isDirectory();
  if (!isDir && /\.(sqlite|sqlite3|db)$/i.test(location)) return path.resolve(location);
  return path.resolve(location, fileName);
}

/**
 * Opens a SQLite file (creating its folder unless readonly; readonly needs the file to exist) and
 * runs `setUp` on it (pragmas, migrations). Errors name `owner` and the file: one it cannot open,
 * one that is not a SQLite database; the connection is closed if setUp throws.
 */
export function openSqlite(
  file: string,
  owner: string,
  options: { readonly: boolean },
  setUp: (db: Database.Database) => void,
): Database.Database {
  if (!options.readonly && file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: options.readonly, fileMustExist: options.readonly });
  } catch (err) {
    throw new Error(`${owner}: cannot open ${file}: ${(err as Error).message}`, { cause: err });
  }
  try {
    setUp(db);
  } catch (err) {
    db.close();
    if ((err as { code?: string }).code === 'SQLITE_NOTADB') throw new Error(`${owner}: ${file} is not a SQLite database`, { cause: err });
    throw err;
  }
  return db;
}
