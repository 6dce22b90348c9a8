import { isAbsolute, resolve } from 'node:path';
import { cidrToInterval, parseCidr, parseIp, type IpInterval } from '../model/address';
import { t } from '../l10n';
import type { Range } from '../model/range';
import type { SettingsPath, SettingsProblem } from '../settings';

/**
 * Who goes where, from `endpoint-lens.json`: client networks whose browsers run one PAC file, the
 * proxy it names, and the egress firewalls between the clients (and the proxy) and the internet.
 */
export interface Estate {
  /** Index in the `estate` list, for locating the entry in the file. */
  index: number;
  name: string;
  /** As written, and as address intervals. */
  clients: Array<{ text: string; interval: IpInterval }>;
  /** Absolute path of the PAC file. */
  pac: string;
  proxy?: { address: string; interval: IpInterval; port: number };
  /** Absolute paths of the egress firewall files. */
  egress: string[];
  /** The entry's range in endpoint-lens.json. */
  range: Range;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The `estate` list, checked entry by entry: an entry with a wrong or missing part is left out
 * whole (half an estate would check a path that is not there), with a problem at that part.
 */
export function readEstates(value: unknown, dir: string, exists: (path: string) => boolean, problems: SettingsProblem[], rangeOf: (path: SettingsPath) => Range): Estate[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    problems.push({ path: ['estate'], message: t('estate must be a list of estates, each with name, clients, pac and egress.') });
    return [];
  }
  const estates: Estate[] = [];
  value.forEach((entry: unknown, index) => {
    const at = ['estate', index];
    const before = problems.length;
    const problem = (path: Array<string | number>, message: string): void => {
      problems.push({ path: [...at, ...path], message });
    };
    if (!isRecord(entry)) {
      problem([], t('Each estate must be an object with name, clients, pac and egress.'));
      return;
    }
    const name = typeof entry.name === 'string' && entry.name.trim() ? entry.name : undefined;
    if (!name) problem(['name'], t('An estate needs a name.'));
    const clients: Estate['clients'] = [];
    if (!Array.isArray(entry.clients) || entry.clients.length === 0) problem(['clients'], t('An estate needs clients: a list of the client networks as CIDRs, such as "10.20.0.0/16".'));
    else
      entry.clients.forEach((c: unknown, i) => {
        const parsed = typeof c === 'string' ? parseCidr(c) : undefined;
        if (typeof c === 'string' && parsed?.ok) clients.push({ text: c, interval: cidrToInterval(parsed.value) });
        else problem(['clients', i], t('{0} is not a network in CIDR notation.', JSON.stringify(c) ?? String(c)));
      });
    const file = (key: string, text: unknown, path: Array<string | number>): string | undefined => {
      if (typeof text !== 'string' || !text.trim()) {
        problem(path, t('{0} must name a file, relative to {1}.', key, 'endpoint-lens.json'));
        return undefined;
      }
      const full = isAbsolute(text) ? text : resolve(dir, text);
      if (!exists(full)) {
        problem(path, t('{0} does not exist.', text));
        return undefined;
      }
      return full;
    };
    const pac = file('pac', entry.pac, ['pac']);
    const egress: string[] = [];
    if (!Array.isArray(entry.egress) || entry.egress.length === 0) problem(['egress'], t('An estate needs egress: the firewall files between its clients and the internet.'));
    else
      entry.egress.forEach((e: unknown, i) => {
        const full = file('egress', e, ['egress', i]);
        if (full) egress.push(full);
      });
    let proxy: Estate['proxy'];
    if (entry.proxy !== undefined) {
      const p = entry.proxy;
      const address = isRecord(p) && typeof p.address === 'string' ? parseIp(p.address) : undefined;
      const port = isRecord(p) ? p.port : undefined;
      if (!isRecord(p)) problem(['proxy'], t('proxy must be an object with address and port.'));
      else if (!address?.ok) problem(['proxy', 'address'], t('proxy.address must be the proxy\'s IP address.'));
      else if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) problem(['proxy', 'port'], t('proxy.port must be a port number from 1 to 65535.'));
      else {
        const bits = address.value.family === 4 ? 32 : 128;
        const cidr = parseCidr(`${String(p.address)}/${bits}`);
        if (cidr.ok) proxy = { address: String(p.address), interval: cidrToInterval(cidr.value), port };
      }
    }
    const broken = problems.length > before || !name || !pac;
    const known = ['name', 'clients', 'pac', 'proxy', 'egress'];
    for (const key of Object.keys(entry)) if (!known.includes(key)) problem([key], t('Unknown key {0} in an estate; the keys are {1}.', key, known.join(', ')));
    if (broken) return;
    estates.push({ index, name, clients, pac, ...(proxy ? { proxy } : {}), egress, range: rangeOf(at) });
  });
  return estates;
}

/** The estates a file takes part in, as the PAC file or as an egress firewall. */
export function estatesOf(estates: readonly Estate[], path: string): { asPac: Estate[]; asEgress: Estate[] } {
  const full = resolve(path);
  return { asPac: estates.filter((e) => e.pac === full), asEgress: estates.filter((e) => e.egress.includes(full)) };
}
