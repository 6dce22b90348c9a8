import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Engine, resolveSettings } from '../../server/src/engine';
import type { Finding } from '../../server/src/analysis/finding';

export const FIXTURES = join(__dirname, '..', 'fixtures', 'findings');

/** What a fixture expects: every finding by code and 1-based line, with a fragment of its message. */
export interface ExpectedFindings {
  /** `endpointLens` settings for this file, when the defaults are not what the fixture is about. */
  settings?: Record<string, unknown>;
  /** Run as in an untrusted workspace (PAC files parsed, not executed). */
  untrusted?: boolean;
  findings: Array<{ code: string; line: number; message: string }>;
}

export interface FixturePair {
  input: string;
  expectedPath: string;
  dialect: string;
}

/** Every input file under test/fixtures/findings/<dialect>/; its expectation is `<file>.expected.json` beside it. */
export function fixturePairs(): FixturePair[] {
  const out: FixturePair[] = [];
  for (const dialect of readdirSync(FIXTURES).sort()) {
    const dir = join(FIXTURES, dialect);
    if (!statSync(dir).isDirectory()) continue;
    for (const name of readdirSync(dir).sort()) {
      if (name.endsWith('.expected.json')) continue;
      out.push({ input: join(dir, name), expectedPath: join(dir, `${name}.expected.json`), dialect });
    }
  }
  return out;
}

export function relativeName(path: string): string {
  return relative(FIXTURES, path);
}

/** The findings the engine reports for a fixture, as the CLI and the language server would. */
export function findingsOf(engine: Engine, pair: FixturePair, expected: ExpectedFindings): Finding[] {
  const text = readFileSync(pair.input, 'utf8');
  const settings = resolveSettings(expected.settings ?? {});
  engine.trusted = !expected.untrusted;
  const detection = engine.detect(pair.input, text, { dialect: pair.dialect });
  if (!detection) throw new Error(`no dialect ${pair.dialect}`);
  return engine.analyzeDocument(pair.input, text, settings, detection).findings;
}

export function readExpected(path: string): ExpectedFindings {
  return JSON.parse(readFileSync(path, 'utf8')) as ExpectedFindings;
}
