import { MAX_NESTING_DEPTH } from '../../limits';
import type { Comment, SyntaxProblem } from '../../model/config';
import type { LineIndex, Range } from '../../model/range';
import { t } from '../../l10n';
import type { FortiStatement, FortiToken } from './lexer';

/** `set KEY VALUE…` as it stands after every `set`, `append`, `unselect` and `unset` of the entry. */
export interface Setting {
  key: string;
  keyRange: Range;
  values: FortiToken[];
  /** The command that set it last. */
  range: Range;
}

/** `move A before|after B` inside a table, applied in order. */
export interface MoveCommand {
  name: string;
  where: 'before' | 'after';
  other: string;
  range: Range;
  line: number;
  /** Both entries were in this table, so the move is already in `entries`; otherwise the reader of the table applies it. */
  applied: boolean;
}

/** `edit NAME … next`: one row of a table (an address, a policy by its id). */
export interface EditEntry {
  name: string;
  nameRange: Range;
  quoted: boolean;
  /** From `edit` to `next` (or to where the entry was cut off). */
  range: Range;
  /** Lines of every `edit` of this entry; a second `edit` of the same name changes the same row. */
  lines: number[];
  settings: Map<string, Setting>;
  children: ConfigBlock[];
}

/** `config PATH … end`: a table of entries, or settings of one object (`config https` in a profile). */
export interface ConfigBlock {
  path: string[];
  range: Range;
  headerRange: Range;
  /** Entries in the device's order, after every `move` and `delete`. */
  entries: EditEntry[];
  settings: Map<string, Setting>;
  children: ConfigBlock[];
  moves: MoveCommand[];
  /** Lines that change the order of the entries (`edit` of a new entry, `move`, `delete`). */
  orderLines: number[];
}

export interface ConfigTree {
  /** Top-level blocks, in order; with VDOMs, each `config vdom` → `edit NAME` holds its own. */
  blocks: ConfigBlock[];
  problems: SyntaxProblem[];
  comments: Comment[];
  /** Commands read, so a file of them that yields nothing is told from an empty one. */
  statements: number;
  /** The text ends inside a block or an entry, so what is appended to it lands there. */
  openAtEnd: boolean;
}

function newBlock(path: string[], range: Range): ConfigBlock {
  return { path, range, headerRange: range, entries: [], settings: new Map(), children: [], moves: [], orderLines: [] };
}

/** A list value extended the way `append` does: names already there are not repeated. */
function appendValues(existing: readonly FortiToken[], added: readonly FortiToken[]): FortiToken[] {
  const out = [...existing];
  for (const token of added) if (!out.some((v) => v.text === token.text)) out.push(token);
  return out;
}

type Frame = { kind: 'config'; block: ConfigBlock } | { kind: 'edit'; entry: EditEntry; block: ConfigBlock };

/**
 * Commands → the configuration tree, the way the CLI applies them: `config` opens a table or an
 * object, `edit` a row of it (the same name again reaches the same row), `next` and `end` close
 * them; `set`, `unset`, `append` and `unselect` change settings, `delete`, `move` and `rename`
 * change the rows of a table. What does not fit is a problem, and reading goes on.
 */
export function buildTree(statements: readonly FortiStatement[], lines: LineIndex): ConfigTree {
  const tree: ConfigTree = { blocks: [], problems: [], comments: [], statements: 0, openAtEnd: false };
  const stack: Frame[] = [];
  const range = (start: number, end: number): Range => lines.rangeOf(start, end);
  const problem = (start: number, end: number, message: string, severity: 'error' | 'warning' = 'error'): void => {
    tree.problems.push({ range: range(start, end), message, severity });
  };
  const top = (): Frame | undefined => stack[stack.length - 1];
  const extend = (r: Range, end: number): Range => ({ start: r.start, end: lines.positionAt(end) });
  let skippingDepth = 0;

  for (const statement of statements) {
    if (statement.comment) {
      tree.comments.push({ range: range(statement.comment.start, statement.end), text: statement.comment.text });
      continue;
    }
    const words = statement.tokens;
    const first = words[0];
    if (!first) continue;
    tree.statements++;
    if (statement.unterminatedQuote !== undefined) problem(statement.unterminatedQuote, statement.end, t('This quoted value is never closed.'));
    const verb = first.quoted ? '' : first.text;
    const frame = top();
    if (skippingDepth > 0) {
      if (verb === 'config' || verb === 'edit') skippingDepth++;
      else if (verb === 'end' || verb === 'next') skippingDepth--;
      continue;
    }
    switch (verb) {
      case 'config': {
        const path = words.slice(1).map((w) => w.text);
        if (path.length === 0) {
          problem(first.start, first.end, t('"config" needs the name of what it configures.'));
          break;
        }
        if (stack.length >= MAX_NESTING_DEPTH) {
          problem(first.start, statement.end, t('Blocks nest deeper than {0} levels here; what is inside is not read.', MAX_NESTING_DEPTH));
          skippingDepth = 1;
          break;
        }
        const block = newBlock(path, range(statement.start, statement.end));
        if (!frame) tree.blocks.push(block);
        else if (frame.kind === 'edit') frame.entry.children.push(block);
        else frame.block.children.push(block);
        stack.push({ kind: 'config', block });
        break;
      }
      case 'edit': {
        const name = words[1];
        if (!frame || frame.kind !== 'config') {
          problem(first.start, statement.end, frame ? t('"edit" inside an entry; close it with "next" first.') : t('"edit" outside a "config" block.'));
          break;
        }
        if (!name) {
          problem(first.start, first.end, t('"edit" needs the name or number of the entry.'));
          break;
        }
        const block = frame.block;
        let entry = block.entries.find((e) => e.name === name.text);
        if (!entry) {
          entry = { name: name.text, nameRange: range(name.start, name.end), quoted: name.quoted, range: range(statement.start, statement.end), lines: [], settings: new Map(), children: [] };
          block.entries.push(entry);
          block.orderLines.push(statement.line);
        }
        entry.lines.push(statement.line);
        stack.push({ kind: 'edit', entry, block });
        break;
      }
      case 'next': {
        if (frame?.kind !== 'edit') {
          problem(first.start, first.end, t('"next" without an "edit" to close.'));
          break;
        }
        frame.entry.range = extend(frame.entry.range, statement.end);
        stack.pop();
        break;
      }
      case 'end': {
        let closing = frame;
        if (closing?.kind === 'edit') {
          // `end` right after the settings of an entry closes the entry and its table, as the CLI allows.
          closing.entry.range = extend(closing.entry.range, statement.end);
          stack.pop();
          closing = top();
        }
        if (!closing) {
          problem(first.start, first.end, t('"end" without a "config" block to close.'));
          break;
        }
        closing.block.range = extend(closing.block.range, statement.end);
        stack.pop();
        break;
      }
      case 'set':
      case 'unset':
      case 'append':
      case 'unselect':
      case 'select': {
        const key = words[1];
        if (!frame) {
          problem(first.start, statement.end, t('"{0}" outside a "config" block.', verb));
          break;
        }
        if (!key) {
          problem(first.start, first.end, t('"{0}" needs the name of a setting.', verb));
          break;
        }
        const settings = frame.kind === 'edit' ? frame.entry.settings : frame.block.settings;
        const values = words.slice(2);
        const here = range(statement.start, statement.end);
        const keyRange = range(key.start, key.end);
        const old = settings.get(key.text);
        if (verb === 'unset') settings.delete(key.text);
        else if (verb === 'append' || verb === 'select') settings.set(key.text, { key: key.text, keyRange, values: old ? appendValues(old.values, values) : values, range: here });
        else if (verb === 'unselect') {
          if (old) settings.set(key.text, { ...old, values: old.values.filter((v) => !values.some((u) => u.text === v.text)), range: here });
        } else {
          if (values.length === 0) problem(first.start, statement.end, t('"set {0}" needs a value.', key.text), 'warning');
          settings.set(key.text, { key: key.text, keyRange, values, range: here });
        }
        break;
      }
      case 'delete':
      case 'purge': {
        if (frame?.kind !== 'config') {
          problem(first.start, statement.end, t('"{0}" belongs inside a "config" block, outside its entries.', verb));
          break;
        }
        const block = frame.block;
        if (verb === 'purge') block.entries = [];
        else {
          const name = words[1]?.text;
          const index = block.entries.findIndex((e) => e.name === name);
          if (index >= 0) block.entries.splice(index, 1);
          else problem(first.start, statement.end, t('"delete" names no entry of this table.'), 'warning');
        }
        block.orderLines.push(statement.line);
        break;
      }
      case 'move': {
        const [, a, where, b] = words;
        if (frame?.kind !== 'config' || !a || !b || (where?.text !== 'before' && where?.text !== 'after')) {
          problem(first.start, statement.end, t('Expected "move ID before|after ID" inside a "config" table.'));
          break;
        }
        const block = frame.block;
        const move: MoveCommand = { name: a.text, where: where.text, other: b.text, range: range(statement.start, statement.end), line: statement.line, applied: false };
        block.moves.push(move);
        block.orderLines.push(statement.line);
        const from = block.entries.findIndex((e) => e.name === a.text);
        const to = block.entries.findIndex((e) => e.name === b.text);
        // A move of entries written in an earlier block of the same table is applied where the tables are joined.
        if (from < 0 || to < 0 || from === to) break;
        move.applied = true;
        const [entry] = block.entries.splice(from, 1);
        const target = block.entries.findIndex((e) => e.name === b.text);
        block.entries.splice(where.text === 'before' ? target : target + 1, 0, entry!);
        break;
      }
      case 'rename': {
        const [, a, to, b] = words;
        const entry = frame?.kind === 'config' && a && b && to?.text === 'to' ? frame.block.entries.find((e) => e.name === a.text) : undefined;
        if (!entry || !b) {
          problem(first.start, statement.end, t('Expected "rename NAME to NAME" naming an entry of this table.'), 'warning');
          break;
        }
        entry.name = b.text;
        break;
      }
      case 'show':
      case 'get':
      case 'execute':
      case 'diagnose':
      case 'abort':
      case 'clone':
        // Commands a pasted session holds that change nothing in the configuration.
        break;
      default:
        problem(first.start, first.end, t('"{0}" is not a FortiOS configuration command.', first.text));
    }
  }
  tree.openAtEnd = stack.length > 0 || skippingDepth > 0;
  for (const frame of stack) {
    const at = frame.kind === 'edit' ? frame.entry.nameRange : frame.block.headerRange;
    tree.problems.push({ range: at, message: frame.kind === 'edit' ? t('This entry is never closed with "next".') : t('This "config" block is never closed with "end".'), severity: 'error' });
  }
  return tree;
}

/** The first value of a setting, lower-cased for keywords. */
export function keywordOf(setting: Setting | undefined): string | undefined {
  return setting?.values[0]?.text.toLowerCase();
}
