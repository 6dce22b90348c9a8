import * as vscode from 'vscode';
import { DEFAULT_SETTINGS, type EndpointLensSettings, type Severity } from '../../server/src/protocol';

export const SECTION = 'endpointLens';

const INSTANCES: ReadonlyArray<EndpointLensSettings['instance']> = ['Worldwide', 'USGovDoD', 'USGovGCCHigh', 'China'];
const CATEGORIES: ReadonlyArray<EndpointLensSettings['categories'][number]> = ['Optimize', 'Allow', 'Default'];
const DIRECTIONS: ReadonlyArray<EndpointLensSettings['direction'][string]> = ['outbound', 'inbound', 'both'];
const SEVERITIES: readonly Severity[] = ['error', 'warning', 'information', 'hint', 'off'];

function oneOf<T extends string>(allowed: readonly T[], value: unknown, fallback: T): T {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function record<T extends string>(value: unknown, accept: (v: unknown) => v is T): Record<string, T> {
  const out: Record<string, T> = {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return out;
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) if (accept(v)) out[key] = v;
  return out;
}

const isString = (v: unknown): v is string => typeof v === 'string';

/**
 * The `endpointLens` section as the server's typed shape. Values of the wrong type (hand-edited
 * settings.json) fall back to the defaults instead of reaching the server.
 */
export function readSettings(scope?: vscode.ConfigurationScope): EndpointLensSettings {
  const c = vscode.workspace.getConfiguration(SECTION, scope);
  const d = DEFAULT_SETTINGS;
  const bool = (key: string, fallback: boolean): boolean => {
    const v = c.get<unknown>(key);
    return typeof v === 'boolean' ? v : fallback;
  };
  const str = (key: string, fallback: string): string => {
    const v = c.get<unknown>(key);
    return typeof v === 'string' ? v : fallback;
  };
  return {
    instance: oneOf(INSTANCES, c.get('instance'), d.instance),
    serviceAreas: strings(c.get('serviceAreas')),
    categories: strings(c.get('categories')).filter((v): v is EndpointLensSettings['categories'][number] => (CATEGORIES as readonly string[]).includes(v)),
    includeOptional: bool('includeOptional', d.includeOptional),
    tenantName: str('tenantName', d.tenantName),
    tenantRestrictions: bool('tenantRestrictions', d.tenantRestrictions),
    direction: record(c.get('direction'), (v): v is EndpointLensSettings['direction'][string] => typeof v === 'string' && (DIRECTIONS as readonly string[]).includes(v)),
    exclude: strings(c.get('exclude')),
    severity: record(c.get('severity'), (v): v is Severity => typeof v === 'string' && (SEVERITIES as readonly string[]).includes(v)),
    catalog: {
      autoUpdate: bool('catalog.autoUpdate', d.catalog.autoUpdate),
      url: str('catalog.url', d.catalog.url).trim() || d.catalog.url,
      pinnedVersion: str('catalog.pinnedVersion', d.catalog.pinnedVersion),
    },
    pac: {
      hostAddresses: record(c.get('pac.hostAddresses'), isString),
      clientAddress: str('pac.clientAddress', d.pac.clientAddress),
    },
  };
}

export function affectsSettings(event: vscode.ConfigurationChangeEvent, key?: string): boolean {
  return event.affectsConfiguration(key === undefined ? SECTION : `${SECTION}.${key}`);
}
