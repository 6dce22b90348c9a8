import { t } from '../../l10n';
import type { Check } from '../context';

/** Explanations of the AddressError codes; dialect-specific reasons arrive already worded. */
const REASONS: Record<string, () => string> = {
  'bad-ipv4': () => t('not a valid IPv4 address'),
  'bad-ipv6': () => t('not a valid IPv6 address'),
  'bad-prefix-length': () => t('the prefix length is out of range'),
  'bad-netmask': () => t('the netmask is not contiguous'),
  'bad-wildcard-mask': () => t('the wildcard mask is not contiguous'),
  'range-reversed': () => t('the range ends before it starts'),
  'mixed-families': () => t('the range mixes IPv4 and IPv6'),
  'too-long': () => t('the address is far too long'),
  empty: () => t('the address is empty'),
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
        message: t('"{0}" is not a valid address: {1}.', r.text, known ? known() : (r.invalidReason ?? '')),
        range: r.range,
        related: [],
        fixes: [],
      };
    });
