import type { Dialect } from './dialect';
import type { DialectId } from '../model/config';
import { ciscoDialect } from './cisco';
import { nginxDialect } from './nginx';
import { pacDialect } from './pac';
import { iptablesDialect } from './iptables';
import { nftablesDialect } from './nftables';

/** Every dialect the program knows, in the order detection asks them. One import per dialect folder. */
export const DIALECTS: readonly Dialect[] = [nginxDialect, ciscoDialect, pacDialect, iptablesDialect, nftablesDialect];

export function dialectById(id: string): Dialect | undefined {
  return DIALECTS.find((d) => d.id === id);
}

export const DIALECT_IDS: readonly DialectId[] = DIALECTS.map((d) => d.id);
