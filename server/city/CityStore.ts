import fs from 'node:fs';
import path from 'node:path';
import { CityModel } from './CityModel.ts';

/** A city store's problem with its input: a bad id, a missing or unreadable file. */
export class CityStoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CityStoreError';
  }
}

/** Where imported city models live: `<dataDir>/cities/<id>.json`, one validated file per city. */
export class CityStore {
  readonly dir: string;

  constructor(dataDir: string) {
    this.dir = path.join(dataDir, 'cities');
  }

  /** Ids of the stored cities, sorted. */
  list(): string[] {
    let names: string[];
    try {
      names = fs.readdirSync(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    return names
      .filter((name) => name.endsWith('.json'))
      .map((name) => name.slice(0, -'.json'.length))
      .filter((id) => CityModel.shape.id.safeParse(id).success)
      .sort();
  }

  has(id: string): boolean {
    return fs.existsSync(this.file(id));
  }

  /** The stored city, validated by the schema. */
  load(id: string): CityModel {
    const file = this.file(id);
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new CityStoreError(`CityStore: no city "${id}" (${file} does not exist)`);
      throw new CityStoreError(`CityStore: cannot read ${file} (${(error as Error).message})`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new CityStoreError(`CityStore: ${file} is not valid JSON (${(error as Error).message})`);
    }
    const result = CityModel.safeParse(json);
    if (!result.success) {
      const issue = result.error.issues[0];
      throw new CityStoreError(`CityStore: ${file} is not a valid city model: ${issue.path.join('.') || '(top level)'}: ${issue.message}`);
    }
    if (result.data.id !== id) throw new CityStoreError(`CityStore: ${file} holds city "${result.data.id}", not "${id}"`);
    return result.data;
  }

  /** Store a city atomically: readers see the old file or the new one, never half of one. */
  save(city: CityModel): void {
    const result = CityModel.safeParse(city);
    // Cities come from our own importer or generator: an invalid one is a bug, not user input.
    if (!result.success) throw new Error(`CityStore: refusing to save an invalid city: ${result.error.issues[0].path.join('.')}: ${result.error.issues[0].message}`);
    const file = this.file(city.id);
    fs.mkdirSync(this.dir, { recursive: true });
    // Same directory, so the rename stays on one file system and is atomic.
    const temp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    try {
      fs.writeFileSync(temp, JSON.stringify(result.data) + '\n');
      fs.renameSync(temp, file);
    } catch (error) {
      fs.rmSync(temp, { force: true });
      throw error;
    }
  }

  /** Path of a city's file; the id is checked first so it can never name a path outside the store. */
  private file(id: string): string {
    if (!CityModel.shape.id.safeParse(id).success) {
      throw new CityStoreError(
        `CityStore: bad city id ${JSON.stringify(id)}: expected lower-case letters, digits, "-" and "_", at most 64, starting with a letter or digit`,
      );
    }
    return path.join(this.dir, `${id}.json`);
  }
}
