import { readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Engine, resolveSettings } from '../../server/src/engine';
import type { Finding } from '../../server/src/analysis/finding';
import { analyseFile } from '../../server/src/cli/check/analyseFile';
import { DEFAULT_MAX_INPUT_BYTES } from '../../server/src/cli/io';
import { installScenario } from '../unit/update/fakeService';

export const FIXTURES = join(__dirname, '..', 'fixtures', 'findings');

/** What a fixture expects: every finding by code and 1-based line, with a fragment of its message. */
export interface ExpectedFindings {
  /** `endpointLens` settings for this file, when the defaults are not what the fixture is about. */
  settings?: Record<string, unknown>;
  /** Run as in an untrusted workspace (PAC files parsed, not executed). */
  untrusted?: boolean;
  /** `changes`: check against the release of the fake web service's change scenario instead of the shipped catalogue. */
  catalog?: 'changes';
  /** The day the check is as of (yyyy-mm-dd); fixtures never depend on the day they run. */
  asOf?: string;
  findings: Array<{ code: string; line: number; message: string }>;
}

/** The day fixtures are checked as of unless they name one. */
export const DEFAULT_AS_OF = '2026-11-26';

/**
 * One engine per catalogue and day. The change scenario is installed once, through the update
 * client and a fake web service on 127.0.0.1, into a folder removed by `dispose`.
 */
export class FixtureEngines {
  private readonly engines = new Map<string, Promise<Engine>>();
  private scenario: Promise<string> | undefined;

  for(expected: ExpectedFindings): Promise<Engine> {
    const asOf = expected.asOf ?? DEFAULT_AS_OF;
    const key = `${expected.catalog ?? 'shipped'}|${asOf}`;
    let engine = this.engines.get(key);
    if (!engine) {
      engine = expected.catalog === 'changes' ? (this.scenario ??= installScenario()).then((cacheDir) => Engine.create({ cacheDir, asOf })) : Engine.create({ asOf });
      this.engines.set(key, engine);
    }
    return engine;
  }

  async dispose(): Promise<void> {
    if (this.scenario) rmSync(await this.scenario, { recursive: true, force: true });
  }
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
  // Absolute includes (`/etc/squid/conf.d/*.conf`) are read under a folder of the fixtures, never from this machine's /etc.
  const includes = { systemRoot: join(FIXTURES, '..', 'system-root') };
  const request = { settings: resolveSettings(expected.settings ?? {}), maxBytes: DEFAULT_MAX_INPUT_BYTES, dialect: pair.dialect, fixEdits: false, displayPath: relativeName(pair.input), includes };
  return analyseFile(engine, pair.input, request).result.findings;
}

export function readExpected(path: string): ExpectedFindings {
  return JSON.parse(readFileSync(path, 'utf8')) as ExpectedFindings;
}
