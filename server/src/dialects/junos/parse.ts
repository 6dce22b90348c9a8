import { parserFailureModel, type ParseContext, type Parsed } from '../dialect';
import { LineIndex } from '../../model/range';
import { convert, type JunosPairList } from './convert';
import { buildVendor } from './grammar';
import { formOf } from './statements';
import type { JunosVendor } from './vendor';

/** The vendor model with what its conversion made of it, which placement reads. */
export interface JunosParsedVendor extends JunosVendor {
  /** Rule list id → the zone pair and policies behind it. */
  lists: Map<string, JunosPairList>;
}

/**
 * Junos SRX configuration, both forms: the curly-brace hierarchy `show configuration` prints and
 * the `set` commands of `show configuration | display set` (with `delete`, `deactivate`,
 * `activate` and `insert` applied in order), read into one list of statements and one vendor
 * model. Security policies are evaluated top-down, first match, within each zone pair, then the
 * global policies, then the default policy (deny-all unless `default-policy permit-all`). A pair
 * from an inside zone to a zone whose name says it faces the Internet (untrust, internet, wan, …)
 * is an outbound path and the reverse an inbound one; when no zone is named so, every pair of two
 * different zones is a path for both directions. Only pairs some policy applies to are paths.
 */
export function parseJunos(text: string, _context?: ParseContext): Parsed<JunosParsedVendor> {
  const lines = new LineIndex(text);
  try {
    const built = buildVendor(text, lines);
    const converted = convert(built);
    return { vendor: { ...built.vendor, lists: converted.lists }, model: converted.model };
  } catch (error) {
    const vendor: JunosParsedVendor = { form: formOf(text), books: [], applications: new Map(), applicationSets: new Map(), zones: new Map(), zonePolicies: new Map(), globalPolicies: [], policyLines: [], containers: new Map(), legacyBooks: false, lists: new Map() };
    return { vendor, model: parserFailureModel('junos', 'Junos', error) };
  }
}
