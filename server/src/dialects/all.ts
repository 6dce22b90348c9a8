import type { Dialect } from './dialect';
import type { DialectId } from '../model/config';
import { REGISTERED_DIALECTS } from './registry.generated';

/** Every dialect the program knows (one folder each, registered by `npm run manifest`), in the order detection asks them. */
export const DIALECTS: readonly Dialect[] = REGISTERED_DIALECTS;

export function dialectById(id: string): Dialect | undefined {
  return DIALECTS.find((d) => d.id === id);
}

export const DIALECT_IDS: readonly DialectId[] = DIALECTS.map((d) => d.id);
