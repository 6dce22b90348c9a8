import { parserFailureModel, type ParseContext, type Parsed } from '../dialect';
import { LineIndex } from '../../model/range';
import { convert, type PanosPairList, type PanosRulebase } from './convert';
import { parseSetForm } from './setGrammar';
import type { PanosForm, PanosVendor } from './vendor';
import { parseXmlForm } from './xmlGrammar';

/** The vendor model with what its conversion made of it, which placement reads. */
export interface PanosParsedVendor extends PanosVendor {
  rulebases: PanosRulebase[];
  /** Rule list id → the zone pair and vendor rules behind it. */
  lists: Map<string, PanosPairList>;
}

/** XML when the first thing in the file is markup; `set` commands otherwise. */
export function formOf(text: string): PanosForm {
  return /^\uFEFF?\s*</.test(text) ? 'xml' : 'set';
}

/**
 * PAN-OS configuration, both forms: `set` commands as `show | display set` prints them or an admin
 * scripts them (vsys, device-group and shared scopes; `move` applied in order), and the XML
 * running config (`<config><devices><entry><vsys><entry>…`, Panorama's device groups and shared
 * pre/post rulebases). Security rules are evaluated top-down, first match, within each zone pair.
 * A pair from an inside zone to a zone whose name says it faces the Internet (untrust, outside,
 * internet, wan, external, isp, …) is an outbound path and the reverse an inbound one; when no
 * zone is named so, every pair of two different zones is a path for both directions. Only pairs
 * some rule applies to are paths (a pair with none is not set up to pass traffic), and a rulebase
 * naming no zones at all is one path from any zone to any zone.
 */
export function parsePanos(text: string, _context?: ParseContext): Parsed<PanosParsedVendor> {
  const lines = new LineIndex(text);
  const form = formOf(text);
  try {
    const builder = form === 'xml' ? parseXmlForm(text, lines) : parseSetForm(text, lines);
    const vendor = builder.vendor();
    const converted = convert(builder, vendor);
    return { vendor: { ...vendor, rulebases: converted.rulebases, lists: converted.lists }, model: converted.model };
  } catch (error) {
    return { vendor: { form, scopes: [], panorama: false, rulebases: [], lists: new Map() }, model: parserFailureModel('panos', 'PAN-OS', error) };
  }
}
