import type { ConfigModel, ProxyScript } from '../../model/config';

/** The proxy-selection program of a model, for the checks that run or read it; undefined for other dialects. */
export function pacFacts(model: ConfigModel): ProxyScript | undefined {
  return model.script;
}
