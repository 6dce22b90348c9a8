import { t } from '../../l10n';
import { parseEntry } from './entries';
import { rangeOnLine, type CiscoLine, type CiscoToken } from './lexer';
import { lower, type Reader } from './reader';
import type { AccessList, CiscoAcl } from './vendor';

function isStandardNumber(n: number): boolean {
  return (n >= 1 && n <= 99) || (n >= 1300 && n <= 1999);
}

function isExtendedNumber(n: number): boolean {
  return (n >= 100 && n <= 199) || (n >= 2000 && n <= 2699);
}

function aclState(r: Reader, name: string, token: CiscoToken, line: CiscoLine, form: CiscoAcl['form'], standard: boolean): AccessList {
  const listId = form === 'ipv6' ? `IPv6 ACL ${name}` : `ACL ${name}`;
  let state = r.config.accessLists.get(listId);
  if (state === undefined) {
    state = {
      acl: { listId, name, form, standard },
      headerRange: rangeOnLine(line, line.tokens[0]?.start ?? token.start, token.end),
      entries: [],
      remarks: [],
      sequenced: form === 'ios-named' || (form === 'ipv6' && r.config.platform === 'ios'),
      nextSequence: 10,
      live: new Map(),
      numberedRemarks: [],
    };
    r.config.accessLists.set(listId, state);
  }
  return state;
}

/** `access-list …` in its ASA (extended/standard/remark/line) and IOS numbered forms. */
export function parseAccessListCommand(r: Reader, line: CiscoLine): void {
  const tokens = line.tokens;
  const nameToken = tokens[1];
  if (nameToken === undefined) {
    r.missing(line, t('an access list name'));
    return;
  }
  let i = 2;
  let insertAt: number | undefined;
  if (lower(tokens[i]) === 'line' && tokens[i + 1] !== undefined && tokens[i + 1]!.kind === 'number') {
    insertAt = Number(tokens[i + 1]!.text);
    i += 2;
  }
  const keyword = lower(tokens[i]);
  const numbered = nameToken.kind === 'number';
  if (keyword === '') {
    r.missing(line, t('extended, standard, remark, permit or deny'));
    return;
  }
  if (keyword === 'extended' || keyword === 'standard') {
    const state = aclState(r, nameToken.text, nameToken, line, 'asa', keyword === 'standard');
    parseEntry(r, line, i + 1, state, keyword === 'standard', 'netmask', insertAt);
    return;
  }
  if (keyword === 'remark') {
    const form = numbered && r.config.platform === 'ios' ? 'ios-numbered' : 'asa';
    const state = aclState(r, nameToken.text, nameToken, line, form, numbered && isStandardNumber(Number(nameToken.text)));
    addRemark(r, line, i, state);
    return;
  }
  if (keyword === 'webtype' || keyword === 'ethertype' || keyword === 'rename' || keyword === 'alert-interval' || keyword === 'deny-flow-max') {
    return;
  }
  if (numbered && (keyword === 'permit' || keyword === 'deny' || keyword === 'dynamic')) {
    const number = Number(nameToken.text);
    const standard = isStandardNumber(number);
    if (!standard && !isExtendedNumber(number)) return;
    const state = aclState(r, nameToken.text, nameToken, line, 'ios-numbered', standard);
    let start = i;
    if (keyword === 'dynamic') {
      start = i + 2;
      if (lower(tokens[start]) === 'timeout') start += 2;
    }
    parseEntry(r, line, start, state, standard, 'wildcard', undefined);
    return;
  }
  if (keyword === 'permit' || keyword === 'deny') {
    // ASA before 8.3 accepted `access-list NAME permit …` without `extended`; the device reads it as extended.
    const state = aclState(r, nameToken.text, nameToken, line, 'asa', false);
    parseEntry(r, line, i, state, false, 'netmask', insertAt);
    return;
  }
  const token = tokens[i]!;
  r.tokenProblem(line, token, t('Unknown access-list keyword "{0}".', token.text));
}

function addRemark(r: Reader, line: CiscoLine, remarkIndex: number, state: AccessList): void {
  const next = line.tokens[remarkIndex + 1];
  const last = line.tokens[line.tokens.length - 1];
  if (next !== undefined && last !== undefined) state.remarks.push(r.text.slice(next.start, last.end));
}

/** `ip access-list extended|standard NAME` opens the IOS named-list mode. */
export function parseIpAccessListHeader(r: Reader, line: CiscoLine): void {
  const tokens = line.tokens;
  const kind = lower(tokens[2]);
  if (['resequence', 'logging', 'log-update', 'persistent', 'helper', 'role-based', 'match-local-traffic'].includes(kind)) return;
  let standard = false;
  let nameToken = tokens[2];
  if (kind === 'extended' || kind === 'standard') {
    standard = kind === 'standard';
    nameToken = tokens[3];
  }
  if (nameToken === undefined) {
    r.missing(line, t('an access list name'));
    return;
  }
  const state = aclState(r, nameToken.text, nameToken, line, 'ios-named', standard);
  r.mode = { type: 'acl', state };
}

/** `ipv6 access-list NAME` opens IOS mode; with more words it is the ASA 8.x one-line entry. */
export function parseIpv6AccessList(r: Reader, line: CiscoLine): void {
  const tokens = line.tokens;
  const kind = lower(tokens[2]);
  if ((kind === 'extended' || kind === 'standard') && tokens[3] !== undefined && tokens[4] === undefined) {
    // `ipv6 access-list extended|standard NAME` (IOS XE, NX-OS style) opens the list like the plain form.
    const state = aclState(r, tokens[3].text, tokens[3], line, 'ipv6', kind === 'standard');
    r.mode = { type: 'acl', state };
    return;
  }
  const nameToken = tokens[2];
  if (nameToken === undefined) {
    r.missing(line, t('an access list name'));
    return;
  }
  const state = aclState(r, nameToken.text, nameToken, line, 'ipv6', false);
  const keyword = lower(tokens[3]);
  if (keyword === '') {
    r.mode = { type: 'acl', state };
    return;
  }
  let i = 3;
  let insertAt: number | undefined;
  if (keyword === 'line' && tokens[4] !== undefined && tokens[4].kind === 'number') {
    insertAt = Number(tokens[4].text);
    i = 5;
  }
  if (lower(tokens[i]) === 'remark') {
    addRemark(r, line, i, state);
    return;
  }
  parseEntry(r, line, i, state, false, 'netmask', insertAt);
}

export function parseNamedAclLine(r: Reader, line: CiscoLine, state: AccessList): boolean {
  const tokens = line.tokens;
  let i = 0;
  let sequence: number | undefined;
  if (tokens[0]!.kind === 'number') {
    sequence = Number(tokens[0]!.text);
    i = 1;
  } else if (lower(tokens[0]) === 'sequence' && tokens[1] !== undefined && tokens[1].kind === 'number') {
    sequence = Number(tokens[1].text);
    i = 2;
  }
  const word = lower(tokens[i]);
  if (word === 'permit' || word === 'deny') {
    parseEntry(r, line, i, state, state.acl.standard, 'wildcard', undefined, sequence);
    return true;
  }
  if (word === 'remark') {
    addRemark(r, line, i, state);
    if (sequence !== undefined && state.sequenced) state.numberedRemarks.push({ line: line.line, sequence });
    return true;
  }
  if (word === 'no' && tokens[1] !== undefined && tokens[1].kind === 'number') {
    const removed = state.live.get(Number(tokens[1].text));
    if (removed !== undefined) {
      removed.removed = true;
      state.live.delete(removed.sequence);
    }
    return true;
  }
  if (word === 'evaluate' || word === 'statistics' || word === 'fragments' || word === 'dynamic') return true;
  if (line.indented || sequence !== undefined) {
    const token = tokens[i] ?? tokens[0]!;
    r.tokenProblem(line, token, t('Unknown access list entry "{0}"; expected permit, deny or remark.', token.text));
    return true;
  }
  return false;
}
