import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CodeActionKind,
  DiagnosticSeverity,
  DiagnosticTag,
  type Diagnostic,
  type DiagnosticRelatedInformation,
} from 'vscode-languageserver/node';
import type { CatalogReference, Finding, FindingSeverity } from '../analysis/finding';
import { packageRoot } from '../paths';
import { codeHref } from '../features/findingCodes';

const SEVERITY: Record<FindingSeverity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

const catalogLines = new Map<string, Map<string, number>>();

/** Line of a set (`{"id":11,`) or row (`{"row":13,`) in the shipped catalogue file, read once per file. */
function catalogLocation(ref: CatalogReference): { uri: string; line: number } | undefined {
  const file = ref.source === 'web-service' ? `${ref.instance.toLowerCase()}.json` : 'other-endpoints.json';
  const path = join(packageRoot(), 'catalog', file);
  let lines = catalogLines.get(path);
  if (!lines) {
    lines = new Map();
    try {
      readFileSync(path, 'utf8')
        .split('\n')
        .forEach((text, index) => {
          const m = /^\{"(id|row)":(\d+),/.exec(text);
          if (m) lines!.set(`${m[1]}:${m[2]}`, index);
        });
    } catch {
      // A missing catalogue file only loses the link, never the diagnostic.
    }
    catalogLines.set(path, lines);
  }
  const key = ref.source === 'web-service' ? `id:${ref.id}` : `row:${ref.row}`;
  const line = lines.get(key);
  return line === undefined ? undefined : { uri: pathToFileURL(path).toString(), line };
}

/** The data a diagnostic carries so code actions can find their finding again. */
export interface DiagnosticData {
  version: number;
  index: number;
}

export function toDiagnostic(finding: Finding, uri: string, data: DiagnosticData): Diagnostic {
  const related: DiagnosticRelatedInformation[] = [];
  for (const r of finding.related) {
    if (r.range) related.push({ location: { uri: r.path ? pathToFileURL(r.path).toString() : uri, range: r.range }, message: r.message });
    else if (r.catalog) {
      const location = catalogLocation(r.catalog);
      if (location) related.push({ location: { uri: location.uri, range: { start: { line: location.line, character: 0 }, end: { line: location.line, character: 0 } } }, message: r.message });
    }
  }
  const diagnostic: Diagnostic = {
    range: finding.range,
    severity: SEVERITY[finding.severity],
    code: finding.code,
    codeDescription: { href: codeHref(finding.code) },
    source: 'Endpoint Lens',
    message: finding.message,
    data,
  };
  if (related.length > 0) diagnostic.relatedInformation = related;
  if (finding.code === 'shadowed-rule' || finding.code === 'redundant-entry') diagnostic.tags = [DiagnosticTag.Unnecessary];
  return diagnostic;
}

export const QUICK_FIX = CodeActionKind.QuickFix;
export const FIX_ALL = `${CodeActionKind.SourceFixAll}.endpointLens`;
