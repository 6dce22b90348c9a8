import { parserFailureModel, type Parsed } from '../dialect';
import { convertCisco } from './convert';
import { readCisco } from './grammar';
import type { CiscoVendor } from './vendor';

export { directionOf } from './convert';
export type { CiscoAcl, CiscoBinding, CiscoNetworkGroup, CiscoPlatform, CiscoVendor } from './vendor';

/**
 * Parses a Cisco ASA or IOS configuration (whole file or fragment) in two stages: the grammar
 * reads lines into access lists, objects, interfaces and bindings as Cisco names them, and the
 * conversion resolves groups and bindings into rule lists and paths. Never throws on user text.
 */
export function parseCisco(text: string): Parsed<CiscoVendor> {
  try {
    return convertCisco(readCisco(text));
  } catch (error) {
    return { vendor: { platform: 'asa', networkGroups: [], acls: [], bindings: [] }, model: parserFailureModel('cisco', 'Cisco ASA/IOS', error) };
  }
}
