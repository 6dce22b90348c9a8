import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Engine, resolveSettings } from '../../server/src/engine';
import type { Finding } from '../../server/src/analysis/finding';
import { analyseFile } from '../../server/src/cli/check/analyseFile';
import { DEFAULT_MAX_INPUT_BYTES } from '../../server/src/cli/io';

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

/**
 * The findings `check` reports for a fixture, through the same per-file path (read, recognise,
 * analyse); the language server shows the same findings for a file it analyses.
 */
export function findingsOf(engine: Engine, pair: FixturePair, expected: ExpectedFindings): Finding[] {
  engine.trusted = !expected.untrusted;
  const request = { settings: resolveSettings(expected.settings ?? {}), maxBytes: DEFAULT_MAX_INPUT_BYTES, dialect: pair.dialect, fixEdits: false, displayPath: relativeName(pair.input) };
  return analyseFile(engine, pair.input, request).result.findings;
}

export function readExpected(path: string): ExpectedFindings {
  return JSON.parse(readFileSync(path, 'utf8')) as ExpectedFindings;
}
