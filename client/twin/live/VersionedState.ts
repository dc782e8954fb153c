/**
 * What a layer's live state (client/layers/<id>/Live*.ts) shares: a version bumped on every change,
 * its listeners, and messages from the wire checked by a zod schema, a refused one counted and
 * warned about (naming the field) and never applied. Framework-free.
 */
import type { z } from 'zod';

export class VersionedState {
  /** Bumped on every change: a view redraws when it moved. */
  version = 0;
  /** Messages refused (bad bytes, a bad schema). */
  rejected = 0;
  private readonly listeners = new Set<() => void>();

  /** `where` starts the warnings (e.g. "LiveFlood"). */
  constructor(private readonly where: string) {}

  /** Calls `listener` after every change; returns the function that stops it. */
  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  /** `raw` as `schema` has it, or null (counted and warned about) when it does not fit. */
  protected validated<T>(schema: z.ZodType<T>, raw: unknown, what: string): T | null {
    const parsed = schema.safeParse(raw);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    this.refuse(`${what}: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`);
    return null;
  }

  /** Applies `raw` with `apply` when `schema` accepts it, and tells the listeners; false (counted, warned about) when it does not. */
  protected accept<T>(schema: z.ZodType<T>, raw: unknown, what: string, apply: (value: T) => void): boolean {
    const value = this.validated(schema, raw, what);
    if (value === null) return false;
    apply(value);
    this.changed();
    return true;
  }

  /** Counts a refused message and says why. */
  protected refuse(message: string): void {
    this.rejected++;
    console.warn(`${this.where}: ${message}`);
  }

  /** Bumps the version and tells the listeners (those subscribed now). */
  protected changed(): void {
    this.version++;
    for (const l of [...this.listeners]) l();
  }
}
