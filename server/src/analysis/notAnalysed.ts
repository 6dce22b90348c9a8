import { DEFAULT_SEVERITY, type Finding, type FindingSeverity } from './finding';

/**
 * The finding for a file that was not analysed at all (too large, binary, empty, not a regular
 * file, dialect unknown, or the analysis failed or ran out of time or memory), so a run over it
 * never reads as "no problems". `reason` is a complete sentence. Undefined when the user's
 * severity settings turn the code off.
 */
export function notAnalysedFinding(reason: string, severity: Partial<Record<string, FindingSeverity | 'off'>> = {}): Finding | undefined {
  const chosen = severity['not-analysed'] ?? DEFAULT_SEVERITY['not-analysed'];
  if (chosen === 'off') return undefined;
  const start = { line: 0, character: 0 };
  return { code: 'not-analysed', severity: chosen, message: reason, range: { start, end: start }, related: [], fixes: [] };
}
