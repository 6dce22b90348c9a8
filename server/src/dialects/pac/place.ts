import { leadingWhitespace } from '../../model/edit';
import type { Rule, RuleList } from '../../model/config';
import { t } from '../../l10n';
import type { InsertionPoint, Placement, PlacementRequest } from '../dialect';
import { afterLine, nowhere } from '../placement';
import type { PacVendor } from './parse';
import type { PacTarget } from './render';

const INDENT_STEP = '    ';

/**
 * The proxy string the file sends other traffic to: the last proxy return that tests no host (the
 * fallback at the end of the function), else the last proxy return at all.
 */
function fallbackProxy(list: RuleList | undefined): string | undefined {
  const format = (rule: Rule): string | undefined => {
    if (rule.action.type !== 'proxy' || rule.action.proxies.every((p) => p.kind === 'DIRECT')) return undefined;
    if (rule.action.proxies.some((p) => p.kind === 'unknown')) return undefined;
    return rule.action.proxies.map((p) => (p.target ? `${p.kind} ${p.target}` : p.kind)).join('; ');
  };
  const rules = [...(list?.rules ?? [])].reverse();
  const fallback = rules.find((r) => r.hosts === undefined && format(r) !== undefined);
  const chosen = fallback ?? rules.find((r) => format(r) !== undefined);
  return chosen ? format(chosen) : undefined;
}

/**
 * PAC placement: at the top of the body of the function the browser calls (a declaration, a
 * function expression assigned to it, or FindProxyForURLEx), so the block is tried before every
 * branch of the file, whichever of them decides a host today.
 */
export function placePac(request: PlacementRequest<PacVendor>): Placement<PacTarget> {
  const { lines, parsed, text } = request;
  const list = parsed.model.ruleLists.find((l) => l.kind === 'proxy-selection');
  const entry = parsed.vendor.entry;
  const proxy = fallbackProxy(list);
  const hostParameter = parsed.model.script?.hostParameter;
  const target: PacTarget = { ...(proxy ? { proxy } : {}), ...(list ? { list } : {}), ...(hostParameter ? { hostParameter } : {}) };
  const all = request.policy.entries.map((_e, i) => i);
  if (text.trim() === '') return { parts: [{ kind: 'block', entries: all, point: { offset: 0, indent: '', description: t('at the start of the file') }, target }], notPlaced: [] };
  if (!entry) return nowhere(request, t('this file has no FindProxyForURL function to add the rules to'));
  if (!entry.body) return nowhere(request, t('{0} is an arrow function with an expression body; give it a block body to add rules to it', entry.name));
  const openLine = lines.positionAt(entry.body.open).line;
  // The body's first statement sets the indentation; an empty body gets one step more than its closing brace.
  let indent = '';
  for (let line = openLine + 1; line < lines.lineCount; line++) {
    const lineText = lines.lineText(line);
    if (lineText.trim() === '') continue;
    indent = leadingWhitespace(lineText);
    if (lineText.trim().startsWith('}')) indent += INDENT_STEP;
    break;
  }
  const offset = afterLine(lines, openLine);
  // A block kept where the author moved it inside the body still runs before the branches below it.
  const bodyEnd = lines.offsetAt({ line: lines.positionAt(entry.body.close).line, character: 0 });
  const point: InsertionPoint = { offset, indent, description: t('at the top of {0}', entry.name), window: { from: offset, to: Math.max(offset, bodyEnd) } };
  return { parts: [{ kind: 'block', entries: all, point, target }], notPlaced: [] };
}
