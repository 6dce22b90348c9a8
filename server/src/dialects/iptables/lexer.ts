/**
 * Shell-style lexer for iptables material: `iptables-save` files and shell scripts of `iptables`,
 * `ip6tables` and `ipset` commands. It splits text into commands of words the way a POSIX shell
 * does (quotes, backslash escapes, `\` line continuations, `#` comments, `;` `&&` `||` `|`
 * separators, here-documents) but leaves variable expansion to the parser, which knows the
 * assignments made so far. One pass over the text; every search that could restart is remembered.
 */

export type WordPart =
  /** Literal characters; `exact` when they map one to one onto the source starting at `start`. */
  | { kind: 'text'; text: string; start: number; exact: boolean }
  /** `$NAME` or `${NAME}` (also `${NAME:-x}`, whose name is NAME). */
  | { kind: 'var'; name: string; start: number; end: number }
  /** `$(…)` or a backtick command substitution, kept as written. */
  | { kind: 'subst'; text: string; start: number; end: number };

export interface ShellWord {
  /** The word as written, quotes included. */
  raw: string;
  start: number;
  end: number;
  parts: WordPart[];
}

export interface HereDocument {
  /** The delimiter word without quotes. */
  delimiter: string;
  /** Quoted delimiters (`<<'EOF'`) switch off expansion inside the body. */
  expand: boolean;
  /** Offsets of the body, from the first body line to the start of the delimiter line. */
  start: number;
  end: number;
}

export interface ShellCommand {
  words: ShellWord[];
  start: number;
  end: number;
  heredoc?: HereDocument;
}

export interface LexComment {
  start: number;
  end: number;
  text: string;
}

export interface LexProblem {
  start: number;
  end: number;
  message: 'unterminated-quote' | 'unterminated-heredoc';
  detail?: string;
}

export interface ShellLexResult {
  commands: ShellCommand[];
  comments: LexComment[];
  problems: LexProblem[];
}

const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;

function isBlank(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\f' || c === '\v';
}

function isLineBreak(c: string): boolean {
  return c === '\n' || c === '\r';
}

/** Characters that end an unquoted word. */
function isWordEnd(c: string): boolean {
  return isBlank(c) || isLineBreak(c) || c === ';' || c === '&' || c === '|' || c === '(' || c === ')' || c === '<' || c === '>';
}

/** Characters with a meaning inside an unquoted word. */
function isSpecial(c: string): boolean {
  return c === '\\' || c === "'" || c === '"' || c === '`' || c === '$';
}

/**
 * With `onCommand`, each finished command is handed over as soon as its here-documents are read and
 * `commands` stays empty, so a large file is never held as one array of words.
 */
export interface LexOptions {
  /** Inside an unquoted here-document the shell expands `$VAR` even on iptables-save lines. */
  expandSaveLines?: boolean;
}

export function lexShell(text: string, from = 0, to = text.length, onCommand?: (command: ShellCommand) => void, options: LexOptions = {}): ShellLexResult {
  const commands: ShellCommand[] = [];
  const comments: LexComment[] = [];
  const problems: LexProblem[] = [];
  // Once a search for a closing quote has failed from some offset it fails from every later one.
  const noCloseAfter: Record<string, number> = { "'": Infinity, '"': Infinity, '`': Infinity };
  let words: ShellWord[] = [];
  let commandStart = -1;
  /** The current command started like an iptables-save line. */
  let saveLine = false;
  let pendingHeredocs: Array<Omit<HereDocument, 'start' | 'end'> & { strip: boolean; command: ShellCommand | undefined }> = [];
  let i = from;

  const finishCommand = (): ShellCommand | undefined => {
    let made: ShellCommand | undefined;
    if (words.length > 0) {
      made = { words, start: commandStart, end: words[words.length - 1]!.end };
      commands.push(made);
    }
    if (onCommand && pendingHeredocs.length === 0 && commands.length > 0) flush();
    words = [];
    commandStart = -1;
    saveLine = false;
    return made;
  };

  const flush = (): void => {
    for (const command of commands) onCommand!(command);
    commands.length = 0;
  };

  const findClose = (quote: string, start: number): number => {
    if (start >= noCloseAfter[quote]!) return -1;
    let j = start;
    while (j < to) {
      const c = text[j]!;
      if (c === quote) return j;
      if (c === '\\' && quote !== "'") j++;
      j++;
    }
    noCloseAfter[quote] = start;
    return -1;
  };

  // Cached so that many quotes or `${` on one long line do not rescan it.
  let knownLineStart = -1;
  let knownLineEnd = -1;
  const lineEnd = (start: number): number => {
    if (start >= knownLineStart && start <= knownLineEnd) return knownLineEnd;
    let j = start;
    while (j < to && !isLineBreak(text[j]!)) j++;
    knownLineStart = start;
    knownLineEnd = j;
    return j;
  };
  // No search made yet: the first `${` searches (a cached "none found" is only true from where a search started).
  let braceSearchFrom = Number.POSITIVE_INFINITY;
  let braceFound = -1;
  const closeBrace = (start: number, limit: number): number => {
    if (!(start >= braceSearchFrom && (braceFound < 0 || braceFound >= start))) {
      braceSearchFrom = start;
      braceFound = text.indexOf('}', start);
    }
    return braceFound >= 0 && braceFound < limit ? braceFound : -1;
  };

  const readHeredocBodies = (): void => {
    // `i` is at the start of the line after the command that opened them.
    for (const pending of pendingHeredocs) {
      const bodyStart = i;
      let found = false;
      while (i < to) {
        const end = lineEnd(i);
        let line = text.slice(i, end);
        if (pending.strip) line = line.replace(/^\t+/, '');
        const next = end < to && text[end] === '\r' && text[end + 1] === '\n' ? end + 2 : end + 1;
        if (line === pending.delimiter) {
          const body: HereDocument = { delimiter: pending.delimiter, expand: pending.expand, start: bodyStart, end: i };
          if (pending.command) pending.command.heredoc = body;
          i = Math.min(next, to);
          found = true;
          break;
        }
        i = Math.min(next, to);
      }
      if (!found) {
        problems.push({ start: bodyStart, end: to, message: 'unterminated-heredoc', detail: pending.delimiter });
        if (pending.command) pending.command.heredoc = { delimiter: pending.delimiter, expand: pending.expand, start: bodyStart, end: to };
      }
    }
    pendingHeredocs = [];
  };

  /** Reads `$…` at `j` (which holds `$`) into parts; returns the offset after it. */
  const readDollar = (j: number, parts: WordPart[]): number => {
    const next = text[j + 1] ?? '';
    if (next === '{') {
      const limit = lineEnd(j);
      const close = closeBrace(j + 2, limit);
      const stop = close < 0 ? limit : close + 1;
      const inner = text.slice(j + 2, close < 0 ? stop : close);
      const name = /^[A-Za-z_][A-Za-z0-9_]*|^[0-9@*#?$!-]/.exec(inner)?.[0] ?? inner;
      parts.push({ kind: 'var', name, start: j, end: stop });
      return stop;
    }
    if (next === '(') {
      let depth = 0;
      let k = j + 1;
      const limit = lineEnd(j);
      for (; k < limit; k++) {
        const c = text[k];
        if (c === '(') depth++;
        else if (c === ')') {
          depth--;
          if (depth === 0) {
            k++;
            break;
          }
        }
      }
      parts.push({ kind: 'subst', text: text.slice(j, k), start: j, end: k });
      return k;
    }
    if (NAME_START.test(next)) {
      let k = j + 1;
      while (k < to && NAME_CHAR.test(text[k]!)) k++;
      parts.push({ kind: 'var', name: text.slice(j + 1, k), start: j, end: k });
      return k;
    }
    if (/[0-9@*#?$!-]/.test(next)) {
      parts.push({ kind: 'var', name: next, start: j, end: j + 2 });
      return j + 2;
    }
    parts.push({ kind: 'text', text: '$', start: j, exact: true });
    return j + 1;
  };

  const addText = (parts: WordPart[], chunk: string, start: number, exact: boolean): void => {
    const last = parts[parts.length - 1];
    if (last && last.kind === 'text' && last.exact && exact && last.start + last.text.length === start) {
      last.text += chunk;
    } else if (last && last.kind === 'text' && !exact && !last.exact) {
      last.text += chunk;
    } else {
      parts.push({ kind: 'text', text: chunk, start, exact });
    }
  };

  /**
   * iptables-restore splits a line on blanks and groups only double quotes (with `\"`); `'`, `;`
   * and the rest are plain characters there, and the line ends the command.
   */
  const readSaveWord = (): ShellWord => {
    const start = i;
    const parts: WordPart[] = [];
    while (i < to && !isBlank(text[i]!) && !isLineBreak(text[i]!)) {
      const c = text[i]!;
      if (c === '"') {
        const close = findClose('"', i + 1);
        const lineStop = lineEnd(i);
        const stop = close < 0 || close > lineStop ? lineStop : close;
        if (stop === lineStop) problems.push({ start: i, end: stop, message: 'unterminated-quote' });
        let j = i + 1;
        if (j === stop) parts.push({ kind: 'text', text: '', start: j, exact: true });
        while (j < stop) {
          if (text[j] === '\\' && text[j + 1] === '"' && j + 1 < stop) {
            addText(parts, '"', j + 1, false);
            j += 2;
          } else if (text[j] === '$' && options.expandSaveLines) {
            j = Math.min(readDollar(j, parts), stop);
          } else {
            let k = j + 1;
            while (k < stop && text[k] !== '\\' && text[k] !== '$') k++;
            addText(parts, text.slice(j, k), j, true);
            j = k;
          }
        }
        i = stop === close ? close + 1 : stop;
        continue;
      }
      if (c === '$' && options.expandSaveLines) {
        i = readDollar(i, parts);
        continue;
      }
      let j = i + 1;
      while (j < to && !isBlank(text[j]!) && !isLineBreak(text[j]!) && text[j] !== '"' && !(text[j] === '$' && options.expandSaveLines)) j++;
      addText(parts, text.slice(i, j), i, true);
      i = j;
    }
    return { raw: text.slice(start, i), start, end: i, parts };
  };
  const readWord = (): ShellWord => {
    const start = i;
    const parts: WordPart[] = [];
    while (i < to) {
      const c = text[i]!;
      if (isWordEnd(c)) break;
      if (c === '\\') {
        const n = text[i + 1];
        if (n === '\n') {
          i += 2;
          continue;
        }
        if (n === '\r') {
          i += text[i + 2] === '\n' ? 3 : 2;
          continue;
        }
        if (n === undefined || i + 1 >= to) {
          i++;
          continue;
        }
        addText(parts, n, i + 1, false);
        i += 2;
        continue;
      }
      if (c === "'") {
        const close = findClose("'", i + 1);
        if (close < 0) {
          problems.push({ start: i, end: lineEnd(i), message: 'unterminated-quote' });
          const stop = lineEnd(i);
          addText(parts, text.slice(i + 1, stop), i + 1, true);
          i = stop;
          continue;
        }
        if (close > i + 1) addText(parts, text.slice(i + 1, close), i + 1, true);
        else parts.push({ kind: 'text', text: '', start: i + 1, exact: true });
        i = close + 1;
        continue;
      }
      if (c === '"') {
        const close = findClose('"', i + 1);
        const stop = close < 0 ? lineEnd(i) : close;
        if (close < 0) problems.push({ start: i, end: stop, message: 'unterminated-quote' });
        let j = i + 1;
        if (j === stop) parts.push({ kind: 'text', text: '', start: j, exact: true });
        while (j < stop) {
          const d = text[j]!;
          if (d === '\\' && j + 1 < stop && /["\\$`\n]/.test(text[j + 1]!)) {
            if (text[j + 1] !== '\n') addText(parts, text[j + 1]!, j + 1, false);
            j += 2;
          } else if (d === '$') {
            j = Math.min(readDollar(j, parts), stop);
          } else {
            let k = j + 1;
            while (k < stop && text[k] !== '\\' && text[k] !== '$') k++;
            addText(parts, text.slice(j, k), j, true);
            j = k;
          }
        }
        i = close < 0 ? stop : close + 1;
        continue;
      }
      if (c === '`') {
        const close = findClose('`', i + 1);
        const stop = close < 0 ? lineEnd(i) : close + 1;
        parts.push({ kind: 'subst', text: text.slice(i, stop), start: i, end: stop });
        i = stop;
        continue;
      }
      if (c === '$') {
        i = readDollar(i, parts);
        continue;
      }
      let j = i + 1;
      while (j < to && !isWordEnd(text[j]!) && !isSpecial(text[j]!)) j++;
      addText(parts, text.slice(i, j), i, true);
      i = j;
    }
    return { raw: text.slice(start, i), start, end: i, parts };
  };

  while (i < to) {
    const c = text[i]!;
    if (isBlank(c)) {
      i++;
      continue;
    }
    if (c === '\\' && (text[i + 1] === '\n' || text[i + 1] === '\r') && !saveLine) {
      i += text[i + 1] === '\r' && text[i + 2] === '\n' ? 3 : 2;
      continue;
    }
    if (saveLine && !isLineBreak(c)) {
      const word = readSaveWord();
      if (word.end > word.start) words.push(word);
      else i++;
      continue;
    }
    if (isLineBreak(c)) {
      const made = finishCommand();
      for (const p of pendingHeredocs) if (!p.command) p.command = made;
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
      if (pendingHeredocs.length > 0) {
        readHeredocBodies();
        if (onCommand) flush();
      }
      continue;
    }
    if (c === '#') {
      const end = lineEnd(i);
      comments.push({ start: i, end, text: text.slice(i + 1, end).trim() });
      i = end;
      continue;
    }
    if (c === ';' || c === '&' || c === '|' || c === '(' || c === ')') {
      const made = finishCommand();
      for (const p of pendingHeredocs) if (!p.command) p.command = made;
      i++;
      continue;
    }
    if (c === '<' || c === '>') {
      if (c === '<' && text[i + 1] === '<' && text[i + 2] !== '<') {
        i += 2;
        const strip = text[i] === '-';
        if (strip) i++;
        while (i < to && isBlank(text[i]!)) i++;
        const word = readWord();
        const delimiter = word.parts.map((p) => (p.kind === 'text' ? p.text : p.kind === 'var' ? '$' + p.name : p.text)).join('');
        const expand = !/['"\\]/.test(word.raw);
        if (delimiter.length > 0) pendingHeredocs.push({ delimiter, expand, strip, command: undefined });
        continue;
      }
      // Any other redirection: the operator and its target are not arguments of the command.
      while (i < to && /[<>&|]/.test(text[i]!)) i++;
      while (i < to && isBlank(text[i]!)) i++;
      if (i < to && !isLineBreak(text[i]!)) readWord();
      continue;
    }
    if (commandStart < 0) {
      commandStart = i;
      // A line that starts like iptables-save data is read the way iptables-restore reads it.
      saveLine = c === '-' || c === ':' || c === '*' || c === '[' || text.startsWith('COMMIT', i);
    }
    if (saveLine) continue;
    const word = readWord();
    // `2>/dev/null`: a file-descriptor number glued to a redirection is not a word.
    if (/^\d+$/.test(word.raw) && (text[i] === '>' || text[i] === '<')) continue;
    if (word.end > word.start) words.push(word);
    else i++;
  }
  const made = finishCommand();
  for (const p of pendingHeredocs) {
    if (!p.command) p.command = made;
    problems.push({ start: to, end: to, message: 'unterminated-heredoc', detail: p.delimiter });
  }
  pendingHeredocs = [];
  if (onCommand) flush();
  return { commands, comments, problems };
}
