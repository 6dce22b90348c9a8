import * as vscode from 'vscode';
import type { EndpointLensSettings } from '../../server/src/protocol';
import { resolveSettings } from '../../server/src/settings';

export const SECTION = 'endpointLens';

/**
 * The `endpointLens` section as the server's typed shape, read by the server's one settings
 * sanitiser: values of the wrong type (hand-edited settings.json) fall back to the defaults.
 */
export function readSettings(scope?: vscode.ConfigurationScope): EndpointLensSettings {
  const c = vscode.workspace.getConfiguration(SECTION, scope);
  const keys = ['instance', 'serviceAreas', 'categories', 'includeOptional', 'tenantName', 'tenantRestrictions', 'noIPv6', 'includePath', 'direction', 'exclude', 'severity'] as const;
  const raw: Record<string, unknown> = Object.fromEntries(keys.map((k) => [k, c.get<unknown>(k)]));
  raw.catalog = { autoUpdate: c.get<unknown>('catalog.autoUpdate'), url: c.get<unknown>('catalog.url'), pinnedVersion: c.get<unknown>('catalog.pinnedVersion') };
  raw.pac = { hostAddresses: c.get<unknown>('pac.hostAddresses'), clientAddress: c.get<unknown>('pac.clientAddress') };
  return resolveSettings(raw);
}

export function affectsSettings(event: vscode.ConfigurationChangeEvent, key?: string): boolean {
  return event.affectsConfiguration(key === undefined ? SECTION : `${SECTION}.${key}`);
}
