import { formatIp, intervalToCidrs, type IpInterval } from '../../model/address';
import type { Reference } from '../../model/config';
import { t } from '../../l10n';
import type { Check } from '../context';

function prefixLength(interval: IpInterval): number | undefined {
  const cidrs = intervalToCidrs(interval);
  return cidrs.length === 1 ? cidrs[0]!.prefixLength : undefined;
}

/** The same prefix written the way the dialect writes it, without host bits. */
export function normalisedText(reference: Reference): string | undefined {
  const interval = reference.interval;
  if (!interval) return undefined;
  const length = prefixLength(interval);
  if (length === undefined) return undefined;
  const network = formatIp(interval.family, interval.first);
  const mask = interval.family === 4 ? (0xffffffffn << BigInt(32 - length)) & 0xffffffffn : 0n;
  switch (reference.kind) {
    case 'netmask':
      return `${network} ${formatIp(4, mask)}`;
    case 'wildcard-mask':
      return `${network} ${formatIp(4, mask ^ 0xffffffffn)}`;
    default:
      return `${network}/${length}`;
  }
}

/** `10.1.2.3/8`: most devices silently use 10.0.0.0/8, which is rarely what the author meant to read. */
export const hostBitsSet: Check = ({ model }) =>
  model.references
    .filter((r) => r.hostBitsSet === true && r.interval !== undefined)
    .map((r) => {
      const fixed = normalisedText(r);
      return {
        code: 'host-bits-set',
        severity: 'warning',
        message: fixed
          ? t('"{0}" has host bits set; the device uses {1}.', r.text, fixed)
          : t('"{0}" has host bits set.', r.text),
        range: r.range,
        related: [],
        fixes: fixed ? [{ title: t('Change to {0}', fixed), preferred: true, edits: [{ range: r.range, newText: fixed }] }] : [],
      };
    });
