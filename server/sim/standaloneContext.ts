import type { EngineContext } from './Engine.ts';

/**
 * The context for an engine driven on its own, outside a run (tests, benches): it reads no other
 * engine's outputs (undefined) unless `read` is given, and its commands go to `command` (dropped by default).
 */
export function standaloneContext(
  base: Omit<EngineContext, 'read' | 'command'>,
  links: Partial<Pick<EngineContext, 'read' | 'command'>> = {},
): EngineContext {
  return { ...base, read: links.read ?? (() => undefined), command: links.command ?? (() => {}) };
}
