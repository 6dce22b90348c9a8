import { createHash } from 'node:crypto';
import { isAbsolute, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FINDING_CODES, DEFAULT_SEVERITY, type Finding, type FindingSeverity } from '../../analysis/finding';
import { codeHref, describeCode } from '../../features/findingCodes';
import type { Range } from '../../model/range';
import type { FindingsOfText } from './analyseFile';

/** The base every artifact URI is relative to: the folder `check` ran in. */
const ROOT_ID = 'SRCROOT';

export interface SarifFile {
  path: string;
  findings: FindingsOfText;
}

function level(severity: FindingSeverity): 'error' | 'warning' | 'note' {
  return severity === 'error' ? 'error' : severity === 'warning' ? 'warning' : 'note';
}

/** SARIF regions are 1-based, columns in UTF-16 code units like ours. */
function region(range: Range): Record<string, number> {
  return { startLine: range.start.line + 1, startColumn: range.start.character + 1, endLine: range.end.line + 1, endColumn: range.end.character + 1 };
}

/** Relative to the working folder with `uriBaseId`, or an absolute file URI for files outside it. */
function artifactLocation(path: string, cwd: string): Record<string, string> {
  const inside = relative(cwd, path);
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) return { uri: pathToFileURL(path).href };
  return { uri: inside.split(/[\\/]/).map(encodeURIComponent).join('/'), uriBaseId: ROOT_ID };
}

/**
 * A fingerprint that stays the same across runs and when lines are inserted above the finding: the
 * code, the file, the finding's own line and range text and the catalogue entries it names, then a
 * count among findings that share all of these.
 */
function fingerprints(file: SarifFile, uri: string): string[] {
  const seen = new Map<string, number>();
  return file.findings.findings.map((finding, i) => {
    const catalog = finding.related.flatMap((r) => (r.catalog ? [r.catalog.source === 'web-service' ? `set ${r.catalog.id}` : `row ${r.catalog.row}`] : [])).join(',');
    const hash = createHash('sha256')
      .update([finding.code, uri, file.findings.anchors[i] ?? '', catalog].join('\u0000'))
      .digest('hex')
      .slice(0, 32);
    const count = (seen.get(hash) ?? 0) + 1;
    seen.set(hash, count);
    return `${hash}:${count}`;
  });
}

function result(finding: Finding, index: number, file: SarifFile, location: Record<string, string>, fingerprint: string, cwd: string): Record<string, unknown> {
  const related = finding.related.filter((r) => r.range);
  const fix = file.findings.fixEdits?.[index];
  return {
    ruleId: finding.code,
    ruleIndex: FINDING_CODES.indexOf(finding.code),
    level: level(finding.severity),
    message: { text: finding.message },
    locations: [{ physicalLocation: { artifactLocation: location, region: region(finding.range) } }],
    partialFingerprints: { primaryLocationLineHash: fingerprint },
    ...(related.length > 0
      ? { relatedLocations: related.map((r, id) => ({ id, message: { text: r.message }, physicalLocation: { artifactLocation: r.path ? artifactLocation(r.path, cwd) : location, region: region(r.range!) } })) }
      : {}),
    ...(fix
      ? {
          fixes: [
            {
              description: { text: fix.title },
              artifactChanges: [{ artifactLocation: location, replacements: fix.edits.map((e) => ({ deletedRegion: region(e.range), insertedContent: { text: e.newText } })) }],
            },
          ],
        }
      : {}),
  };
}

/** One SARIF 2.1.0 log of a `check` run, for code scanning. */
export function sarifLog(files: readonly SarifFile[], cwd: string, toolVersion: string): Record<string, unknown> {
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'Endpoint Lens',
            version: toolVersion,
            semanticVersion: toolVersion,
            informationUri: 'https://github.com/endpoint-lens/endpoint-lens',
            rules: FINDING_CODES.map((code) => {
              const text = describeCode(code);
              return {
                id: code,
                name: code,
                shortDescription: { text: text.short },
                fullDescription: { text: text.full },
                help: { text: `${text.full} ${codeHref(code)}` },
                helpUri: codeHref(code),
                defaultConfiguration: { level: level(DEFAULT_SEVERITY[code]) },
              };
            }),
          },
        },
        originalUriBaseIds: { [ROOT_ID]: { uri: pathToFileURL(cwd.endsWith('/') ? cwd : `${cwd}/`).href } },
        columnKind: 'utf16CodeUnits',
        results: files.flatMap((file) => {
          const location = artifactLocation(file.path, cwd);
          const prints = fingerprints(file, location.uri!);
          return file.findings.findings.map((finding, i) => result(finding, i, file, location, prints[i]!, cwd));
        }),
      },
    ],
  };
}
