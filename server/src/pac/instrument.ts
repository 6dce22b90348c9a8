import type * as acorn from 'acorn';
import { parseJavaScript } from './javascript';

/** The function instrumented returns call; defined by the helper source inside the sandbox. */
export const RETURN_RECORDER = '__endpointLensReturn';

export interface ReturnSite {
  /** Position of the return among all `return <value>` statements of the program, in source order. */
  id: number;
  /** Offsets of the whole statement. */
  start: number;
  end: number;
  /** Offsets of the returned expression. */
  argumentStart: number;
  argumentEnd: number;
}

/** Keys of ESTree nodes that never hold child nodes. */
const LEAF_KEYS = new Set(['type', 'start', 'end', 'loc', 'range', 'name', 'raw', 'regex', 'operator', 'kind', 'sourceType']);

/** Calls `visit` for each child of an ESTree node, found generically so every node type (and acorn-loose's) is covered. */
export function forEachChild(node: acorn.Node, visit: (child: acorn.Node) => void): void {
  const record = node as unknown as Record<string, unknown>;
  for (const key in record) {
    if (LEAF_KEYS.has(key)) continue;
    const value = record[key];
    if (value === null || typeof value !== 'object') continue;
    if (Array.isArray(value)) {
      for (const item of value as unknown[]) if (isNode(item)) visit(item);
    } else if (isNode(value)) {
      visit(value);
    }
  }
}

/** Every node of the tree in source order, iteratively (no recursion, whatever the nesting). */
export function allNodes(root: acorn.Node): acorn.Node[] {
  const out: acorn.Node[] = [];
  const stack: acorn.Node[] = [root];
  const children: acorn.Node[] = [];
  while (stack.length > 0) {
    const node = stack.pop();
    if (!node) break;
    out.push(node);
    children.length = 0;
    forEachChild(node, (child) => children.push(child));
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
  return out;
}

function isNode(value: unknown): value is acorn.Node {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string' &&
    typeof (value as { start?: unknown }).start === 'number';
}

/**
 * Every `return <value>` in the program, numbered in source order. The parser and the
 * instrumentation both number returns with this one function, so a recorded id names the rule.
 */
export function collectReturnSites(program: acorn.Node, nodes: readonly acorn.Node[] = allNodes(program)): ReturnSite[] {
  const sites: Omit<ReturnSite, 'id'>[] = [];
  for (const node of nodes) {
    if (node.type !== 'ReturnStatement') continue;
    const argument = (node as acorn.ReturnStatement).argument;
    if (argument) sites.push({ start: node.start, end: node.end, argumentStart: argument.start, argumentEnd: argument.end });
  }
  sites.sort((a, b) => a.start - b.start);
  return sites.map((site, id) => ({ id, ...site }));
}

export interface InstrumentResult {
  ok: boolean;
  /** The rewritten program, or the original text when it does not parse (the sandbox then reports the compile error). */
  program: string;
  returns: ReturnSite[];
}

/**
 * Rewrites each `return X` into `return __endpointLensReturn(<id>, (X))`. Only insertions on the
 * same line as the original text, so line numbers in sandbox errors still point at the user's file.
 */
export function instrumentProgram(text: string): InstrumentResult {
  const parsed = parseJavaScript(text, { ecmaVersion: 'latest', sourceType: 'script', allowReturnOutsideFunction: false });
  if (!parsed.ok) return { ok: false, program: text, returns: [] };
  const returns = collectReturnSites(parsed.program);
  const inserts: Array<{ at: number; text: string; order: number }> = [];
  for (const site of returns) {
    inserts.push({ at: site.argumentStart, text: `${RETURN_RECORDER}(${site.id}, (`, order: 1 });
    inserts.push({ at: site.argumentEnd, text: '))', order: 0 });
  }
  // At one offset a closing goes before an opening: `))` ends one return, the next opens after it.
  inserts.sort((a, b) => a.at - b.at || a.order - b.order);
  const pieces: string[] = [];
  let done = 0;
  for (const insert of inserts) {
    pieces.push(text.slice(done, insert.at), insert.text);
    done = insert.at;
  }
  pieces.push(text.slice(done));
  const out = pieces.join('');
  return { ok: true, program: out, returns };
}
