import { formatCidr, intervalToCidrs, mergeIntervals, type IpInterval } from '../../model/address';
import { mergePorts } from '../../model/ports';
import type { PortRange } from '../../model/config';
import type { FlowOrigin, Policy, RenderedBlock } from '../../model/policy';
import { t } from '../../l10n';
import { ruleComment } from '../ruleComment';
import { addressBuckets, unexpressibleEntries, type AddressBucket } from '../policyGroups';
import { clampName, nameSlug } from '../objectNames';
import type { JunosForm } from './statements';

/** Junos refuses address, application and policy names longer than this. */
const MAX_NAME = 63;
const DESCRIPTION_LIMIT = 255;
const INDENT = '    ';

/** The part of a curly-brace configuration a block is written into. */
export type HierarchicalPart = 'addresses' | 'applications' | 'policies';

/** One zone pair a new policy is written for, and the policy it is inserted before (absent: at the end of the pair). */
export interface PairTarget {
  from: string;
  to: string;
  before?: string;
}

/** Where a Junos block goes and what its policies look like there. */
export interface JunosTarget {
  form: JunosForm;
  pairs: PairTarget[];
  /** Set form: addresses go into the zones' own address books, as the file keeps them (the global book is then refused). */
  legacyBooks: boolean;
  /** Curly-brace form: the part this block holds. */
  part?: HierarchicalPart;
  /** Curly-brace form, policies part: the pair of `pairs` this block writes the policies of. */
  pairIndex?: number;
}


interface ApplicationPlan {
  name: string;
  protocol: 'tcp' | 'udp';
  ports: PortRange[];
}

interface PolicyPlan {
  name: string;
  set: string;
  localSet?: string;
  applications: string[];
  description: string;
}

/** What a block defines, worked out from the policy alone so every part of a curly-brace edit agrees on names. */
export interface BlockPlan {
  addresses: Array<{ name: string; cidr: string }>;
  sets: Array<{ name: string; members: string[]; local: boolean }>;
  applications: ApplicationPlan[];
  policies: PolicyPlan[];
  notes: string[];
  notExpressible: string[];
}

function portText(p: PortRange): string {
  return p.from === p.to ? String(p.from) : `${p.from}-${p.to}`;
}

function cidrsOf(intervals: readonly IpInterval[]): string[] {
  return mergeIntervals(intervals).flatMap((iv) => intervalToCidrs(iv).map(formatCidr));
}

/** `13.107.6.152/31` → `13.107.6.152-31`, `2603:1063::/38` → `2603_1063__-38`. */
function addressPart(cidr: string): string {
  return cidr.replace(/\//g, '-').replace(/:/g, '_');
}


/** A bucket's services by protocol, ports merged; undefined when an entry takes every port. */
function servicesOf(services: AddressBucket['services']): Array<{ protocol: 'tcp' | 'udp'; ports: PortRange[] }> | undefined {
  if (services.some((s) => s.ports.length === 0)) return undefined;
  const byProtocol = new Map<'tcp' | 'udp', PortRange[]>();
  for (const s of services) byProtocol.set(s.protocol, mergePorts([...(byProtocol.get(s.protocol) ?? []), ...s.ports]));
  return [...byProtocol.entries()].map(([protocol, ports]) => ({ protocol, ports })).sort((a, b) => a.protocol.localeCompare(b.protocol));
}


/** Addresses, address sets, applications and policies of a block; names start with `EL-` and the purpose. */
export function blockPlan(policy: Policy): BlockPlan {
  const prefix = `EL-${nameSlug(policy.purpose)}`;
  const plan: BlockPlan = { addresses: [], sets: [], applications: [], policies: [], notes: [], notExpressible: [] };
  const addressNames = new Map<string, string>();
  const objectFor = (cidr: string): string => {
    let name = addressNames.get(cidr);
    if (name === undefined) {
      name = clampName(`${prefix}-${addressPart(cidr)}`, MAX_NAME);
      addressNames.set(cidr, name);
      plan.addresses.push({ name, cidr });
    }
    return name;
  };
  const applicationNames = new Map<string, string>();
  const list = addressBuckets(policy);
  list.forEach((bucket, i) => {
    const name = clampName(list.length === 1 ? prefix : `${prefix}-${i + 1}`, MAX_NAME);
    const set = clampName(`${name}-M365`, MAX_NAME);
    plan.sets.push({ name: set, members: cidrsOf(bucket.remote).map(objectFor), local: false });
    let localSet: string | undefined;
    if (bucket.local && bucket.local.length > 0) {
      localSet = clampName(`${name}-LOCAL`, MAX_NAME);
      plan.sets.push({ name: localSet, members: cidrsOf(bucket.local).map(objectFor), local: true });
    }
    const services = servicesOf(bucket.services);
    const applications = !services
      ? ['any']
      : services.map(({ protocol, ports }) => {
          const key = `${protocol}:${ports.map(portText).join(',')}`;
          let application = applicationNames.get(key);
          if (application === undefined) {
            application = clampName(`${prefix}-${protocol.toUpperCase()}-${ports.map(portText).join('_')}`, MAX_NAME);
            applicationNames.set(key, application);
            plan.applications.push({ name: application, protocol, ports });
          }
          return application;
        });
    const origins: FlowOrigin[] = bucket.entries.map((e) => e.origin);
    plan.policies.push({ name, set, ...(localSet ? { localSet } : {}), applications, description: ruleComment(policy.purpose, origins, policy.catalogVersion, DESCRIPTION_LIMIT) });
  });
  const unexpressible = unexpressibleEntries(policy, (url, label) => t('{0} ({1}): security policies here match addresses; allow the name with a dns-name address or a URL category.', url, label));
  plan.notes.push(...unexpressible.notes);
  plan.notExpressible.push(...unexpressible.notExpressible);
  return plan;
}

/** A name or value as the CLI takes it: quoted when it holds anything but name characters. */
function word(text: string): string {
  return /^[A-Za-z0-9._/:-]+$/.test(text) ? text : `"${text.replace(/["\\]/g, '')}"`;
}

function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').trim();
}

/** The policy's name in one pair: the plan's name, with the zones when the block writes it for several pairs. */
function policyName(plan: PolicyPlan, pair: PairTarget, pairs: number): string {
  return pairs === 1 ? plan.name : clampName(`${plan.name}-${pair.from}-${pair.to}`, MAX_NAME);
}

function sides(policy: Policy, plan: PolicyPlan): { source: string; destination: string } {
  if (policy.direction === 'inbound') return { source: plan.set, destination: plan.localSet ?? 'any' };
  return { source: 'any', destination: plan.set };
}

/** Which sets each zone's own book needs (legacy books): the remote set in the zone on the remote side, the local one on the other. */
function setsByZone(policy: Policy, plan: BlockPlan, pairs: readonly PairTarget[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const add = (zone: string, set: string): void => {
    const sets = out.get(zone) ?? new Set<string>();
    sets.add(set);
    out.set(zone, sets);
  };
  for (const pair of pairs) {
    for (const p of plan.policies) {
      const inbound = policy.direction === 'inbound';
      add(inbound ? pair.from : pair.to, p.set);
      if (p.localSet) add(pair.to, p.localSet);
    }
  }
  return out;
}

function applicationSet(app: ApplicationPlan): string[] {
  const head = `applications application ${word(app.name)}`;
  if (app.ports.length === 1) return [`${head} protocol ${app.protocol} destination-port ${portText(app.ports[0]!)}`];
  return app.ports.map((p, i) => `${head} term t${i + 1} protocol ${app.protocol} destination-port ${portText(p)}`);
}

function renderSet(policy: Policy, target: JunosTarget, plan: BlockPlan): string[] {
  const out: string[] = [];
  for (const note of plan.notes) out.push(`# ${oneLine(note)}`);
  const books: Array<{ prefix: string; sets: Set<string> | undefined }> = target.legacyBooks
    ? [...setsByZone(policy, plan, target.pairs)].map(([zone, sets]) => ({ prefix: `security zones security-zone ${word(zone)} address-book`, sets }))
    : [{ prefix: 'security address-book global', sets: undefined }];
  for (const book of books) {
    const sets = plan.sets.filter((s) => !book.sets || book.sets.has(s.name));
    const members = new Set(sets.flatMap((s) => s.members));
    for (const a of plan.addresses) if (members.has(a.name)) out.push(`set ${book.prefix} address ${word(a.name)} ${a.cidr}`);
    for (const s of sets) for (const m of s.members) out.push(`set ${book.prefix} address-set ${word(s.name)} address ${word(m)}`);
  }
  for (const app of plan.applications) out.push(...applicationSet(app).map((l) => `set ${l}`));
  const action = policy.action === 'allow' ? 'permit' : 'deny';
  for (const pair of target.pairs) {
    for (const p of plan.policies) {
      const name = policyName(p, pair, target.pairs.length);
      const head = `security policies from-zone ${word(pair.from)} to-zone ${word(pair.to)} policy ${word(name)}`;
      const { source, destination } = sides(policy, p);
      out.push(`set ${head} description ${word(oneLine(p.description))}`, `set ${head} match source-address ${word(source)}`, `set ${head} match destination-address ${word(destination)}`);
      for (const app of p.applications) out.push(`set ${head} match application ${word(app)}`);
      out.push(`set ${head} then ${action}`);
      // New policies go to the end of their zone pair; this puts each in front of the one that decides.
      if (pair.before !== undefined) out.push(`insert ${head} before policy ${word(pair.before)}`);
    }
  }
  return out;
}

function renderHierarchical(policy: Policy, target: JunosTarget, plan: BlockPlan): string[] {
  const out: string[] = [];
  switch (target.part ?? 'policies') {
    case 'addresses':
      for (const a of plan.addresses) out.push(`address ${word(a.name)} ${a.cidr};`);
      for (const s of plan.sets) out.push(`address-set ${word(s.name)} {`, ...s.members.map((m) => `${INDENT}address ${word(m)};`), '}');
      break;
    case 'applications':
      for (const app of plan.applications) {
        out.push(`application ${word(app.name)} {`);
        if (app.ports.length === 1) out.push(`${INDENT}protocol ${app.protocol};`, `${INDENT}destination-port ${portText(app.ports[0]!)};`);
        else app.ports.forEach((p, i) => out.push(`${INDENT}term t${i + 1} protocol ${app.protocol} destination-port ${portText(p)};`));
        out.push('}');
      }
      break;
    case 'policies': {
      for (const note of plan.notes) out.push(`# ${oneLine(note)}`);
      const pair = target.pairs[target.pairIndex ?? 0];
      if (!pair) break;
      const action = policy.action === 'allow' ? 'permit' : 'deny';
      for (const p of plan.policies) {
        const { source, destination } = sides(policy, p);
        const applications = p.applications.length === 1 ? word(p.applications[0]!) : `[ ${p.applications.map(word).join(' ')} ]`;
        out.push(
          `policy ${word(policyName(p, pair, target.pairs.length))} {`,
          `${INDENT}description ${word(oneLine(p.description))};`,
          `${INDENT}match {`,
          `${INDENT}${INDENT}source-address ${word(source)};`,
          `${INDENT}${INDENT}destination-address ${word(destination)};`,
          `${INDENT}${INDENT}application ${applications};`,
          `${INDENT}}`,
          `${INDENT}then {`,
          `${INDENT}${INDENT}${action};`,
          `${INDENT}}`,
          '}',
        );
      }
      break;
    }
  }
  return out;
}

/**
 * Renders a policy as Junos configuration inside a managed block of `#` comment lines (comments
 * both forms take). Set form: address-book entries and an address-set, applications for the
 * ports, one policy per zone pair and the `insert … before policy` that puts it in front of the
 * policy that decides the traffic. Curly-brace form: the same statements, one block per part
 * (`target.part`), each written where that part lives.
 */
export function renderJunos(policy: Policy, target: JunosTarget): RenderedBlock {
  const plan = blockPlan(policy);
  const hierarchical = target.form === 'hierarchical';
  const body = hierarchical ? renderHierarchical(policy, target, plan) : renderSet(policy, target, plan);
  const lines = [`# BEGIN endpoint-lens ${policy.purpose} ${policy.instance} ${policy.catalogVersion}`];
  if (policy.title.trim() !== '') lines.push(`# ${oneLine(policy.title)}`);
  lines.push(...body, `# END endpoint-lens ${policy.purpose}`);
  return { text: lines.join('\n') + '\n', notExpressible: hierarchical && target.part !== 'policies' ? [] : plan.notExpressible };
}

/** Whether a curly-brace block of this part would hold anything for the policy. */
export function partHasEntries(policy: Policy, part: HierarchicalPart): boolean {
  const plan = blockPlan(policy);
  if (part === 'addresses') return plan.addresses.length > 0;
  if (part === 'applications') return plan.applications.length > 0;
  return true;
}
