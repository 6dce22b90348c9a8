import { t } from '../../l10n';
import type { AnalysisLimit } from '../../model/config';
import type { LineIndex } from '../../model/range';
import { stopAt } from '../bounds';
import { MAX_NESTING_DEPTH } from '../../limits';
import type { NginxToken, NginxTokens } from './lexer';

/**
 * nginx's grammar: tokens become directives (a name, its arguments, a block of child directives),
 * as ngx_conf_parse reads them; what each directive means is left to the conversion.
 */

export interface NginxDirective {
  name: string;
  nameToken: NginxToken;
  args: NginxToken[];
  /** Children when the directive opened a block (`{ … }`). */
  block?: NginxDirective[];
  /** A Lua body read as one raw token. */
  rawBlock?: NginxToken;
  /** Offset of the first character of the name. */
  start: number;
  /** Offset just past the `;` or `}` that ends it, or past its last token when it is not terminated. */
  end: number;
  /** Offset of the `{` that opens the block. */
  openOffset?: number;
  /** Offset of the `}` that closes the block, when there is one. */
  closeOffset?: number;
}

export interface BuiltTree {
  directives: NginxDirective[];
  upstreams: string[];
  /** Set when blocks nest deeper than MAX_NESTING_DEPTH: the tree ends at the block that went past it. */
  limit?: AnalysisLimit;
}

/** How deep the blocks of the whole file go, for the message about the bound. */
function deepestBlock(tokens: NginxTokens): number {
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < tokens.count; i++) {
    const kind = tokens.kind(i);
    if (kind === 'open') deepest = Math.max(deepest, ++depth);
    else if (kind === 'close') depth = Math.max(0, depth - 1);
  }
  return deepest;
}

/** A word as quoted in a message: binary junk and pasted essays are cut short. */
export function shown(word: string): string {
  const printable = word.replace(/[\u0000-\u001f\u007f-\u009f\ufffd]/g, '?');
  return printable.length > 40 ? `${printable.slice(0, 40)}…` : printable;
}

/** Blocks whose lines are entries (`key value;`), not directives. */
const ENTRY_BLOCKS = new Set(['map', 'geo', 'types', 'split_clients', 'charset_map', 'match']);

/** Directives common enough that one at the start of a line inside another statement means a missing `;`. */
const COMMON_DIRECTIVES = new Set([
  'access_log', 'add_header', 'alias', 'allow', 'auth_basic', 'auth_basic_user_file', 'client_max_body_size', 'default_type',
  'deny', 'error_log', 'error_page', 'expires', 'gzip', 'if', 'include', 'index', 'keepalive_timeout', 'limit_except',
  'listen', 'location', 'map', 'geo', 'proxy_buffering', 'proxy_connect_timeout', 'proxy_http_version', 'proxy_pass',
  'proxy_read_timeout', 'proxy_send_timeout', 'proxy_set_header', 'proxy_ssl_server_name', 'proxy_ssl_verify', 'real_ip_header',
  'resolver', 'return', 'rewrite', 'root', 'sendfile', 'server', 'server_name', 'set', 'set_real_ip_from', 'ssl_certificate',
  'ssl_certificate_key', 'ssl_ciphers', 'ssl_preread', 'ssl_protocols', 'ssl_session_cache', 'ssl_session_timeout',
  'try_files', 'upstream',
]);

/**
 * Tokens to a directive tree with an explicit stack, so nesting depth never touches the call stack.
 * `cut`: the tokens end where reading stopped, not where the file ends, so what is still open there is no mistake.
 */
export function buildTree(text: string, tokens: NginxTokens, problem: (start: number, end: number, message: string) => void, lines: LineIndex, cut: boolean): BuiltTree {
  const root: NginxDirective[] = [];
  const upstreams: string[] = [];
  const stack: { children: NginxDirective[]; owner?: NginxDirective }[] = [{ children: root }];
  let words: NginxToken[] = [];

  const top = (): { children: NginxDirective[]; owner?: NginxDirective } => stack[stack.length - 1]!;
  const makeDirective = (ws: NginxToken[], end: number): NginxDirective => {
    const nameToken = ws[0]!;
    const d: NginxDirective = { name: nameToken.value, nameToken, args: ws.slice(1), start: nameToken.start, end };
    top().children.push(d);
    return d;
  };

  const startsLine = (before: NginxToken, after: NginxToken): boolean => {
    for (let i = before.end; i < after.start; i++) if (text[i] === '\n' || text[i] === '\r') return true;
    return false;
  };
  /**
   * A word that begins a line and names a common directive, inside a statement, almost always
   * means the `;` of the line before is missing (nginx then fails with a confusing message about
   * argument counts). The words before it become a directive of their own, with the problem said
   * where it is, so the rest of the block is still read as the author meant it.
   */
  const splitMissingSemicolons = (ws: NginxToken[]): NginxToken[] => {
    const owner = top().owner?.name;
    if (ws.length < 2 || (owner !== undefined && ENTRY_BLOCKS.has(owner))) return ws;
    let from = 0;
    for (let i = 1; i < ws.length; i++) {
      const w = ws[i]!;
      if (w.quoted || !COMMON_DIRECTIVES.has(w.value) || !startsLine(ws[i - 1]!, w)) continue;
      const head = ws.slice(from, i);
      const last = head[head.length - 1]!;
      problem(head[0]!.start, last.end, t('"{0}" is not terminated by ";"', shown(head[0]!.value)));
      makeDirective(head, last.end);
      from = i;
    }
    return from === 0 ? ws : ws.slice(from);
  };

  let limit: AnalysisLimit | undefined;
  for (let i = 0; i < tokens.count; i++) {
    const kind = tokens.kind(i);
    if (kind === 'comment') continue;
    if (kind === 'word') {
      words.push(tokens.token(i));
      continue;
    }
    if (kind === 'open' && stack.length > MAX_NESTING_DEPTH) {
      limit = stopAt(lines, 'nesting', tokens.start(i), deepestBlock(tokens), MAX_NESTING_DEPTH);
      break;
    }
    if (words.length > 1) words = splitMissingSemicolons(words);
    const token = tokens.token(i);
    switch (token.kind) {
      case 'semicolon':
        if (words.length === 0) {
          problem(token.start, token.end, t('Unexpected "{0}"', ';'));
        } else {
          makeDirective(words, token.end);
          words = [];
        }
        break;
      case 'raw-block':
        if (words.length === 0) {
          problem(token.start, token.start + 1, t('Unexpected "{0}"', '{'));
        } else {
          const d = makeDirective(words, token.end);
          d.rawBlock = token;
          d.openOffset = token.start;
          words = [];
        }
        break;
      case 'open': {
        let d: NginxDirective;
        if (words.length === 0) {
          problem(token.start, token.end, t('Unexpected "{0}"', '{'));
          // Keep the braces balanced so one stray `{` does not misplace everything after it.
          d = { name: '', nameToken: token, args: [], start: token.start, end: token.end };
          top().children.push(d);
        } else {
          d = makeDirective(words, token.end);
        }
        d.block = [];
        d.openOffset = token.start;
        if (d.name === 'upstream' && d.args.length === 1) upstreams.push(d.args[0]!.value);
        stack.push({ children: d.block, owner: d });
        words = [];
        break;
      }
      case 'close': {
        if (words.length > 0) {
          const last = words[words.length - 1]!;
          problem(words[0]!.start, last.end, t('"{0}" is not terminated by ";"', shown(words[0]!.value)));
          makeDirective(words, last.end);
          words = [];
        }
        if (stack.length === 1) {
          problem(token.start, token.end, t('Unexpected "{0}"', '}'));
        } else {
          const frame = stack.pop()!;
          if (frame.owner) {
            frame.owner.end = token.end;
            frame.owner.closeOffset = token.start;
          }
        }
        break;
      }
    }
  }
  const stopped = cut || limit !== undefined;
  if (stopped) words = [];
  if (words.length > 1) words = splitMissingSemicolons(words);
  if (words.length > 0) {
    const last = words[words.length - 1]!;
    problem(words[0]!.start, last.end, t('Unexpected end of file: "{0}" is not terminated by ";"', shown(words[0]!.value)));
    makeDirective(words, last.end);
  }
  while (stack.length > 1) {
    const frame = stack.pop()!;
    const owner = frame.owner;
    if (owner) {
      if (!stopped) problem(owner.start, (owner.openOffset ?? owner.start) + 1, t('Unexpected end of file: the block "{0}" is not closed with "}"', shown(owner.name) || '{'));
      const lastChild = owner.block?.[owner.block.length - 1];
      owner.end = Math.max(owner.end, lastChild?.end ?? owner.end, text.length);
    }
  }
  return { directives: root, upstreams, ...(limit ? { limit } : {}) };
}

