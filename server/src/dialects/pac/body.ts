import type * as acorn from 'acorn';
import type { Reference, Rule } from '../../model/config';
import { allNodes, forEachChild } from '../../pac/instrument';

/** One top-level statement of the entry function's body, as offsets. */
export interface PacStatement {
  start: number;
  end: number;
  /** A return of the entry function is inside, so the statement may decide; the ones before it only set things up. */
  decides: boolean;
}

/** Where a piece of the file's own text sits. */
export interface TextSpan {
  start: number;
  end: number;
}

/**
 * A place where the file already sends hosts DIRECT in its own idiom, so missing catalogue hosts
 * can be added there instead of in a new block:
 * - `branch`: a top-level `if (a || b …) return "DIRECT";` whose every test is a host test;
 * - `array`: a constant array of patterns a top-level loop tests the host against, returning DIRECT.
 */
export type PacDirectSite =
  | {
      kind: 'branch';
      /** Index of the statement in the body. */
      statement: number;
      ruleIndex: number;
      /** The whole condition; tests are added after its end. */
      condition: TextSpan;
      /** How the condition's tests are laid out: `|| b` starting lines, `a ||` ending them, or one line. */
      layout: 'leading' | 'trailing' | 'inline';
      /** Every test is shExpMatch (Microsoft's generated files), so new ones are written the same way where that keeps their meaning. */
      shExpMatchOnly: boolean;
      /** The expression the tests name as the host (`host`, `h`). */
      hostText: string;
    }
  | {
      kind: 'array';
      statement: number;
      ruleIndex: number;
      name: string;
      /** How the loop compares the host with an element: shExpMatch, dnsDomainIs or equality. */
      matcher: 'glob' | 'suffix' | 'exact';
      /** The elements' literals, quotes included. */
      elements: TextSpan[];
      /** Offset of the closing `]`. */
      close: number;
    };

const HOST_CALLS = new Set(['shExpMatch', 'dnsDomainIs', 'localHostOrDomainIs']);
const LOOPS = new Set(['ForStatement', 'ForOfStatement', 'ForInStatement', 'WhileStatement', 'DoWhileStatement']);

/** Every node of a subtree that belongs to the same function (nested functions are left out). */
function ownNodes(root: acorn.Node): acorn.Node[] {
  const out: acorn.Node[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    out.push(node);
    if (node !== root && /Function/.test(node.type)) continue;
    forEachChild(node, (child) => {
      if (!/Function/.test(child.type)) stack.push(child);
    });
  }
  return out;
}

export function bodyStatements(body: acorn.BlockStatement): PacStatement[] {
  return body.body.map((statement) => ({
    start: statement.start,
    end: statement.end,
    decides: ownNodes(statement).some((n) => n.type === 'ReturnStatement'),
  }));
}

interface SiteInput {
  text: string;
  program: acorn.Node;
  body: acorn.BlockStatement;
  rules: readonly Rule[];
  /** Rule index by the offset of its return statement. */
  ruleAt: ReadonlyMap<number, number>;
  references: readonly Reference[];
  /** Offset where a reference's text starts. */
  offsetOf: (reference: Reference) => number;
}

/** A rule that sends exactly the hosts its own host tests name DIRECT, and nothing else decides it. */
function plainDirect(rule: Rule | undefined): rule is Rule & { hosts: NonNullable<Rule['hosts']> } {
  if (!rule || rule.action.type !== 'proxy') return false;
  const proxies = rule.action.proxies;
  return proxies.length === 1 && proxies[0]?.kind === 'DIRECT' && rule.hosts !== undefined && !rule.hosts.negated &&
    !rule.destinations && (rule.unknownConditions ?? []).length === 0 && rule.hosts.referenceIds.length > 0;
}

function returnsOf(node: acorn.Node): acorn.ReturnStatement[] {
  return ownNodes(node).filter((n): n is acorn.ReturnStatement => n.type === 'ReturnStatement');
}

/** `return X;` or `{ return X; }`. */
function soleReturn(node: acorn.Statement): acorn.ReturnStatement | undefined {
  if (node.type === 'ReturnStatement') return node;
  if (node.type === 'BlockStatement' && node.body.length === 1 && node.body[0]?.type === 'ReturnStatement') return node.body[0];
  return undefined;
}

function branchSite(input: SiteInput, statement: acorn.IfStatement, index: number): PacDirectSite | undefined {
  const ret = soleReturn(statement.consequent);
  const ruleIndex = ret ? input.ruleAt.get(ret.start) : undefined;
  const rule = ruleIndex === undefined ? undefined : input.rules[ruleIndex];
  if (ruleIndex === undefined || !plainDirect(rule)) return undefined;
  const nodes = ownNodes(statement.test);
  // A disjunction of host tests only: a conjunction or negation would need its other parts to hold too.
  if (nodes.some((n) => n.type === 'UnaryExpression' || (n.type === 'LogicalExpression' && (n as acorn.LogicalExpression).operator !== '||'))) return undefined;
  let hostText: string | undefined;
  for (const node of nodes) {
    if (node.type === 'CallExpression') {
      const call = node as acorn.CallExpression;
      if (call.callee.type === 'Identifier' && HOST_CALLS.has(call.callee.name) && call.arguments[0]) {
        hostText = input.text.slice(call.arguments[0].start, call.arguments[0].end);
        break;
      }
    } else if (node.type === 'BinaryExpression') {
      const binary = node as acorn.BinaryExpression;
      const subject = binary.left.type === 'Literal' ? binary.right : binary.left;
      hostText = input.text.slice(subject.start, subject.end);
      break;
    }
  }
  if (hostText === undefined) return undefined;
  const references = rule.hosts.referenceIds.map((id) => input.references[id]);
  const shExpMatchOnly = references.every((r) => r?.hostMatchers?.every((m) => m.kind === 'glob'));
  const condition = { start: statement.test.start, end: statement.test.end };
  const between = input.text.slice(condition.start, condition.end);
  const layout = /\n\s*\|\|/.test(between) ? 'leading' : /\|\|\s*\n/.test(between) ? 'trailing' : 'inline';
  return { kind: 'branch', statement: index, ruleIndex, condition, layout, shExpMatchOnly, hostText };
}

function arraySite(input: SiteInput, loop: acorn.Node, index: number): PacDirectSite | undefined {
  const returns = returnsOf(loop);
  const ret = returns[0];
  if (returns.length !== 1 || !ret) return undefined;
  const ruleIndex = input.ruleAt.get(ret.start);
  const rule = ruleIndex === undefined ? undefined : input.rules[ruleIndex];
  if (ruleIndex === undefined || !plainDirect(rule)) return undefined;
  const references = rule.hosts.referenceIds.map((id) => input.references[id]).filter((r): r is Reference => r !== undefined);
  const kinds = new Set(references.flatMap((r) => (r.hostMatchers ?? []).map((m) => m.kind)));
  const matcher = kinds.size === 1 ? [...kinds][0] : undefined;
  if (matcher !== 'glob' && matcher !== 'suffix' && matcher !== 'exact') return undefined;
  const starts = new Set(references.map((r) => input.offsetOf(r)));
  // The array whose every element is one of the rule's patterns: the parser read `list[i]` as all of them.
  for (const node of allNodes(input.program)) {
    if (node.type !== 'VariableDeclarator') continue;
    const declarator = node as acorn.VariableDeclarator;
    if (declarator.id.type !== 'Identifier' || declarator.init?.type !== 'ArrayExpression') continue;
    const elements = declarator.init.elements;
    if (elements.length !== starts.size || !elements.every((e) => e?.type === 'Literal' && typeof e.value === 'string' && starts.has(e.start + 1))) continue;
    // An array another rule also reads would change that rule too.
    const shared = input.rules.some((other, i) => i !== ruleIndex && other.hosts?.referenceIds.some((id) => rule.hosts.referenceIds.includes(id)));
    if (shared) return undefined;
    return {
      kind: 'array',
      statement: index,
      ruleIndex,
      name: declarator.id.name,
      matcher,
      elements: elements.map((e) => ({ start: e!.start, end: e!.end })),
      close: declarator.init.end - 1,
    };
  }
  return undefined;
}

/** The DIRECT sites of the entry function's top-level statements, in statement order. */
export function directSites(input: SiteInput): PacDirectSite[] {
  const out: PacDirectSite[] = [];
  input.body.body.forEach((statement, index) => {
    const site = statement.type === 'IfStatement' ? branchSite(input, statement, index) : LOOPS.has(statement.type) ? arraySite(input, statement, index) : undefined;
    if (site) out.push(site);
  });
  return out;
}
