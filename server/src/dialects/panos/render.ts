import { formatCidr, intervalToCidrs, mergeIntervals, type IpInterval } from '../../model/address';
import { mergePorts } from '../../model/ports';
import type { PortRange } from '../../model/config';
import type { FlowOrigin, Policy, RenderedBlock } from '../../model/policy';
import { t } from '../../l10n';
import { ruleComment } from '../ruleComment';
import { addressBuckets, unexpressibleEntries, type AddressBucket } from '../policyGroups';
import { clampName, nameSlug } from '../objectNames';
import type { PanosForm, RulebaseName } from './vendor';

/** PAN-OS refuses object and rule names longer than this. */
const MAX_NAME = 63;
/** Rule descriptions hold up to 1024 characters; a short one reads better in the rulebase view. */
const DESCRIPTION_LIMIT = 255;

/** The part of a configuration an XML block is written into. */
export type XmlPart = 'address' | 'address-group' | 'service' | 'rules';

/** Where a PAN-OS block goes and what its rule looks like there. */
export interface PanosTarget {
  form: PanosForm;
  /** The words that reach the scope in a `set` command: [], [vsys, vsys2], [device-group, DG], [shared]. */
  prefix: string[];
  rulebase: RulebaseName;
  /** Zones of the new rule; [any] for any. */
  from: string[];
  to: string[];
  /** The rule the new one is moved in front of; absent when it goes at the end (a default decides). */
  before?: string;
  /** XML: the section this block holds entries of. */
  part?: XmlPart;
}

interface AddressObject {
  name: string;
  cidr: string;
  description: string;
}

interface ServiceObject {
  name: string;
  protocol: 'tcp' | 'udp';
  ports: string;
}

interface RulePlan {
  name: string;
  group: string;
  localGroup?: string;
  services: string[];
  description: string;
}

/** What a block defines, worked out from the policy alone so every part of an XML block agrees on names. */
export interface BlockPlan {
  addresses: AddressObject[];
  groups: Array<{ name: string; members: string[]; description: string }>;
  services: ServiceObject[];
  rules: RulePlan[];
  notes: string[];
  notExpressible: string[];
}

function portText(ports: readonly PortRange[]): string {
  return mergePorts(ports)
    .map((p) => (p.from === p.to ? String(p.from) : `${p.from}-${p.to}`))
    .join(',');
}

function cidrsOf(intervals: readonly IpInterval[]): string[] {
  return mergeIntervals(intervals).flatMap((iv) => intervalToCidrs(iv).map(formatCidr));
}

/** `13.107.6.152/31` → `13.107.6.152-31`, `2603:1063::/38` → `2603_1063__-38`: characters names may hold. */
function addressPart(cidr: string): string {
  return cidr.replace(/\//g, '-').replace(/:/g, '_');
}



/** A bucket's services as `tcp:80,443`, protocols merged, sorted; `*` for an entry on every port. */
function serviceKeys(services: AddressBucket['services']): string[] {
  if (services.some((s) => s.ports.length === 0)) return ['*'];
  const byProtocol = new Map<string, PortRange[]>();
  for (const s of services) byProtocol.set(s.protocol, [...(byProtocol.get(s.protocol) ?? []), ...s.ports]);
  return [...byProtocol.entries()].map(([protocol, ports]) => `${protocol}:${portText(ports)}`).sort();
}

/** Objects, groups, services and rules of a block; names start with `EL-` and the purpose. */
export function blockPlan(policy: Policy): BlockPlan {
  const prefix = `EL-${nameSlug(policy.purpose)}`;
  const plan: BlockPlan = { addresses: [], groups: [], services: [], rules: [], notes: [], notExpressible: [] };
  const addressNames = new Map<string, string>();
  const objectFor = (cidr: string, description: string): string => {
    let name = addressNames.get(cidr);
    if (name === undefined) {
      name = clampName(`${prefix}-${addressPart(cidr)}`, MAX_NAME);
      addressNames.set(cidr, name);
      plan.addresses.push({ name, cidr, description });
    }
    return name;
  };
  const serviceNames = new Map<string, string>();
  const list = addressBuckets(policy);
  list.forEach((bucket, i) => {
    const name = clampName(list.length === 1 ? prefix : `${prefix}-${i + 1}`, MAX_NAME);
    const label = [...new Set(bucket.entries.map((e) => e.label))].join('; ');
    const group = clampName(`${name}-M365`, MAX_NAME);
    plan.groups.push({ name: group, members: cidrsOf(bucket.remote).map((c) => objectFor(c, label)), description: label });
    let localGroup: string | undefined;
    if (bucket.local && bucket.local.length > 0) {
      localGroup = clampName(`${name}-LOCAL`, MAX_NAME);
      plan.groups.push({ name: localGroup, members: cidrsOf(bucket.local).map((c) => objectFor(c, t('on-premises servers'))), description: t('on-premises servers') });
    }
    const keys = serviceKeys(bucket.services);
    const services = keys[0] === '*' ? ['any'] : keys.map((key) => {
      const [protocol, ports] = key.split(':') as ['tcp' | 'udp', string];
      let service = serviceNames.get(key);
      if (service === undefined) {
        service = clampName(`${prefix}-${protocol.toUpperCase()}-${ports.replace(/,/g, '_')}`, MAX_NAME);
        serviceNames.set(key, service);
        plan.services.push({ name: service, protocol, ports });
      }
      return service;
    });
    const origins: FlowOrigin[] = bucket.entries.map((e) => e.origin);
    plan.rules.push({ name, group, ...(localGroup ? { localGroup } : {}), services, description: ruleComment(policy.purpose, origins, policy.catalogVersion, DESCRIPTION_LIMIT) });
  });
  const unexpressible = unexpressibleEntries(policy, (url, label) => t('{0} ({1}): security rules here match addresses; allow the name with a custom URL category or an FQDN object.', url, label));
  plan.notes.push(...unexpressible.notes);
  plan.notExpressible.push(...unexpressible.notExpressible);
  return plan;
}

/** A name or value as the CLI takes it: quoted when it holds anything but name characters. */
function word(text: string): string {
  return /^[A-Za-z0-9._/:-]+$/.test(text) ? text : `"${text.replace(/["\\]/g, '')}"`;
}

function members(names: readonly string[]): string {
  return names.length === 1 ? word(names[0]!) : `[ ${names.map(word).join(' ')} ]`;
}

function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').trim();
}

function ruleSides(policy: Policy, rule: RulePlan): { source: string[]; destination: string[] } {
  if (policy.direction === 'inbound') return { source: [rule.group], destination: [rule.localGroup ?? 'any'] };
  return { source: ['any'], destination: [rule.group] };
}

function renderSet(policy: Policy, target: PanosTarget, plan: BlockPlan): string[] {
  const scope = target.prefix.map(word).join(' ');
  const set = (rest: string): string => (scope === '' ? `set ${rest}` : `set ${scope} ${rest}`);
  const out: string[] = [];
  for (const note of plan.notes) out.push(`# ${oneLine(note)}`);
  for (const a of plan.addresses) out.push(set(`address ${word(a.name)} ip-netmask ${a.cidr} description ${word(oneLine(a.description).slice(0, DESCRIPTION_LIMIT))}`));
  for (const g of plan.groups) out.push(set(`address-group ${word(g.name)} static ${members(g.members)}`));
  for (const s of plan.services) out.push(set(`service ${word(s.name)} protocol ${s.protocol} port ${s.ports}`));
  const action = policy.action === 'allow' ? 'allow' : 'deny';
  for (const rule of plan.rules) {
    const { source, destination } = ruleSides(policy, rule);
    out.push(
      set(
        `${target.rulebase} security rules ${word(rule.name)} from ${members(target.from)} to ${members(target.to)} source ${members(source)} destination ${members(destination)} application any service ${members(rule.services)} action ${action} description ${word(rule.description)}`,
      ),
    );
  }
  if (target.before !== undefined) {
    const move = scope === '' ? 'move' : `move ${scope}`;
    // Each new rule in front of the one that decides, in block order.
    for (const rule of plan.rules) out.push(`${move} ${target.rulebase} security rules ${word(rule.name)} before ${word(target.before)}`);
  }
  return out;
}

function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** XML comments may not hold `--`. */
function xmlComment(text: string): string {
  return `<!-- ${oneLine(text).replace(/--/g, '- -')} -->`;
}

function memberElement(name: string, values: readonly string[]): string[] {
  return [`  <${name}>`, ...values.map((v) => `    <member>${xmlEscape(v)}</member>`), `  </${name}>`];
}

function renderXml(policy: Policy, target: PanosTarget, plan: BlockPlan): string[] {
  const out: string[] = [];
  switch (target.part ?? 'rules') {
    case 'address':
      for (const a of plan.addresses) {
        out.push(`<entry name="${xmlEscape(a.name)}">`, `  <ip-netmask>${a.cidr}</ip-netmask>`, `  <description>${xmlEscape(oneLine(a.description).slice(0, DESCRIPTION_LIMIT))}</description>`, '</entry>');
      }
      break;
    case 'address-group':
      for (const g of plan.groups) out.push(`<entry name="${xmlEscape(g.name)}">`, ...memberElement('static', g.members), `  <description>${xmlEscape(oneLine(g.description).slice(0, DESCRIPTION_LIMIT))}</description>`, '</entry>');
      break;
    case 'service':
      for (const s of plan.services) out.push(`<entry name="${xmlEscape(s.name)}">`, '  <protocol>', `    <${s.protocol}>`, `      <port>${s.ports}</port>`, `    </${s.protocol}>`, '  </protocol>', '</entry>');
      break;
    case 'rules': {
      for (const note of plan.notes) out.push(xmlComment(note));
      const action = policy.action === 'allow' ? 'allow' : 'deny';
      for (const rule of plan.rules) {
        const { source, destination } = ruleSides(policy, rule);
        out.push(
          `<entry name="${xmlEscape(rule.name)}">`,
          ...memberElement('to', target.to),
          ...memberElement('from', target.from),
          ...memberElement('source', source),
          ...memberElement('destination', destination),
          ...memberElement('source-user', ['any']),
          ...memberElement('category', ['any']),
          ...memberElement('application', ['any']),
          ...memberElement('service', rule.services),
          ...memberElement('hip-profiles', ['any']),
          `  <action>${action}</action>`,
          `  <description>${xmlEscape(rule.description)}</description>`,
          '</entry>',
        );
      }
      break;
    }
  }
  return out;
}

/**
 * Renders a policy as PAN-OS configuration inside a managed block. In `set` form: an address
 * object per prefix, an address group per rule, service objects, the security rule(s) and the
 * `move … before` that puts them in front of the rule that decides the traffic (new rules are
 * added at the bottom of a rulebase). In XML the same objects as `<entry>` elements, one block per
 * section (`target.part`), the rules block standing where the rules take effect.
 */
export function renderPanos(policy: Policy, target: PanosTarget): RenderedBlock {
  const plan = blockPlan(policy);
  const xml = target.form === 'xml';
  const comment = (text: string): string => (xml ? xmlComment(text) : `# ${oneLine(text)}`);
  const body = xml ? renderXml(policy, target, plan) : renderSet(policy, target, plan);
  const lines = [comment(`BEGIN endpoint-lens ${policy.purpose} ${policy.instance} ${policy.catalogVersion}`)];
  if (policy.title.trim() !== '') lines.push(comment(policy.title));
  lines.push(...body, comment(`END endpoint-lens ${policy.purpose}`));
  return { text: lines.join('\n') + '\n', notExpressible: xml && target.part !== 'rules' ? [] : plan.notExpressible };
}

/** Whether an XML block of this part would hold anything for the policy. */
export function partHasEntries(policy: Policy, part: XmlPart): boolean {
  const plan = blockPlan(policy);
  if (part === 'address') return plan.addresses.length > 0;
  if (part === 'address-group') return plan.groups.length > 0;
  if (part === 'service') return plan.services.length > 0;
  return true;
}
