import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Engine, resolveSettings, type DocumentAnalysis } from '../../server/src/engine';
import type { Detection } from '../../server/src/dialects/detect';
import type { Finding } from '../../server/src/analysis/finding';
import { buildPolicies, requestFromInsertParams } from '../../server/src/policies';
import type { InsertPolicyParams } from '../../server/src/protocol';
import { planAllFixes } from '../../server/src/render/fixes';
import { insertPolicies } from '../../server/src/features/edits';
import type { EndpointLensSettings } from '../../server/src/protocol';

export const GATEWAYS = join(__dirname, '..', 'fixtures', 'gateways');

/** What a gateway case expects, in `<file>.gateway.json` beside it. */
export interface GatewayExpectation {
  /** `endpointLens` settings for the file (other than the direction). */
  settings?: Record<string, unknown>;
  /** Which traffic the file is checked for, when not the dialect's default (passed to the CLI as --direction). */
  direction?: 'outbound' | 'inbound' | 'both';
  /** Findings at warning or above still reported after every verified fix is applied ("code@line" of the fixed text). */
  afterFix: string[];
  /** Insert commands to run on the original file, and whether each must be applied (with a fragment of its summary). */
  inserts?: Array<{ request: Omit<InsertPolicyParams, 'uri'>; applied: boolean; summary?: string }>;
}

export interface GatewayCase {
  dialect: string;
  path: string;
  name: string;
  text: string;
  expectation: GatewayExpectation;
}

/** Every realistic gateway configuration under test/fixtures/gateways/<dialect>/ with its expectation. */
export function gatewayCases(dialect?: string): GatewayCase[] {
  const out: GatewayCase[] = [];
  if (!existsSync(GATEWAYS)) return out;
  for (const folder of readdirSync(GATEWAYS).sort()) {
    const dir = join(GATEWAYS, folder);
    if (!statSync(dir).isDirectory() || (dialect !== undefined && folder !== dialect)) continue;
    for (const name of readdirSync(dir).sort()) {
      if (name.endsWith('.gateway.json')) continue;
      const path = join(dir, name);
      const expectationPath = `${path}.gateway.json`;
      assert.ok(existsSync(expectationPath), `${relative(GATEWAYS, path)} has ${name}.gateway.json`);
      out.push({ dialect: folder, path, name: relative(GATEWAYS, path), text: readFileSync(path, 'utf8'), expectation: JSON.parse(readFileSync(expectationPath, 'utf8')) as GatewayExpectation });
    }
  }
  return out;
}

export interface Analysed {
  engine: Engine;
  settings: EndpointLensSettings;
  detection: Detection;
  analyse(text: string): DocumentAnalysis;
}

export async function analyserFor(gateway: GatewayCase): Promise<Analysed> {
  const engine = await Engine.create({});
  const direction = gateway.expectation.direction;
  const settings = resolveSettings({ ...(gateway.expectation.settings ?? {}), ...(direction ? { direction: { [gateway.dialect]: direction } } : {}) });
  const detection = engine.detect(gateway.path, gateway.text, { dialect: gateway.dialect });
  assert.ok(detection, gateway.name);
  return { engine, settings, detection, analyse: (text) => engine.analyzeDocument(gateway.path, text, settings, detection) };
}

export function atWarningOrAbove(findings: readonly Finding[]): string[] {
  return findings.filter((f) => f.severity === 'error' || f.severity === 'warning').map((f) => `${f.code}@${f.range.start.line + 1}`);
}

/** Every verified fix for findings at warning or above applied, as `check --fix` does. */
export function fixedText(gateway: GatewayCase, analysed: Analysed): { text: string; applied: number } {
  const subject = analysed.engine.editSubject(gateway.path, analysed.analyse(gateway.text), analysed.settings);
  const result = planAllFixes(subject, { minimumSeverity: 'warning' });
  return { text: result.newText, applied: result.applied.length };
}

/** The text after each insert of the case, each on the original file, with the outcome. */
export function insertedTexts(gateway: GatewayCase, analysed: Analysed): Array<{ label: string; text: string; applied: boolean; summary: string }> {
  const out: Array<{ label: string; text: string; applied: boolean; summary: string }> = [];
  for (const insert of gateway.expectation.inserts ?? []) {
    const subject = analysed.engine.editSubject(gateway.path, analysed.analyse(gateway.text), analysed.settings);
    const built = buildPolicies(subject.catalog, requestFromInsertParams({ uri: gateway.path, ...insert.request }));
    assert.ok(built.ok, `${gateway.name}: ${JSON.stringify(insert.request)}`);
    const outcome = insertPolicies(subject, built.policies);
    out.push({ label: `${gateway.name} insert ${insert.request.policy}`, text: outcome.newText, applied: outcome.newText !== gateway.text, summary: outcome.summaries.join(' ') });
  }
  return out;
}
