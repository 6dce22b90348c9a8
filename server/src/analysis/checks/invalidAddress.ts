import { t } from '../../l10n';
import type { Check } from '../context';

const REASONS: Record<string, string> = {
  'bad-ipv4': 'not a valid IPv4 address',
  'bad-ipv6': 'not a valid IPv6 address',
  'bad-prefix-length': 'the prefix length is out of range',
  'bad-netmask': 'the netmask is not contiguous',
  'bad-wildcard-mask': 'the wildcard mask is not contiguous',
  'range-reversed': 'the range ends before it starts',
  'mixed-families': 'the range mixes IPv4 and IPv6',
  'too-long': 'the address is far too long',
  empty: 'the address is empty',
};

/** Tokens meant as addresses that the device would reject or read differently. */
export const invalidAddress: Check = ({ model }) =>
  model.references
    .filter((r) => r.invalidReason !== undefined)
    .map((r) => {
      const known = REASONS[r.invalidReason ?? ''];
      return {
        code: 'invalid-address',
        severity: 'error',
        message: t('"{0}" is not a valid address: {1}.', r.text, known ? t(known) : (r.invalidReason ?? '')),
        range: r.range,
        related: [],
        fixes: [],
      };
    });
