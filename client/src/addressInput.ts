import { parseCidr } from '../../server/src/model/address';

/** Splits what the user typed into addresses ("10.0.0.5, 10.0.1.0/24"). */
export function splitAddresses(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
}

export type AddressProblem = { kind: 'none-given' } | { kind: 'not-an-address'; text: string } | { kind: 'host-bits-set'; text: string };

/** The first thing wrong with a typed list of server addresses, or undefined when it is usable. */
export function addressProblem(text: string, required: boolean): AddressProblem | undefined {
  const parts = splitAddresses(text);
  if (parts.length === 0) return required ? { kind: 'none-given' } : undefined;
  for (const part of parts) {
    const parsed = parseCidr(part);
    if (!parsed.ok) return { kind: 'not-an-address', text: part };
    if (parsed.value.hostBitsSet) return { kind: 'host-bits-set', text: part };
  }
  return undefined;
}
