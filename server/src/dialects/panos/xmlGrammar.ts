import { t } from '../../l10n';
import type { LineIndex } from '../../model/range';
import { isYes, VendorBuilder } from './builder';
import { addMembers, isListField, isSecurityAction, parsePortList, ruleTypeOf } from './fields';
import type { Member, PanosAddress, PanosScope, PanosService, RulebaseName, XmlScopeLayout } from './vendor';
import { at, child, childrenNamed, entries, entryName, readXml, type XmlElement } from './xmlTree';

const RULEBASES: readonly RulebaseName[] = ['rulebase', 'pre-rulebase', 'post-rulebase'];

class XmlGrammar {
  constructor(private readonly b: VendorBuilder) {}

  private members(element: XmlElement | undefined): Member[] {
    return childrenNamed(element, 'member')
      .filter((m) => m.text !== '')
      .map((m) => ({ name: m.text, range: this.b.range(m.textStart, m.textEnd) }));
  }

  private named(element: XmlElement, what: string): string | undefined {
    const name = entryName(element);
    if (name === undefined || name.value === '') {
      this.b.problem(element.span.start, element.span.openEnd, t('This {0} entry has no name attribute; it is not read.', what));
      return undefined;
    }
    return name.value;
  }

  scope(element: XmlElement, scope: PanosScope): void {
    const layout: XmlScopeLayout = { element: element.span, sections: new Map(), rules: new Map() };
    scope.xml = layout;
    for (const section of ['address', 'address-group', 'service', 'service-group', 'external-list', 'zone']) {
      const found = child(element, section);
      if (found) layout.sections.set(section, found.span);
    }
    this.addresses(child(element, 'address'), scope);
    this.addressGroups(child(element, 'address-group'), scope);
    this.services(child(element, 'service'), scope);
    this.serviceGroups(child(element, 'service-group'), scope);
    this.externalLists(child(element, 'external-list'), scope);
    for (const zone of entries(child(element, 'zone'))) {
      const name = this.named(zone, 'zone');
      if (name !== undefined) scope.zones.set(name, { name, range: this.b.range(zone.span.start, zone.span.openEnd) });
    }
    for (const rulebase of RULEBASES) {
      const base = child(element, rulebase);
      if (!base) continue;
      layout.sections.set(rulebase, base.span);
      const security = child(base, 'security');
      if (security) layout.sections.set(`${rulebase}/security`, security.span);
      const rules = child(security, 'rules');
      if (rules) {
        layout.sections.set(`${rulebase}/security/rules`, rules.span);
        scope.rulebaseRange ??= this.b.range(rules.span.start, rules.span.openEnd);
        this.rules(rules, rulebase, scope, layout);
      }
      for (const entry of entries(at(base, 'default-security-rules', 'rules'))) {
        const name = entryName(entry)?.value;
        const action = child(entry, 'action');
        if ((name !== 'intrazone-default' && name !== 'interzone-default') || !action || action.text === '') continue;
        scope.defaults[name === 'intrazone-default' ? 'intrazone' : 'interzone'] = { action: action.text, range: this.b.range(action.textStart, action.textEnd) };
      }
    }
  }

  private addresses(section: XmlElement | undefined, scope: PanosScope): void {
    for (const entry of entries(section)) {
      const name = this.named(entry, 'address');
      if (name === undefined) continue;
      const object: PanosAddress = { name, range: this.b.range(entry.span.start, entry.span.end) };
      for (const type of ['ip-netmask', 'ip-range', 'ip-wildcard', 'fqdn']) {
        const value = child(entry, type);
        if (!value) continue;
        const parsed = this.b.addressValue(type, value.text, value.textStart, value.textEnd);
        if (parsed) object.value = parsed;
      }
      const description = child(entry, 'description');
      if (description) object.description = description.text;
      scope.addresses.set(name, object);
    }
  }

  private addressGroups(section: XmlElement | undefined, scope: PanosScope): void {
    for (const entry of entries(section)) {
      const name = this.named(entry, 'address-group');
      if (name === undefined) continue;
      const dynamic = child(entry, 'dynamic');
      scope.addressGroups.set(name, {
        name,
        range: this.b.range(entry.span.start, entry.span.end),
        ...(dynamic ? { dynamicFilter: child(dynamic, 'filter')?.text ?? '' } : { members: this.members(child(entry, 'static')) }),
      });
    }
  }

  private services(section: XmlElement | undefined, scope: PanosScope): void {
    for (const entry of entries(section)) {
      const name = this.named(entry, 'service');
      if (name === undefined) continue;
      const service: PanosService = { name, range: this.b.range(entry.span.start, entry.span.end), ports: [] };
      const protocol = child(entry, 'protocol')?.children[0];
      if (protocol && (protocol.name === 'tcp' || protocol.name === 'udp' || protocol.name === 'sctp')) {
        service.protocol = protocol.name;
        for (const key of ['port', 'source-port'] as const) {
          const value = child(protocol, key);
          if (!value) continue;
          const ports = parsePortList(value.text);
          if (!ports) {
            this.b.problem(value.textStart, value.textEnd, t('"{0}" is not a port list (ports and ranges separated by commas).', value.text));
            continue;
          }
          if (key === 'port') service.ports = ports;
          else service.sourcePorts = ports;
        }
      } else if (protocol) {
        this.b.problem(protocol.span.start, protocol.span.openEnd, t('Unknown service protocol "{0}"; expected tcp, udp or sctp.', protocol.name));
      }
      scope.services.set(name, service);
    }
  }

  private serviceGroups(section: XmlElement | undefined, scope: PanosScope): void {
    for (const entry of entries(section)) {
      const name = this.named(entry, 'service-group');
      if (name === undefined) continue;
      scope.serviceGroups.set(name, { name, range: this.b.range(entry.span.start, entry.span.end), members: this.members(child(entry, 'members')) });
    }
  }

  private externalLists(section: XmlElement | undefined, scope: PanosScope): void {
    for (const entry of entries(section)) {
      const name = this.named(entry, 'external-list');
      if (name === undefined) continue;
      const type = child(entry, 'type')?.children[0];
      const url = child(type, 'url') ?? child(entry, 'url');
      scope.externalLists.set(name, {
        name,
        range: this.b.range(entry.span.start, entry.span.end),
        ...(type ? { type: type.name } : {}),
        ...(url && url.text !== '' ? { url: url.text } : {}),
      });
    }
  }

  private rules(section: XmlElement, rulebase: RulebaseName, scope: PanosScope, layout: XmlScopeLayout): void {
    for (const entry of entries(section)) {
      const name = this.named(entry, 'rule');
      if (name === undefined) continue;
      const attribute = entryName(entry)!;
      const rule = this.b.newRule(name, rulebase, this.b.range(attribute.start, attribute.end), this.b.range(entry.span.start, entry.span.end));
      layout.rules.set(`${rulebase}/${name}`, entry.span);
      for (const field of entry.children) {
        if (isListField(field.name)) {
          addMembers(rule, field.name, this.members(field));
          continue;
        }
        const value = field.text;
        switch (field.name) {
          case 'action':
            if (isSecurityAction(value)) rule.action = { value, range: this.b.range(field.textStart, field.textEnd) };
            else this.b.problem(field.textStart, field.textEnd, t('Unknown action "{0}"; expected allow, deny, drop, reset-client, reset-server or reset-both.', value));
            break;
          case 'disabled':
            rule.disabled = isYes(value);
            break;
          case 'negate-source':
            rule.negateSource = isYes(value);
            break;
          case 'negate-destination':
            rule.negateDestination = isYes(value);
            break;
          case 'rule-type': {
            const type = ruleTypeOf(value);
            if (type) rule.ruleType = type;
            else this.b.problem(field.textStart, field.textEnd, t('Unknown rule type "{0}"; expected universal, intrazone or interzone.', value));
            break;
          }
          case 'schedule':
            rule.schedule = value;
            break;
          case 'description':
            rule.description = value;
            break;
          default:
            break;
        }
      }
      if (scope.rules.some((r) => r.rulebase === rulebase && r.name === name)) {
        this.b.problem(attribute.start, attribute.end, t('A second rule named "{0}" in this rulebase; the device refuses duplicate names, and only the first is read.', name));
        continue;
      }
      scope.rules.push(rule);
    }
  }
}

/** The `<config>` element: the file's root, or inside an XML API answer (`<response><result><config>`). */
function configElement(root: XmlElement): XmlElement | undefined {
  if (root.name === 'config') return root;
  if (root.name === 'response') return at(root, 'result', 'config');
  return undefined;
}

/** Reads an XML configuration (a running or candidate config export, or an API answer holding one) into the builder. */
export function parseXmlForm(text: string, lines: LineIndex): VendorBuilder {
  const builder = new VendorBuilder(lines, 'xml');
  const doc = readXml(text);
  for (const p of doc.problems) builder.problem(p.start, p.end, p.message);
  for (const c of doc.comments) builder.comment(c.start, c.end, c.text);
  const root = doc.root;
  if (root) builder.statements++;
  const config = root ? configElement(root) : undefined;
  if (!root || !config) {
    const start = root?.span.start ?? 0;
    builder.problem(start, root?.span.openEnd ?? start, root ? t('The root element is <{0}>; a PAN-OS configuration starts with <config>.', root.name) : t('No XML element found; a PAN-OS configuration starts with <config>.'));
    return builder;
  }
  const grammar = new XmlGrammar(builder);
  const shared = child(config, 'shared');
  if (shared) grammar.scope(shared, builder.scope('shared', 'shared'));
  for (const device of entries(child(config, 'devices'))) {
    for (const vsys of entries(child(device, 'vsys'))) {
      const name = entryName(vsys)?.value;
      if (name) grammar.scope(vsys, builder.scope('vsys', name));
    }
    for (const group of entries(child(device, 'device-group'))) {
      const name = entryName(group)?.value;
      if (!name) continue;
      builder.panorama = true;
      grammar.scope(group, builder.scope('device-group', name));
    }
  }
  return builder;
}

