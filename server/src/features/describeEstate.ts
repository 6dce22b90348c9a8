import { basename, dirname, isAbsolute, relative } from 'node:path';
import { applyEdits, modify, parseTree, findNodeAtLocation } from 'jsonc-parser';
import { parseIp } from '../model/address';
import { parseProjectConfig, PROJECT_CONFIG_NAME } from '../project/config';
import { t } from '../l10n';

/** An estate entry as endpoint-lens.json holds it, paths relative to the file. */
export interface EstateEntryText {
  name: string;
  clients: string[];
  pac: string;
  proxy?: { address: string; port: number };
  egress: string[];
}

/** The first `PROXY a.b.c.d:port` the PAC file names with an address rather than a host name. */
export function proxyNamedIn(pacText: string): { address: string; port: number } | undefined {
  for (const m of pacText.matchAll(/\b(?:PROXY|HTTPS?)\s+\[?([0-9a-fA-F.:]+?)\]?:(\d{1,5})\b/g)) {
    const port = Number(m[2]);
    if (parseIp(m[1]!).ok && port >= 1 && port <= 65535) return { address: m[1]!, port };
  }
  return undefined;
}

export type DescribeEstateResult = { ok: true; text: string; entry: EstateEntryText; replaced: boolean } | { ok: false; reason: string };

/**
 * The text of `endpoint-lens.json` with an estate for this PAC file: added to the list, or put in
 * place of the entry that already names the same PAC file. The result is read back as the
 * project config is read, and refused when the new entry would not be taken whole.
 */
export function describeEstate(input: { configPath: string; configText: string | undefined; pacPath: string; pacText: string; egress: string[]; clients: string[]; exists: (path: string) => boolean }): DescribeEstateResult {
  const dir = dirname(input.configPath);
  const rel = (p: string): string => {
    const r = relative(dir, p).replace(/\\/g, '/');
    return r && !r.startsWith('..') && !isAbsolute(r) ? r : p;
  };
  const proxy = proxyNamedIn(input.pacText);
  const entry: EstateEntryText = {
    name: basename(dirname(input.pacPath)) || basename(input.pacPath),
    clients: input.clients,
    pac: rel(input.pacPath),
    ...(proxy ? { proxy } : {}),
    egress: input.egress.map(rel),
  };
  const original = input.configText ?? '{}\n';
  const before = parseProjectConfig(input.configPath, original, input.exists);
  const root = parseTree(original);
  const list = root ? findNodeAtLocation(root, ['estate']) : undefined;
  const existing = before.estates.find((e) => e.pac === input.pacPath);
  const index = existing ? existing.index : list?.type === 'array' ? (list.children?.length ?? 0) : -1;
  const options = { formattingOptions: { insertSpaces: true, tabSize: 2, eol: '\n' } };
  const edits = index >= 0 ? modify(original, ['estate', index], entry, options) : modify(original, ['estate'], [entry], options);
  const text = applyEdits(original, edits);
  const after = parseProjectConfig(input.configPath, text, input.exists);
  const added = after.estates.find((e) => e.pac === input.pacPath);
  const newProblems = after.findings.length - before.findings.length;
  if (!added || newProblems > 0) {
    const first = after.findings.find((f) => !before.findings.some((b) => b.message === f.message));
    return { ok: false, reason: t('The estate was not written: {0} would not accept it ({1}).', PROJECT_CONFIG_NAME, first?.message ?? t('the entry is incomplete')) };
  }
  return { ok: true, text, entry, replaced: existing !== undefined };
}
