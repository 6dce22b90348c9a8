import { INSTANCES } from './catalog/types';
import { FINDING_CODES } from './analysis/finding';
import { DEFAULT_SETTINGS, type EndpointLensSettings, type Severity } from './protocol';
import { t } from './l10n';

/** A key path into a settings object: `["severity", "stale-entry"]`. */
export type SettingsPath = ReadonlyArray<string | number>;

/** A value the sanitiser refused, where it is and why; the default stands in for it. */
export interface SettingsProblem {
  path: SettingsPath;
  message: string;
}

/** Settings one source (the editor, `endpoint-lens.json`, the command line) states; what it leaves out is absent. */
export type SettingsLayer = Partial<Omit<EndpointLensSettings, 'catalog' | 'pac'>> & {
  catalog?: Partial<EndpointLensSettings['catalog']>;
  pac?: Partial<EndpointLensSettings['pac']>;
};

const CATEGORIES: ReadonlyArray<EndpointLensSettings['categories'][number]> = ['Optimize', 'Allow', 'Default'];
const DIRECTIONS: ReadonlyArray<EndpointLensSettings['direction'][string]> = ['outbound', 'inbound', 'both'];
const SEVERITIES: readonly Severity[] = ['error', 'warning', 'information', 'hint', 'off'];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function quoted(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

/** Reads one object's fields, collecting a problem for each value of the wrong shape. */
class FieldReader {
  constructor(
    private readonly source: Record<string, unknown>,
    private readonly at: SettingsPath,
    readonly problems: SettingsProblem[],
  ) {}

  has(key: string): boolean {
    return this.source[key] !== undefined && this.source[key] !== null;
  }

  problem(path: SettingsPath, message: string): undefined {
    this.problems.push({ path: [...this.at, ...path], message });
    return undefined;
  }

  boolean(key: string): boolean | undefined {
    if (!this.has(key)) return undefined;
    const v = this.source[key];
    return typeof v === 'boolean' ? v : this.problem([key], t('{0} must be true or false, not {1}.', key, quoted(v)));
  }

  string(key: string): string | undefined {
    if (!this.has(key)) return undefined;
    const v = this.source[key];
    return typeof v === 'string' ? v : this.problem([key], t('{0} must be a string, not {1}.', key, quoted(v)));
  }

  oneOf<T extends string>(key: string, allowed: readonly T[], fold = false): T | undefined {
    const v = this.string(key);
    if (v === undefined) return undefined;
    const found = allowed.find((a) => (fold ? a.toLowerCase() === v.toLowerCase() : a === v));
    return found ?? this.problem([key], t('{0} must be one of {1}, not {2}.', key, allowed.join(', '), quoted(v)));
  }

  /** A list of strings; a wrong item is left out on its own, a wrong list falls back whole. */
  strings(key: string, accept?: (item: string) => string | undefined): string[] | undefined {
    if (!this.has(key)) return undefined;
    const v = this.source[key];
    if (!Array.isArray(v)) return this.problem([key], t('{0} must be a list of strings, not {1}.', key, quoted(v)));
    const out: string[] = [];
    v.forEach((item: unknown, i) => {
      if (typeof item !== 'string') return this.problem([key, i], t('Each entry of {0} must be a string, not {1}.', key, quoted(item)));
      const refused = accept?.(item);
      if (refused !== undefined) return this.problem([key, i], refused);
      out.push(item);
      return undefined;
    });
    return out;
  }

  /** A map whose values must pass `accept`; keys may be checked too. */
  record<T extends string>(key: string, allowed: readonly T[], acceptKey?: (k: string) => string | undefined): Record<string, T> | undefined {
    if (!this.has(key)) return undefined;
    const v = this.source[key];
    if (!isRecord(v)) return this.problem([key], t('{0} must be an object, not {1}.', key, quoted(v)));
    const out: Record<string, T> = {};
    for (const [k, item] of Object.entries(v)) {
      const refusedKey = acceptKey?.(k);
      if (refusedKey !== undefined) {
        this.problem([key, k], refusedKey);
        continue;
      }
      if (typeof item === 'string' && (allowed as readonly string[]).includes(item)) out[k] = item as T;
      else this.problem([key, k], t('{0} must be one of {1}, not {2}.', `${key}.${k}`, allowed.join(', '), quoted(item)));
    }
    return out;
  }

  /** A map from names to strings (`pac.hostAddresses`). */
  stringMap(key: string): Record<string, string> | undefined {
    if (!this.has(key)) return undefined;
    const v = this.source[key];
    if (!isRecord(v)) return this.problem([key], t('{0} must be an object, not {1}.', key, quoted(v)));
    const out: Record<string, string> = {};
    for (const [k, item] of Object.entries(v)) {
      if (typeof item === 'string') out[k] = item;
      else this.problem([key, k], t('{0} must be a string, not {1}.', `${key}.${k}`, quoted(item)));
    }
    return out;
  }

  object(key: string): FieldReader | undefined {
    if (!this.has(key)) return undefined;
    const v = this.source[key];
    return isRecord(v) ? new FieldReader(v, [...this.at, key], this.problems) : this.problem([key], t('{0} must be an object, not {1}.', key, quoted(v)));
  }
}

function knownCode(code: string): string | undefined {
  return (FINDING_CODES as readonly string[]).includes(code) ? undefined : t('Unknown finding code "{0}"; the codes are {1}.', code, FINDING_CODES.join(', '));
}

/**
 * The one reader of settings from untrusted JSON (the editor's `endpointLens` section, the
 * `settings` of initialisation, `endpoint-lens.json`): every value of the right shape is kept,
 * every other is a problem at its key path and is left out, so the layer below applies for it.
 */
export function sanitiseSettings(input: unknown, at: SettingsPath = []): { layer: SettingsLayer; problems: SettingsProblem[] } {
  const problems: SettingsProblem[] = [];
  if (input === undefined || input === null) return { layer: {}, problems };
  if (!isRecord(input)) {
    problems.push({ path: at, message: t('Settings must be an object, not {0}.', quoted(input)) });
    return { layer: {}, problems };
  }
  const r = new FieldReader(input, at, problems);
  const layer: SettingsLayer = {};
  const set = <K extends keyof SettingsLayer>(key: K, value: SettingsLayer[K] | undefined): void => {
    if (value !== undefined) layer[key] = value;
  };
  set('instance', r.oneOf('instance', INSTANCES, true));
  set('serviceAreas', r.strings('serviceAreas'));
  set('categories', r.strings('categories', (c) => ((CATEGORIES as readonly string[]).includes(c) ? undefined : t('{0} must be one of {1}, not {2}.', 'categories', CATEGORIES.join(', '), quoted(c)))) as EndpointLensSettings['categories'] | undefined);
  set('includeOptional', r.boolean('includeOptional'));
  set('tenantName', r.string('tenantName'));
  set('tenantRestrictions', r.boolean('tenantRestrictions'));
  set('noIPv6', r.boolean('noIPv6'));
  set('direction', r.record('direction', DIRECTIONS));
  set('exclude', r.strings('exclude'));
  set('severity', r.record('severity', SEVERITIES, knownCode));
  set('includePath', r.strings('includePath'));
  const catalog = r.object('catalog');
  if (catalog) {
    const autoUpdate = catalog.boolean('autoUpdate');
    const url = catalog.string('url')?.trim();
    const pinnedVersion = catalog.string('pinnedVersion');
    layer.catalog = { ...(autoUpdate !== undefined ? { autoUpdate } : {}), ...(url ? { url } : {}), ...(pinnedVersion !== undefined ? { pinnedVersion } : {}) };
  }
  const pac = r.object('pac');
  if (pac) {
    const hostAddresses = pac.stringMap('hostAddresses');
    const clientAddress = pac.string('clientAddress');
    layer.pac = { ...(hostAddresses ? { hostAddresses } : {}), ...(clientAddress ? { clientAddress } : {}) };
  }
  return { layer, problems };
}

/**
 * Layers in order of precedence, lowest first, over the defaults: a later layer's value replaces an
 * earlier one's, except that the per-code `severity` and per-dialect `direction` maps merge key by key.
 */
export function layerSettings(...layers: readonly SettingsLayer[]): EndpointLensSettings {
  let out: EndpointLensSettings = structuredClone(DEFAULT_SETTINGS);
  for (const layer of layers) {
    const { catalog, pac, severity, direction, ...plain } = layer;
    out = {
      ...out,
      ...plain,
      severity: { ...out.severity, ...severity },
      direction: { ...out.direction, ...direction },
      catalog: { ...out.catalog, ...catalog },
      pac: { ...out.pac, ...pac },
    };
  }
  return out;
}

/** Settings from untrusted JSON over the defaults; wrong values are dropped (the defaults apply for them). */
export function resolveSettings(partial: unknown): EndpointLensSettings {
  return layerSettings(sanitiseSettings(partial).layer);
}
