import { t } from '../../l10n';
import type { ElementSpan } from './vendor';

/** An attribute value with where it stands (inside the quotes). */
export interface XmlAttribute {
  value: string;
  start: number;
  end: number;
}

export interface XmlElement {
  name: string;
  attributes: Map<string, XmlAttribute>;
  children: XmlElement[];
  /** Character data directly inside, entities decoded, trimmed. */
  text: string;
  /** Offsets of the trimmed character data as written, for ranges of values. */
  textStart: number;
  textEnd: number;
  span: ElementSpan;
}

export interface XmlComment {
  start: number;
  end: number;
  text: string;
}

export interface XmlProblem {
  start: number;
  end: number;
  message: string;
}

export interface XmlDocument {
  root?: XmlElement;
  comments: XmlComment[];
  problems: XmlProblem[];
}

/** Deeper elements are not read: PAN-OS configurations nest about a dozen levels. */
export const MAX_XML_DEPTH = 128;

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#x[0-9a-fA-F]{1,6}|#\d{1,7}|[a-z]+);/g, (whole, body: string) => {
    if (body.startsWith('#x')) return String.fromCodePoint(Math.min(Number.parseInt(body.slice(2), 16), 0x10ffff));
    if (body.startsWith('#')) return String.fromCodePoint(Math.min(Number(body.slice(1)), 0x10ffff));
    return ENTITIES[body] ?? whole;
  });
}

function isNameChar(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 45 || code === 95 || code === 46 || code === 58 || code > 127;
}

function lastIndexOf(stack: readonly Open[], name: string): number {
  for (let i = stack.length - 1; i >= 0; i--) if (stack[i]!.name === name) return i;
  return -1;
}

interface Open {
  element?: XmlElement;
  name: string;
  rawText: Array<{ start: number; end: number; text: string }>;
}

/**
 * A small XML reader for configuration files: elements, attributes, character data, comments and
 * CDATA, with the offsets of each. It never throws: a malformed document yields what was read and
 * problems, and nesting past MAX_XML_DEPTH is skipped over without recursion.
 */
export function readXml(text: string): XmlDocument {
  const doc: XmlDocument = { comments: [], problems: [] };
  const stack: Open[] = [];
  let depthReported = false;
  const openNames = new Map<string, number>();
  const pop = (): Open => {
    const open = stack.pop()!;
    openNames.set(open.name, (openNames.get(open.name) ?? 1) - 1);
    return open;
  };
  const length = text.length;
  let i = 0;
  const problem = (start: number, end: number, message: string): void => {
    if (doc.problems.length < 100) doc.problems.push({ start, end, message });
  };
  const finish = (open: Open, closeStart: number, end: number): void => {
    const element = open.element;
    if (!element) return;
    element.span.closeStart = closeStart;
    element.span.end = end;
    const runs = open.rawText.filter((r) => r.text.trim() !== '');
    if (runs.length > 0) {
      const first = runs[0]!;
      const last = runs[runs.length - 1]!;
      const lead = first.text.length - first.text.trimStart().length;
      const trail = last.text.length - last.text.trimEnd().length;
      element.textStart = first.start + lead;
      element.textEnd = last.end - trail;
      element.text = decode(runs.map((r) => r.text).join('')).trim();
    }
  };
  while (i < length) {
    const lt = text.indexOf('<', i);
    const textEnd = lt < 0 ? length : lt;
    if (textEnd > i) {
      const top = stack[stack.length - 1];
      if (top) top.rawText.push({ start: i, end: textEnd, text: text.slice(i, textEnd) });
      else if (text.slice(i, textEnd).trim() !== '') problem(i, textEnd, t('Text outside the root element.'));
    }
    if (lt < 0) break;
    i = lt;
    if (text.startsWith('<!--', i)) {
      const close = text.indexOf('-->', i + 4);
      const end = close < 0 ? length : close + 3;
      if (close < 0) problem(i, length, t('The comment opened here is not closed.'));
      doc.comments.push({ start: i, end, text: text.slice(i + 4, close < 0 ? length : close).trim() });
      i = end;
      continue;
    }
    if (text.startsWith('<![CDATA[', i)) {
      const close = text.indexOf(']]>', i + 9);
      const end = close < 0 ? length : close + 3;
      const top = stack[stack.length - 1];
      if (top) top.rawText.push({ start: i + 9, end: close < 0 ? length : close, text: text.slice(i + 9, close < 0 ? length : close) });
      i = end;
      continue;
    }
    if (text.startsWith('<?', i) || text.startsWith('<!', i)) {
      const close = text.indexOf(text[i + 1] === '?' ? '?>' : '>', i + 2);
      i = close < 0 ? length : close + (text[i + 1] === '?' ? 2 : 1);
      continue;
    }
    if (text[i + 1] === '/') {
      let j = i + 2;
      while (j < length && isNameChar(text.charCodeAt(j))) j++;
      const name = text.slice(i + 2, j);
      const gt = text.indexOf('>', j);
      const end = gt < 0 ? length : gt + 1;
      // Names open on the stack are counted, so an unmatched closing tag costs no search of a deep stack.
      const at = stack[stack.length - 1]?.name === name ? stack.length - 1 : (openNames.get(name) ?? 0) > 0 ? lastIndexOf(stack, name) : -1;
      if (at < 0) {
        problem(i, end, t('Closing tag </{0}> has no matching opening tag.', name));
      } else {
        if (at !== stack.length - 1) problem(i, end, t('Closing tag </{0}> closes elements left open inside it.', name));
        while (stack.length > at) finish(pop(), i, end);
      }
      i = end;
      continue;
    }
    let j = i + 1;
    while (j < length && isNameChar(text.charCodeAt(j))) j++;
    const name = text.slice(i + 1, j);
    if (name === '') {
      problem(i, i + 1, t('A "<" that does not start a tag.'));
      const top = stack[stack.length - 1];
      if (top) top.rawText.push({ start: i, end: i + 1, text: '<' });
      i++;
      continue;
    }
    const attributes = new Map<string, XmlAttribute>();
    let k = j;
    let selfClosing = false;
    let closed = false;
    while (k < length) {
      const c = text[k]!;
      if (c === '>') {
        closed = true;
        k++;
        break;
      }
      if (c === '/' && text[k + 1] === '>') {
        selfClosing = true;
        closed = true;
        k += 2;
        break;
      }
      if (c === '<') break;
      if (isNameChar(text.charCodeAt(k))) {
        let n = k;
        while (n < length && isNameChar(text.charCodeAt(n))) n++;
        const attributeName = text.slice(k, n);
        let m = n;
        while (m < length && /\s/.test(text[m]!)) m++;
        if (text[m] === '=') {
          m++;
          while (m < length && /\s/.test(text[m]!)) m++;
          const quote = text[m];
          if (quote === '"' || quote === "'") {
            const close = text.indexOf(quote, m + 1);
            const valueEnd = close < 0 ? length : close;
            attributes.set(attributeName, { value: decode(text.slice(m + 1, valueEnd)), start: m + 1, end: valueEnd });
            k = close < 0 ? length : close + 1;
            continue;
          }
        }
        k = Math.max(m, n);
        continue;
      }
      k++;
    }
    if (!closed) problem(i, k, t('The tag <{0}> is not closed with ">".', name));
    const depth = stack.length;
    let element: XmlElement | undefined;
    if (depth < MAX_XML_DEPTH) {
      element = { name, attributes, children: [], text: '', textStart: k, textEnd: k, span: { start: i, openEnd: k, closeStart: k, end: k, selfClosing } };
      const parent = stack[stack.length - 1]?.element;
      if (parent) parent.children.push(element);
      else if (depth === 0) {
        if (doc.root) problem(i, k, t('A second root element <{0}>; only the first is read.', name));
        else doc.root = element;
      }
    } else if (!depthReported) {
      depthReported = true;
      problem(i, k, t('Elements nest deeper than {0} levels here; what is inside is not read.', MAX_XML_DEPTH));
    }
    if (!selfClosing && closed) {
      stack.push({ ...(element ? { element } : {}), name, rawText: [] });
      openNames.set(name, (openNames.get(name) ?? 0) + 1);
    }
    i = k;
  }
  if (stack.length > 0) {
    const open = stack[0]!;
    problem(open.element?.span.start ?? length, length, t('The element <{0}> is not closed before the end of the file.', open.name));
    while (stack.length > 0) finish(pop(), length, length);
  }
  return doc;
}

/** The children of an element with one name. */
export function childrenNamed(element: XmlElement | undefined, name: string): XmlElement[] {
  return element ? element.children.filter((c) => c.name === name) : [];
}

export function child(element: XmlElement | undefined, name: string): XmlElement | undefined {
  return element?.children.find((c) => c.name === name);
}

/** `<entry name="…">` children, the way PAN-OS lists named objects. */
export function entries(element: XmlElement | undefined): XmlElement[] {
  return childrenNamed(element, 'entry');
}

export function entryName(element: XmlElement): XmlAttribute | undefined {
  return element.attributes.get('name');
}

/** The element at a path of child names, first match at each step. */
export function at(element: XmlElement | undefined, ...path: string[]): XmlElement | undefined {
  let current = element;
  for (const name of path) current = child(current, name);
  return current;
}
