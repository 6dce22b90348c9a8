import type { PolicyEntry } from '../model/policy';
import { CATEGORIES, type Category, type EndpointSet } from '../catalog/types';
import { t } from '../l10n';
import { catalogIntervals, setLabel, type PolicyCatalog, type PolicyResult } from './common';
import { announcedParameters, catalogWithAnnounced } from './announced';

export interface EndpointSetsOptions {
  /** Explicit set ids; when given, no filter may be. */
  setIds?: readonly number[];
  /** Service areas (Exchange, SharePoint, Skype, Common, MEM); empty = every area. */
  serviceAreas?: readonly string[];
  /** Optimize / Allow / Default; empty = every category. */
  categories?: readonly string[];
  /** Include sets the catalogue marks as not required. */
  includeOptional?: boolean;
  /** Put additions announced for a later day into the rules now (the default). */
  includeAnnounced?: boolean;
}

interface SetSelection {
  sets: EndpointSet[];
  purpose: string;
  parameters: Record<string, string[]>;
  title: string;
}

function select(catalog: PolicyCatalog, options: EndpointSetsOptions): SetSelection | string[] {
  const errors: string[] = [];
  const ids = options.setIds ?? [];
  const areas = options.serviceAreas ?? [];
  const categories = options.categories ?? [];
  if (ids.length > 0) {
    if (areas.length > 0 || categories.length > 0 || options.includeOptional) {
      return [t('Give either set ids or service areas and categories, not both.')];
    }
    const sets: EndpointSet[] = [];
    for (const id of [...new Set(ids)].sort((a, b) => a - b)) {
      const set = catalog.sets.find((s) => s.id === id);
      if (set) sets.push(set);
      else errors.push(t('The {0} catalogue has no endpoint set {1}.', catalog.instance, id));
    }
    if (errors.length > 0) return errors;
    return {
      sets,
      purpose: `sets-${sets.map((s) => s.id).join('-')}`,
      parameters: { sets: sets.map((s) => String(s.id)) },
      title: `Microsoft 365 endpoint sets ${sets.map((s) => s.id).join(', ')}`,
    };
  }

  const knownAreas = [...new Set(catalog.sets.map((s) => s.serviceArea))];
  const chosenAreas: string[] = [];
  for (const raw of areas) {
    const area = knownAreas.find((a) => a.toLowerCase() === raw.trim().toLowerCase());
    if (!area) errors.push(t('Unknown service area "{0}"; the {1} catalogue has {2}.', raw, catalog.instance, knownAreas.join(', ')));
    else if (!chosenAreas.includes(area)) chosenAreas.push(area);
  }
  const chosenCategories: Category[] = [];
  for (const raw of categories) {
    const category = CATEGORIES.find((c) => c.toLowerCase() === raw.trim().toLowerCase());
    if (!category) errors.push(t('Unknown category "{0}"; choose from {1}.', raw, CATEGORIES.join(', ')));
    else if (!chosenCategories.includes(category)) chosenCategories.push(category);
  }
  if (errors.length > 0) return errors;
  chosenAreas.sort();
  const orderedCategories = CATEGORIES.filter((c) => chosenCategories.includes(c));
  const includeOptional = options.includeOptional === true;
  const sets = catalog.sets
    .filter((s) => chosenAreas.length === 0 || chosenAreas.includes(s.serviceArea))
    .filter((s) => orderedCategories.length === 0 || orderedCategories.includes(s.category))
    .filter((s) => includeOptional || s.required)
    .sort((a, b) => a.id - b.id);
  if (sets.length === 0) return [t('No endpoint set of the {0} catalogue matches these filters.', catalog.instance)];
  const nameParts = [...chosenAreas, ...orderedCategories].map((p) => p.toLowerCase());
  const parameters: Record<string, string[]> = {};
  if (chosenAreas.length > 0) parameters.serviceAreas = chosenAreas;
  if (orderedCategories.length > 0) parameters.categories = orderedCategories;
  if (includeOptional) parameters.includeOptional = ['true'];
  return {
    sets,
    purpose: `sets-${nameParts.length > 0 ? nameParts.join('-') : 'all'}${includeOptional ? '-optional' : ''}`,
    parameters,
    title: `Microsoft 365 endpoints: ${chosenAreas.length > 0 ? chosenAreas.join(', ') : 'every service area'}, ${
      orderedCategories.length > 0 ? orderedCategories.join(', ') : 'every category'
    }, ${includeOptional ? 'required and optional' : 'required only'}`,
  };
}

/** shExpMatch-style: `*` stands for any run of characters, dots included. */
function globToRegExp(glob: string): RegExp {
  const body = glob
    .toLowerCase()
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`);
}

/**
 * A host (or host pattern, read with its wildcards as one label) that a DIRECT pattern of the
 * policy would also send direct. Used to keep Default-category hosts on the proxy in PAC files.
 */
function coveredBy(pattern: string, host: string): boolean {
  if (!pattern.includes('*')) return false;
  return globToRegExp(pattern).test(host.toLowerCase().replace(/\*/g, 'x0'));
}

/**
 * Default-category URLs of sets outside the policy that an included wildcard would catch: a PAC
 * that sends those direct would bypass the proxy Microsoft says they should go through.
 */
function excludedHostsFor(urls: readonly string[], outside: readonly EndpointSet[]): string[] {
  const wildcards = urls.filter((u) => u.includes('*'));
  if (wildcards.length === 0) return [];
  const out: string[] = [];
  for (const set of outside) {
    if (set.category !== 'Default') continue;
    for (const url of set.urls) {
      if (urls.includes(url) || out.includes(url)) continue;
      if (wildcards.some((w) => coveredBy(w, url))) out.push(url);
    }
  }
  return out;
}

/** Each chosen set's addresses and URLs with its ports, one entry per protocol. */
export function endpointSetsPolicy(given: PolicyCatalog, options: EndpointSetsOptions): PolicyResult {
  const includeAnnounced = options.includeAnnounced !== false;
  const catalog = catalogWithAnnounced(given, includeAnnounced);
  const selection = select(catalog, options);
  if (Array.isArray(selection)) return { ok: false, errors: selection };
  const chosen = new Set(selection.sets.map((s) => s.id));
  const outside = catalog.sets.filter((s) => !chosen.has(s.id));
  const entries: PolicyEntry[] = [];
  for (const set of selection.sets) {
    const addresses = catalogIntervals(set.ips);
    const excluded = excludedHostsFor(set.urls, outside);
    const base = {
      label: setLabel(set),
      origin: { source: 'web-service' as const, instance: catalog.instance, setId: set.id },
      urls: [...set.urls],
      ...(excluded.length > 0 ? { excludedHosts: excluded } : {}),
    };
    if (set.tcpPorts.length > 0 || set.udpPorts.length === 0) {
      entries.push({ ...base, protocol: 'tcp', ports: set.tcpPorts, addresses });
    }
    if (set.udpPorts.length > 0) {
      entries.push({ ...base, protocol: 'udp', ports: set.udpPorts, addresses: catalogIntervals(set.ips) });
    }
  }
  return {
    ok: true,
    notes: [],
    policies: [
      {
        purpose: selection.purpose,
        title: selection.title,
        action: 'allow',
        direction: 'outbound',
        instance: catalog.instance,
        catalogVersion: catalog.version,
        entries,
        parameters: { ...selection.parameters, ...announcedParameters(includeAnnounced) },
      },
    ],
  };
}
