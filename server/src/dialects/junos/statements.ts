import { t } from '../../l10n';
import { lex, type LexedComment, type Token } from './lexer';

/**
 * Both forms of a Junos configuration as one list of statements, each the full path of words from
 * the top of the hierarchy to a value, the way `show configuration | display set` prints them:
 * `security { policies { from-zone trust to-zone untrust { policy p { then { permit; } } } } }` and
 * `set security policies from-zone trust to-zone untrust policy p then permit` are the same
 * statement. The curly-brace form also says where each container stands, for edits inside it.
 */

export type JunosForm = 'set' | 'hierarchical';

export interface Word {
  text: string;
  start: number;
  end: number;
  quoted: boolean;
}

export type StatementOp = 'set' | 'delete' | 'deactivate' | 'activate' | 'insert';

export interface Statement {
  op: StatementOp;
  /** The configuration path, without the command word. */
  words: Word[];
  /** Curly-brace form: the statement or one of its containers is marked `inactive:`. */
  inactive: boolean;
  /** The command's line (set form) or the statement's own words up to its `;`. */
  start: number;
  end: number;
}

/** A `{ … }` container of the curly-brace form: its path, where its header starts and where its braces are. */
export interface Container {
  path: string[];
  headerStart: number;
  open: number;
  close: number;
  inactive: boolean;
}

export interface StatementProblem {
  start: number;
  end: number;
  message: string;
  severity: 'error' | 'warning';
}

export interface StatementText {
  form: JunosForm;
  statements: Statement[];
  /** Curly-brace form: every container by its path joined with spaces. */
  containers: Map<string, Container>;
  comments: LexedComment[];
  problems: StatementProblem[];
  /** Curly-brace form: blocks opened deeper than the bound, whose content is not read. */
  tooDeep: Array<{ start: number; end: number }>;
}

const COMMANDS: ReadonlySet<string> = new Set<StatementOp>(['set', 'delete', 'deactivate', 'activate', 'insert']);

function isCommand(text: string): text is StatementOp {
  return COMMANDS.has(text);
}
/** Prefixes the curly-brace form puts before a statement; only `inactive:` changes what the device does. */
const MARKERS = new Set(['inactive:', 'protect:', 'replace:', 'active:']);

/** Set form when the first command of the text is a `set`-style command, the curly-brace form otherwise. */
export function formOf(text: string): JunosForm {
  const sample = text.length > 20_000 ? text.slice(0, 20_000) : text;
  for (const raw of sample.split(/\r\n|\r|\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('/*') || line.startsWith('[edit') || line.startsWith('{master') || line.startsWith('{primary')) continue;
    const first = line.split(/\s+/, 1)[0]!;
    if (COMMANDS.has(first)) return 'set';
    return /[{}]/.test(sample) ? 'hierarchical' : 'set';
  }
  return 'set';
}

function word(token: Token): Word {
  return { text: token.text, start: token.start, end: token.end, quoted: token.quoted };
}

/** Expands `[ a b ]` into one path per element, the way the device stores a list. */
function expand(words: ReadonlyArray<Word | Word[]>): Word[][] {
  let paths: Word[][] = [[]];
  for (const part of words) {
    if (Array.isArray(part)) {
      if (part.length === 0) continue;
      paths = paths.flatMap((p) => part.map((w) => [...p, w]));
    } else for (const p of paths) p.push(part);
  }
  return paths;
}

function parseSet(tokens: readonly Token[], out: StatementText): void {
  let i = 0;
  while (i < tokens.length) {
    const line: Token[] = [];
    while (i < tokens.length && tokens[i]!.kind !== 'newline') line.push(tokens[i++]!);
    i++;
    if (line.length === 0) continue;
    const first = line[0]!;
    const start = first.start;
    const end = line[line.length - 1]!.end;
    // Prompt lines pasted with the output (`[edit]`, `{master:0}`) are not commands.
    if (first.kind === '[' || (first.kind === '{' && line.length <= 4)) continue;
    const op = first.text;
    if (first.kind !== 'word' || !isCommand(op)) {
      out.problems.push({ start, end, message: t('This line is not a set, delete, deactivate, activate or insert command; it is ignored.'), severity: 'warning' });
      continue;
    }
    const parts: Array<Word | Word[]> = [];
    let list: Word[] | undefined;
    let bad = false;
    for (const token of line.slice(1)) {
      if (token.kind === '[') {
        if (list) bad = true;
        list = [];
      } else if (token.kind === ']') {
        if (!list) bad = true;
        else parts.push(list);
        list = undefined;
      } else if (token.kind === 'word') {
        if (list) list.push(word(token));
        else parts.push(word(token));
      } else bad = true;
    }
    if (list) parts.push(list);
    if (bad) {
      out.problems.push({ start, end, message: t('Unexpected punctuation in a {0} command; the line is ignored.', first.text), severity: 'error' });
      continue;
    }
    for (const words of expand(parts)) out.statements.push({ op, words, inactive: false, start, end });
  }
}

interface Frame {
  words: Word[];
  inactive: boolean;
  headerStart: number;
  open: number;
  children: number;
}

function parseHierarchical(tokens: readonly Token[], out: StatementText, maxDepth: number): void {
  const stack: Frame[] = [];
  let pending: Array<Word | Word[]> = [];
  let pendingStart = -1;
  let inactive = false;
  let list: Word[] | undefined;
  // The path and inactive count are kept as the stack changes, so deep nesting stays linear.
  const path: Word[] = [];
  let inactiveFrames = 0;
  const anyInactive = (): boolean => inactive || inactiveFrames > 0;
  const reset = (): void => {
    pending = [];
    pendingStart = -1;
    inactive = false;
    list = undefined;
  };
  const emit = (end: number): void => {
    if (pending.length === 0 || stack.length > maxDepth) return;
    for (const words of expand(pending)) out.statements.push({ op: 'set', words: [...path, ...words], inactive: anyInactive(), start: pendingStart, end });
    const top = stack[stack.length - 1];
    if (top) top.children++;
  };
  for (const token of tokens) {
    switch (token.kind) {
      case 'newline':
        break;
      case 'word':
        if (pending.length === 0 && !list && MARKERS.has(token.text)) {
          if (token.text === 'inactive:') inactive = true;
          if (pendingStart < 0) pendingStart = token.start;
          break;
        }
        if (pendingStart < 0) pendingStart = token.start;
        if (list) list.push(word(token));
        else pending.push(word(token));
        break;
      case '[':
        if (pendingStart < 0) pendingStart = token.start;
        list = [];
        break;
      case ']':
        if (list) pending.push(list);
        list = undefined;
        break;
      case ';':
        emit(token.end);
        reset();
        break;
      case '{': {
        const words = pending.flatMap((p) => (Array.isArray(p) ? p : [p]));
        if (words.length === 0) out.problems.push({ start: token.start, end: token.end, message: t('A block opens here without a name.'), severity: 'error' });
        if (stack.length === maxDepth) out.tooDeep.push({ start: token.start, end: token.end });
        const top = stack[stack.length - 1];
        if (top) top.children++;
        stack.push({ words, inactive, headerStart: pendingStart < 0 ? token.start : pendingStart, open: token.start, children: 0 });
        if (stack.length <= maxDepth) path.push(...words);
        if (inactive) inactiveFrames++;
        reset();
        break;
      }
      case '}': {
        if (pending.length > 0) {
          out.problems.push({ start: pendingStart, end: token.start, message: t('A statement ends here without ";".'), severity: 'error' });
          emit(token.start);
        }
        reset();
        const frame = stack.pop();
        if (!frame) {
          out.problems.push({ start: token.start, end: token.end, message: t('This "}" closes no block.'), severity: 'error' });
          break;
        }
        const frameInactive = inactiveFrames > 0;
        if (frame.inactive) inactiveFrames--;
        if (stack.length >= maxDepth) break;
        const words = [...path];
        path.length -= frame.words.length;
        out.containers.set(words.map((w) => w.text).join(' '), { path: words.map((w) => w.text), headerStart: frame.headerStart, open: frame.open, close: token.start, inactive: frameInactive });
        // An empty container still says something (a zone with nothing in it exists).
        if (frame.children === 0 && words.length > 0) out.statements.push({ op: 'set', words, inactive: frameInactive, start: frame.headerStart, end: token.end });
        break;
      }
    }
  }
  if (pending.length > 0) out.problems.push({ start: pendingStart, end: pendingStart + 1, message: t('The text ends inside a statement that has no ";".'), severity: 'error' });
  for (const frame of stack) out.problems.push({ start: frame.open, end: frame.open + 1, message: t('This block is never closed.'), severity: 'error' });
}

/** Both forms to statements; never throws on user text. */
export function readStatements(text: string, maxDepth: number): StatementText {
  const lexed = lex(text);
  const out: StatementText = { form: formOf(text), statements: [], containers: new Map(), comments: lexed.comments, problems: [], tooDeep: [] };
  for (const at of lexed.unterminated) out.problems.push({ start: at, end: at + 1, message: t('This quoted string or comment is never closed.'), severity: 'error' });
  if (out.form === 'set') parseSet(lexed.tokens, out);
  else parseHierarchical(lexed.tokens, out, maxDepth);
  return out;
}
