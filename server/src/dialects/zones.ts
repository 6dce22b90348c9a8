import type { TrafficDirection } from '../model/config';

/** Words in a zone or interface name that say it faces the Internet, the way admins name them (`L3-Untrust`, `wan1`, `sd-wan`; PAN-OS, FortiOS, Junos). */
const INTERNET_WORDS = new Set(['untrust', 'untrusted', 'outside', 'internet', 'inet', 'wan', 'external', 'isp', 'public']);

/** `L3-Untrust`, `OUTSIDE`, `wan2`, `ISP_A`: split into lower-case words without digits. */
function words(zone: string): string[] {
  return zone.toLowerCase().split(/[^a-z]+/).filter((w) => w !== '');
}

export function facesInternet(zone: string): boolean {
  return words(zone).some((w) => INTERNET_WORDS.has(w));
}

/**
 * Which Microsoft 365 traffic crosses a zone pair: from an inside zone to an Internet-facing one is
 * outbound, the reverse inbound; pairs inside the network, or between two Internet-facing zones,
 * carry none. When no zone of the rulebase faces the Internet, every pair between two zones may,
 * in either direction (`forward`). `faces` says which zones face the Internet (by name unless the
 * dialect knows better, as a FortiGate interface's `role wan` does).
 */
export function directionOf(from: string, to: string, anyFacesInternet: boolean, faces: (zone: string) => boolean = facesInternet): TrafficDirection | undefined {
  if (!anyFacesInternet) return from === to ? undefined : 'forward';
  const a = faces(from);
  const b = faces(to);
  if (!a && b) return 'outbound';
  if (a && !b) return 'inbound';
  return undefined;
}
