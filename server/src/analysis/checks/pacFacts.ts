import type { ConfigModel } from '../../model/config';
import type { Range } from '../../model/range';

/** What the PAC parser keeps in `ConfigModel.extra` that the PAC checks read. */
export interface PacFacts {
  program: string;
  returns: Array<{ id: number; range: Range }>;
  dnsDependencies: Array<{ range: Range; call: string }>;
  /** The name FindProxyForURL gives its host parameter (`host` in most files). */
  hostParameter?: string;
}

function isRange(value: unknown): value is Range {
  const r = value as Range | undefined;
  return typeof r?.start?.line === 'number' && typeof r.end?.line === 'number';
}

/** Read the PAC facts defensively: `extra` is opaque to everything but its dialect. */
export function pacFacts(model: ConfigModel): PacFacts | undefined {
  if (model.dialect !== 'pac') return undefined;
  const extra = model.extra as Partial<PacFacts> | undefined;
  if (!extra || typeof extra.program !== 'string') return undefined;
  return {
    program: extra.program,
    returns: (extra.returns ?? []).filter((r) => typeof r.id === 'number' && isRange(r.range)),
    dnsDependencies: (extra.dnsDependencies ?? []).filter((d) => isRange(d.range)),
    ...(typeof extra.hostParameter === 'string' && /^[A-Za-z_$][\w$]*$/.test(extra.hostParameter) ? { hostParameter: extra.hostParameter } : {}),
  };
}
