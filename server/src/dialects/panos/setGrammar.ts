import { t } from '../../l10n';
import type { LineIndex } from '../../model/range';
import { isYes, VendorBuilder } from './builder';
import { addMembers, appendMembers, IGNORED_FIELDS, isKnownRuleField, isListField, isSecurityAction, moveRule, NESTED_FIELDS, parsePortList, removeMembers, ruleTypeOf } from './fields';
import { lexSet, type SetLine, type SetToken } from './setLexer';
import type { Range } from '../../model/range';
import type { Member, PanosAddress, PanosAddressGroup, PanosExternalList, PanosRule, PanosScope, PanosService, PanosServiceGroup, RulebaseName } from './vendor';

/** Words of an interactive session that change no configuration (a pasted transcript). */
const SESSION_WORDS = new Set(['configure', 'commit', 'exit', 'quit', 'top', 'save', 'validate', 'end', 'run', 'show', 'check']);

const RULEBASES = new Set<string>(['rulebase', 'pre-rulebase', 'post-rulebase']);

/** A value after a keyword: one word, or the members of `[ … ]`. */
interface Value {
  words: SetToken[];
  /** Index of the token after the value. */
  next: number;
  list: boolean;
}

class SetGrammar {
  constructor(private readonly b: VendorBuilder) {}

  private lineRange(line: SetLine): { start: number; end: number } {
    const first = line.tokens[0];
    const last = line.tokens[line.tokens.length - 1];
    return { start: first?.start ?? line.start, end: last?.end ?? line.end };
  }

  private value(line: SetLine, i: number, what: string): Value | undefined {
    const tokens = line.tokens;
    const token = tokens[i];
    if (!token) {
      const at = tokens[tokens.length - 1]?.end ?? line.end;
      this.b.problem(at, at, t('Incomplete command: expected {0}.', what));
      return undefined;
    }
    if (token.text !== '[' || token.quoted) return { words: [token], next: i + 1, list: false };
    const words: SetToken[] = [];
    let j = i + 1;
    while (j < tokens.length && !(tokens[j]!.text === ']' && !tokens[j]!.quoted)) words.push(tokens[j++]!);
    if (j >= tokens.length) {
      this.b.problem(token.start, tokens[tokens.length - 1]!.end, t('The list opened here has no closing "]".'));
      return { words, next: j, list: true };
    }
    return { words, next: j + 1, list: true };
  }

  private members(words: readonly SetToken[]): Member[] {
    return words.map((w) => ({ name: w.text, range: this.b.range(w.start, w.end) }));
  }

  /** Which scope the words from `i` on address: `vsys N`, `device-group N`, `shared`; vsys1 when none is named. */
  private scopeAt(line: SetLine, i: number): { scope: PanosScope; next: number } | undefined {
    const word = line.tokens[i]?.text;
    const name = line.tokens[i + 1];
    if (word === 'vsys' || word === 'device-group') {
      if (!name) {
        this.value(line, i + 1, word === 'vsys' ? t('a virtual system name') : t('a device group name'));
        return undefined;
      }
      if (word === 'device-group') this.b.panorama = true;
      return { scope: this.b.scope(word, name.text), next: i + 2 };
    }
    if (word === 'shared') return { scope: this.b.scope('shared', 'shared'), next: i + 1 };
    if (word === 'template' || word === 'template-stack') return undefined;
    return { scope: this.b.scope('vsys', 'vsys1'), next: i };
  }

  command(line: SetLine): void {
    if (line.comment) {
      this.b.comment(line.comment.start, line.end, line.comment.text);
      return;
    }
    let tokens = line.tokens;
    if (tokens.length === 0) return;
    // A pasted prompt (`admin@PA-3220# set …`) carries the command after it.
    if (/^[\w.-]+@[\w.()-]+[#>]$/.test(tokens[0]!.text)) tokens = tokens.slice(1);
    if (tokens.length === 0) return;
    const current: SetLine = { ...line, tokens };
    if (line.unterminatedQuote !== undefined) this.b.problem(line.unterminatedQuote, line.end, t('The quote opened here is not closed on this line.'));
    const verb = tokens[0]!.text;
    this.b.statements++;
    if (verb === '[' && tokens[1]?.text === 'edit') return;
    if (SESSION_WORDS.has(verb)) return;
    if (verb === 'edit' || verb === 'up') {
      this.b.problem(tokens[0]!.start, tokens[0]!.end, t('"{0}" changes the CLI\'s position; the commands after it are read as full set commands.', verb), 'warning');
      return;
    }
    if (verb !== 'set' && verb !== 'delete' && verb !== 'move' && verb !== 'rename') {
      const range = this.lineRange(current);
      this.b.problem(range.start, range.end, t('"{0}" is not a PAN-OS configuration command; expected set, delete, move or rename.', verb));
      return;
    }
    const located = this.scopeAt(current, 1);
    if (!located) return;
    const { scope, next } = located;
    const kind = tokens[next]?.text;
    if (kind === undefined) {
      this.value(current, next, t('what to configure'));
      return;
    }
    if (RULEBASES.has(kind)) {
      this.rulebase(current, verb, scope, kind as RulebaseName, next + 1);
      return;
    }
    if (verb === 'move' || verb === 'rename') return;
    if (verb === 'delete') {
      this.deleteObject(current, scope, kind, next + 1);
      return;
    }
    switch (kind) {
      case 'address':
        this.address(current, scope, next + 1);
        break;
      case 'address-group':
        this.addressGroup(current, scope, next + 1);
        break;
      case 'service':
        this.service(current, scope, next + 1);
        break;
      case 'service-group':
        this.serviceGroup(current, scope, next + 1);
        break;
      case 'external-list':
        this.externalList(current, scope, next + 1);
        break;
      case 'zone': {
        const name = tokens[next + 1];
        if (!name) this.value(current, next + 1, t('a zone name'));
        else if (!scope.zones.has(name.text)) scope.zones.set(name.text, { name: name.text, range: this.b.range(name.start, name.end) });
        break;
      }
      default:
        break;
    }
  }

  /** The object a command names, made by the first command that names it; its range is that line. */
  private object<T>(line: SetLine, i: number, what: string, map: Map<string, T>, make: (name: string, range: Range) => T): T | undefined {
    const token = line.tokens[i];
    if (!token) {
      this.value(line, i, what);
      return undefined;
    }
    const range = this.lineRange(line);
    let object = map.get(token.text);
    if (object === undefined) {
      object = make(token.text, this.b.range(range.start, range.end));
      map.set(token.text, object);
    }
    return object;
  }

  /** Each `field value` pair of a line from `i` on, until `take` declines a field (one this grammar does not read). */
  private fields(line: SetLine, i: number, take: (field: string, value: Value) => boolean): void {
    for (let j = i; j < line.tokens.length; ) {
      const field = line.tokens[j]!.text;
      const value = this.value(line, j + 1, t('a value for {0}', field));
      if (!value || !take(field, value)) return;
      j = value.next;
    }
  }

  private address(line: SetLine, scope: PanosScope, i: number): void {
    const object = this.object(line, i, t('an address object name'), scope.addresses, (name, range): PanosAddress => ({ name, range }));
    if (!object) return;
    const range = this.lineRange(line);
    this.fields(line, i + 1, (field, value) => {
      const word = value.words[0];
      if (field === 'ip-netmask' || field === 'ip-range' || field === 'ip-wildcard' || field === 'fqdn') {
        const parsed = word ? this.b.addressValue(field, word.text, word.start, word.end) : undefined;
        if (parsed) {
          object.value = parsed;
          object.range = this.b.range(range.start, range.end);
        }
      } else if (field === 'description') {
        if (word) object.description = word.text;
      } else if (field !== 'tag') return false;
      return true;
    });
  }

  private addressGroup(line: SetLine, scope: PanosScope, i: number): void {
    const group = this.object(line, i, t('an address group name'), scope.addressGroups, (name, range): PanosAddressGroup => ({ name, range }));
    if (!group) return;
    this.fields(line, i + 1, (field, value) => {
      if (field === 'dynamic') {
        // `dynamic filter "'tag' and 'tag'"`: the filter is the word after `filter`.
        group.dynamicFilter = value.words[0]?.text === 'filter' ? (line.tokens[value.next]?.text ?? '') : '';
        delete group.members;
        return false;
      }
      if (field === 'static') {
        group.members = appendMembers(group.members ?? [], this.members(value.words));
        delete group.dynamicFilter;
      } else if (field !== 'description' && field !== 'tag') return false;
      return true;
    });
  }

  private service(line: SetLine, scope: PanosScope, i: number): void {
    const service = this.object(line, i, t('a service name'), scope.services, (name, range): PanosService => ({ name, range, ports: [] }));
    if (!service) return;
    const range = this.lineRange(line);
    this.fields(line, i + 1, (field, value) => {
      if (field !== 'protocol') return field === 'description' || field === 'tag';
      const protocol = value.words[0];
      if (!protocol) return false;
      if (protocol.text !== 'tcp' && protocol.text !== 'udp' && protocol.text !== 'sctp') {
        this.b.problem(protocol.start, protocol.end, t('Unknown service protocol "{0}"; expected tcp, udp or sctp.', protocol.text));
        return false;
      }
      if (service.protocol !== protocol.text) service.ports = [];
      service.protocol = protocol.text;
      service.range = this.b.range(range.start, range.end);
      this.fields(line, value.next, (key, ports) => {
        if (key !== 'port' && key !== 'source-port') return false;
        const word = ports.words[0];
        const parsed = word ? parsePortList(word.text) : undefined;
        if (!word || !parsed) {
          if (word) this.b.problem(word.start, word.end, t('"{0}" is not a port list (ports and ranges separated by commas).', word.text));
          return false;
        }
        if (key === 'port') service.ports = parsed;
        else service.sourcePorts = parsed;
        return true;
      });
      // The port fields read the rest of the line.
      return false;
    });
  }

  private serviceGroup(line: SetLine, scope: PanosScope, i: number): void {
    const group = this.object(line, i, t('a service group name'), scope.serviceGroups, (name, range): PanosServiceGroup => ({ name, range, members: [] }));
    if (!group) return;
    this.fields(line, i + 1, (field, value) => {
      if (field === 'members') group.members = appendMembers(group.members, this.members(value.words));
      return field === 'members' || field === 'tag';
    });
  }

  private externalList(line: SetLine, scope: PanosScope, i: number): void {
    const list = this.object(line, i, t('an external list name'), scope.externalLists, (name, range): PanosExternalList => ({ name, range }));
    if (!list) return;
    const tokens = line.tokens;
    // `type ip url U` (PAN-OS 9 and later) and `url U` (8.x) both name the source.
    for (let j = i + 1; j + 1 < tokens.length; j++) {
      const word = tokens[j]!.text;
      if (word === 'type') list.type = tokens[++j]!.text;
      else if (word === 'url') list.url = tokens[++j]!.text;
    }
  }

  private deleteObject(line: SetLine, scope: PanosScope, kind: string, i: number): void {
    const name = line.tokens[i]?.text;
    if (name === undefined || line.tokens.length > i + 1) return;
    const maps: Record<string, Map<string, unknown>> = {
      address: scope.addresses,
      'address-group': scope.addressGroups,
      service: scope.services,
      'service-group': scope.serviceGroups,
      'external-list': scope.externalLists,
      zone: scope.zones,
    };
    maps[kind]?.delete(name);
  }

  private findRule(scope: PanosScope, rulebase: RulebaseName, name: string): PanosRule | undefined {
    return scope.rules.find((r) => r.rulebase === rulebase && r.name === name);
  }

  private rulebase(line: SetLine, verb: string, scope: PanosScope, rulebase: RulebaseName, i: number): void {
    const tokens = line.tokens;
    const section = tokens[i]?.text;
    if (section === 'default-security-rules') {
      this.defaultRule(line, scope, i + 1);
      return;
    }
    if (section !== 'security') return;
    if (tokens[i + 1]?.text !== 'rules') {
      if (tokens[i + 1] === undefined) return;
      this.b.problem(tokens[i + 1]!.start, tokens[i + 1]!.end, t('Expected "rules" after "security", not "{0}".', tokens[i + 1]!.text));
      return;
    }
    const name = tokens[i + 2];
    if (!name) {
      if (verb !== 'delete') this.value(line, i + 2, t('a rule name'));
      return;
    }
    const range = this.lineRange(line);
    scope.ruleLines.push(line.line);
    scope.rulebaseRange ??= this.b.range(range.start, range.end);
    if (verb === 'move') {
      this.move(line, scope, rulebase, name, i + 3);
      return;
    }
    if (verb === 'rename') {
      const rule = this.findRule(scope, rulebase, name.text);
      const to = tokens[i + 3]?.text === 'to' ? tokens[i + 4] : undefined;
      if (rule && to) {
        rule.name = to.text;
        rule.nameRange = this.b.range(to.start, to.end);
      } else this.b.problem(name.start, name.end, t('Rule "{0}" cannot be renamed here: it is not defined before this line, or "to NAME" is missing.', name.text), 'warning');
      return;
    }
    let rule = this.findRule(scope, rulebase, name.text);
    if (verb === 'delete') {
      if (!rule) return;
      if (tokens.length === i + 3) {
        scope.rules.splice(scope.rules.indexOf(rule), 1);
        return;
      }
      const field = tokens[i + 3]!.text;
      const value = this.value(line, i + 4, t('a value for {0}', field));
      if (value && isListField(field)) removeMembers(rule, field, value.words.map((w) => w.text));
      return;
    }
    if (!rule) {
      rule = this.b.newRule(name.text, rulebase, this.b.range(name.start, name.end), this.b.range(range.start, range.end));
      scope.rules.push(rule);
    } else {
      if (!rule.lines.includes(line.line)) rule.lines.push(line.line);
      const start = this.b.lines.offsetAt(rule.range.start);
      const end = this.b.lines.offsetAt(rule.range.end);
      rule.range = this.b.range(Math.min(start, range.start), Math.max(end, range.end));
    }
    this.ruleFields(line, rule, i + 3);
  }

  private ruleFields(line: SetLine, rule: PanosRule, i: number): void {
    const tokens = line.tokens;
    let j = i;
    while (j < tokens.length) {
      const fieldToken = tokens[j]!;
      const field = fieldToken.text;
      if (NESTED_FIELDS.has(field)) {
        // A nested value runs until the next field the rule has at its top level.
        j++;
        while (j < tokens.length && !(isKnownRuleField(tokens[j]!.text) && !NESTED_FIELDS.has(tokens[j]!.text))) j++;
        continue;
      }
      if (!isKnownRuleField(field)) {
        this.b.problem(fieldToken.start, fieldToken.end, t('Unknown security rule field "{0}"; the rest of the line is not read.', field), 'warning');
        return;
      }
      const value = this.value(line, j + 1, t('a value for {0}', field));
      if (!value) return;
      const word = value.words[0];
      if (isListField(field)) addMembers(rule, field, this.members(value.words));
      else if (IGNORED_FIELDS.has(field) || !word) {
        // Logging, tags and ids decide nothing about which traffic matches.
      } else if (field === 'action') {
        if (isSecurityAction(word.text)) rule.action = { value: word.text, range: this.b.range(word.start, word.end) };
        else this.b.problem(word.start, word.end, t('Unknown action "{0}"; expected allow, deny, drop, reset-client, reset-server or reset-both.', word.text));
      } else if (field === 'disabled') rule.disabled = isYes(word.text);
      else if (field === 'negate-source') rule.negateSource = isYes(word.text);
      else if (field === 'negate-destination') rule.negateDestination = isYes(word.text);
      else if (field === 'rule-type') {
        const type = ruleTypeOf(word.text);
        if (type) rule.ruleType = type;
        else this.b.problem(word.start, word.end, t('Unknown rule type "{0}"; expected universal, intrazone or interzone.', word.text));
      } else if (field === 'schedule') rule.schedule = word.text;
      else if (field === 'description') rule.description = word.text;
      j = value.next;
    }
  }

  private move(line: SetLine, scope: PanosScope, rulebase: RulebaseName, name: SetToken, i: number): void {
    const tokens = line.tokens;
    const where = tokens[i]?.text;
    const rule = this.findRule(scope, rulebase, name.text);
    if (where !== 'top' && where !== 'bottom' && where !== 'before' && where !== 'after') {
      const at = tokens[i] ?? name;
      this.b.problem(at.start, at.end, t('Expected top, bottom, before or after in a move command.'));
      return;
    }
    const otherToken = where === 'before' || where === 'after' ? tokens[i + 1] : undefined;
    if ((where === 'before' || where === 'after') && !otherToken) {
      this.value(line, i + 1, t('a rule name'));
      return;
    }
    const other = otherToken ? this.findRule(scope, rulebase, otherToken.text) : undefined;
    if (!rule || !moveRule(scope.rules, rule, where, other)) {
      const missing = !rule ? name : (otherToken ?? name);
      this.b.problem(missing.start, missing.end, t('Rule "{0}" is not defined before this move; the device would refuse it, so it is not applied.', missing.text), 'warning');
    }
  }

  private defaultRule(line: SetLine, scope: PanosScope, i: number): void {
    const tokens = line.tokens;
    const name = tokens[i]?.text === 'rules' ? tokens[i + 1] : undefined;
    if (!name || (name.text !== 'intrazone-default' && name.text !== 'interzone-default')) return;
    const at = tokens.findIndex((tk, k) => k > i + 1 && tk.text === 'action');
    const action = at >= 0 ? tokens[at + 1] : undefined;
    if (!action) return;
    if (action.text !== 'allow' && action.text !== 'deny' && action.text !== 'drop' && !action.text.startsWith('reset-')) {
      this.b.problem(action.start, action.end, t('Unknown action "{0}"; expected allow, deny, drop, reset-client, reset-server or reset-both.', action.text));
      return;
    }
    const range = this.lineRange(line);
    const key = name.text === 'intrazone-default' ? 'intrazone' : 'interzone';
    scope.defaults[key] = { action: action.text, range: this.b.range(range.start, range.end) };
    scope.ruleLines.push(line.line);
  }
}

/** Reads a file of `set` commands (the CLI's `display set` output, or a script of commands) into the builder. */
export function parseSetForm(text: string, lines: LineIndex): VendorBuilder {
  const builder = new VendorBuilder(lines, 'set');
  const grammar = new SetGrammar(builder);
  for (const line of lexSet(text)) grammar.command(line);
  return builder;
}
