import * as acorn from 'acorn';
import * as loose from 'acorn-loose';
import { MAX_NESTING_DEPTH, MAX_PAC_SYNTAX_DEPTH } from '../limits';

/**
 * acorn parses by recursive descent, and V8 aborts the whole process (instead of throwing) when a
 * regular expression has to be compiled with the stack nearly used up — which happens when a PAC
 * file nests a few thousand blocks deep. So every parse of a PAC program goes through these
 * parsers: they count brackets as tokens are read, count the parser's own recursion, read chains
 * of binary operators in a loop, and stop with a limit long before the stack runs low.
 */

declare module 'acorn' {
  interface TokenType {
    binop: number | null;
  }
  interface Parser {
    type: TokenType;
    value: unknown;
    start: number;
    startLoc: Position | undefined;
    next(): void;
    parseMaybeUnary(refDestructuringErrors: unknown, sawUnary: boolean, incDec: boolean, forInit: unknown): Node;
    parseExprOp(left: Node, leftStartPos: number, leftStartLoc: Position | undefined, minPrec: number, forInit: unknown): Node;
    buildBinary(startPos: number, startLoc: Position | undefined, left: Node, right: Node, operator: unknown, logical: boolean): Node;
    raiseRecoverable(pos: number, message: string): void;
    validateRegExpPattern(state: { source: string }): void;
  }
}

export type JavaScriptLimitKind = 'nesting' | 'syntax-depth';

/** Thrown out of the parser when the input goes past a bound; never a SyntaxError, so no parser recovers from it. */
class JavaScriptLimit extends Error {
  constructor(
    readonly kind: JavaScriptLimitKind,
    readonly offset: number,
  ) {
    super(`JavaScript ${kind} limit`);
  }
}

/** Shared by the parsers of this thread; a parse runs synchronously from start to end, so one counter is enough. */
const depth = { syntax: 0, brackets: 0 };

const OPENERS = new Set([acorn.tokTypes.braceL, acorn.tokTypes.parenL, acorn.tokTypes.bracketL, acorn.tokTypes.dollarBraceL]);
const CLOSERS = new Set([acorn.tokTypes.braceR, acorn.tokTypes.parenR, acorn.tokTypes.bracketR]);

function countBrackets(token: acorn.Token): void {
  if (OPENERS.has(token.type)) {
    depth.brackets++;
    if (depth.brackets > MAX_NESTING_DEPTH) throw new JavaScriptLimit('nesting', token.start);
  } else if (CLOSERS.has(token.type)) {
    depth.brackets = Math.max(0, depth.brackets - 1);
  }
}

/** Deepest group nesting of a regular expression's source; character classes and escapes hold no groups. */
function groupDepth(source: string): number {
  let current = 0;
  let deepest = 0;
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') i++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '(') deepest = Math.max(deepest, ++current);
    else if (c === ')') current = Math.max(0, current - 1);
  }
  return deepest;
}

/** Wraps each named method of `prototype` so that calls nested deeper than MAX_PAC_SYNTAX_DEPTH stop the parse. */
function countRecursion(prototype: object, methods: readonly string[], position: (parser: object) => number): void {
  for (const name of methods) {
    const original: unknown = Reflect.get(prototype, name);
    if (typeof original !== 'function') throw new Error(`the JavaScript parser has no method ${name}`);
    Reflect.set(prototype, name, function (this: object, ...args: unknown[]): unknown {
      depth.syntax++;
      try {
        if (depth.syntax > MAX_PAC_SYNTAX_DEPTH) throw new JavaScriptLimit('syntax-depth', position(this));
        const result: unknown = Reflect.apply(original, this, args);
        return result;
      } finally {
        depth.syntax--;
      }
    });
  }
}

function numberAt(parser: object, ...path: string[]): number {
  let value: unknown = parser;
  for (const key of path) value = typeof value === 'object' && value !== null ? Reflect.get(value, key) : undefined;
  return typeof value === 'number' ? value : 0;
}

class BoundedParser extends acorn.Parser {
  /** `a || b || c …` in a loop: acorn recurses once per operator, and generated PAC files chain thousands. */
  override parseExprOp(left: acorn.Node, leftStartPos: number, leftStartLoc: acorn.Position | undefined, minPrec: number, forInit: unknown): acorn.Node {
    const tt = acorn.tokTypes;
    let node = left;
    for (;;) {
      let prec = this.type.binop;
      if (prec === null || prec === undefined || (forInit && this.type === tt._in) || prec <= minPrec) return node;
      const logical = this.type === tt.logicalOR || this.type === tt.logicalAND;
      const coalesce = this.type === tt.coalesce;
      // `??` binds like `&&` for the operand on its right, so mixing the two is caught below.
      if (coalesce) prec = tt.logicalAND.binop ?? prec;
      const operator = this.value;
      this.next();
      const rightStart = this.start;
      const rightStartLoc = this.startLoc;
      const right = this.parseExprOp(this.parseMaybeUnary(null, false, false, forInit), rightStart, rightStartLoc, prec, forInit);
      node = this.buildBinary(leftStartPos, leftStartLoc, node, right, operator, logical || coalesce);
      if ((logical && this.type === tt.coalesce) || (coalesce && (this.type === tt.logicalOR || this.type === tt.logicalAND))) {
        this.raiseRecoverable(this.start, 'Logical expressions and coalesce expressions cannot be mixed. Wrap either by parentheses');
      }
    }
  }

  override validateRegExpPattern(state: { source: string }): void {
    if (groupDepth(state.source) > MAX_NESTING_DEPTH) throw new JavaScriptLimit('nesting', this.start);
    super.validateRegExpPattern(state);
  }
}
countRecursion(BoundedParser.prototype, ['parseStatement', 'parseMaybeAssign', 'parseMaybeUnary', 'parseExprAtom', 'parseBindingAtom'], (p) => numberAt(p, 'start'));

class BoundedLooseParser extends loose.LooseParser {
  /** acorn-loose reads its tokens through this parser's tokenizer, so brackets and regular expressions are bounded there too. */
  static BaseParser = BoundedParser;
}
countRecursion(BoundedLooseParser.prototype, ['parseStatement', 'parseMaybeAssign', 'parseMaybeUnary', 'parseExprAtom', 'parseExprOp'], (p) => numberAt(p, 'tok', 'start'));

export type JavaScriptParse =
  | { ok: true; program: acorn.Program }
  | { ok: false; error: { offset: number; message: string } }
  | { ok: false; limit: { kind: JavaScriptLimitKind; offset: number; found: number; bound: number } };

/** acorn's own answer when the stack ran out anyway (a frame larger than counted); it is a limit, not a syntax error. */
const STACK_MESSAGE = /Not enough stack space/;

function limitOf(kind: JavaScriptLimitKind, offset: number, text: string, options: acorn.Options): JavaScriptParse {
  const bound = kind === 'nesting' ? MAX_NESTING_DEPTH : MAX_PAC_SYNTAX_DEPTH;
  const found = kind === 'nesting' ? deepestBrackets(text, options) : bound + 1;
  return { ok: false, limit: { kind, offset, found: Math.max(found, bound + 1), bound } };
}

/**
 * Parses a PAC program with acorn, or with acorn-loose (`tolerant`), which recovers from syntax
 * errors. Never recurses deeper than the bounds, whatever the input.
 */
export function parseJavaScript(text: string, options: acorn.Options, tolerant = false): JavaScriptParse {
  const own = options.onToken;
  const onToken = (token: acorn.Token): void => {
    countBrackets(token);
    if (typeof own === 'function') own(token);
  };
  depth.syntax = 0;
  depth.brackets = 0;
  try {
    const program = tolerant ? BoundedLooseParser.parse(text, { ...options, onToken }) : BoundedParser.parse(text, { ...options, onToken });
    return { ok: true, program };
  } catch (error) {
    if (error instanceof JavaScriptLimit) return limitOf(error.kind, error.offset, text, options);
    const offset = error instanceof SyntaxError ? numberAt(error, 'pos') : 0;
    const message = error instanceof Error ? error.message.replace(/\s*\(\d+:\d+\)$/, '') : String(error);
    if (STACK_MESSAGE.test(message) || error instanceof RangeError) return limitOf('syntax-depth', offset, text, options);
    return { ok: false, error: { offset, message } };
  }
}

/** How deep the file's brackets go in all, for the message; read token by token, which never recurses. */
function deepestBrackets(text: string, options: acorn.Options): number {
  let current = 0;
  let deepest = 0;
  try {
    for (const token of BoundedParser.tokenizer(text, { ecmaVersion: options.ecmaVersion, allowHashBang: true })) {
      if (OPENERS.has(token.type)) deepest = Math.max(deepest, ++current);
      else if (CLOSERS.has(token.type)) current = Math.max(0, current - 1);
    }
  } catch {
    // The tokens up to a broken one still tell how deep the file goes.
  }
  return deepest;
}
