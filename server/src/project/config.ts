import { dirname, isAbsolute, join, resolve } from 'node:path';
import { findNodeAtLocation, getNodeValue, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import { DEFAULT_SEVERITY, type Finding } from '../analysis/finding';
import { DIALECT_IDS } from '../dialects/all';
import { isExcluded } from '../features/exclude';
import { t } from '../l10n';
import { LineIndex, type Range } from '../model/range';
import type { Direction } from '../model/policy';
import { PROJECT_CONFIG_NAME, type EndpointLensSettings } from '../protocol';
import { layerSettings, sanitiseSettings, type SettingsLayer, type SettingsPath, type SettingsProblem } from '../settings';
import { readEstates, type Estate } from './estate';

export { PROJECT_CONFIG_NAME };

/** Keys of `endpoint-lens.json` that are not settings of the editor. */
const PROJECT_ONLY_KEYS = ['$schema', 'estate'];

/** Editor settings that are per machine, not per project; the project config leaves them to the editor. */
const EDITOR_ONLY_KEYS = ['catalog', 'pac'];

/** What `endpoint-lens.json` says, already checked: plain data handed to the engine, the CLI and the server. */
export interface ProjectConfig {
  /** Absolute path of the file. */
  path: string;
  /** Its folder: globs and file names in it are relative to this. */
  dir: string;
  /** The settings it states validly (per-glob directions are in `directionGlobs`). */
  settings: SettingsLayer;
  /** `direction` keys that are file globs rather than dialect ids, in the order written. */
  directionGlobs: Array<{ glob: string; direction: Direction }>;
  estates: Estate[];
  /** `config-problem` (and syntax) findings at the values they are about; the defaults apply for those keys. */
  findings: Finding[];
}

/** Where a key path of the file is: its value's range, or the closest enclosing value that exists. */
export function rangeOfPath(root: Node | undefined, lines: LineIndex, path: SettingsPath): Range {
  if (!root) return { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  for (let n = path.length; n >= 0; n--) {
    const node = findNodeAtLocation(root, [...path.slice(0, n)]);
    if (node) {
      // A refused key names the key itself when its value is an object; the value otherwise.
      const target = node.type === 'object' || node.type === 'array' ? (node.parent?.type === 'property' ? node.parent.children?.[0] ?? node : node) : node;
      return { start: lines.positionAt(target.offset), end: lines.positionAt(target.offset + target.length) };
    }
  }
  return { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
}

function configFinding(range: Range, message: string, severity: Finding['severity'] = DEFAULT_SEVERITY['config-problem']): Finding {
  return { code: 'config-problem', severity, message, range, related: [], fixes: [] };
}

/**
 * Read `endpoint-lens.json` (comments and trailing commas allowed, as VS Code allows them in its
 * own JSON settings). Never throws: a file that does not parse, or a value of the wrong shape, is a
 * `config-problem` finding and the layers below apply for what it could not say.
 */
export function parseProjectConfig(path: string, text: string, exists: (path: string) => boolean): ProjectConfig {
  const dir = dirname(path);
  const lines = new LineIndex(text);
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
  const base: ProjectConfig = { path, dir, settings: {}, directionGlobs: [], estates: [], findings: [] };
  if (errors.length > 0 || !root) {
    const first = errors[0];
    const at = first ? lines.positionAt(first.offset) : { line: 0, character: 0 };
    const reason = first ? printParseErrorCode(first.error) : 'empty';
    base.findings.push({ ...configFinding({ start: at, end: at }, t('{0} is not valid JSON ({1}); none of it is used.', PROJECT_CONFIG_NAME, reason), 'error'), code: 'syntax-error' });
    return base;
  }
  const value: unknown = getNodeValue(root);
  const problems: SettingsProblem[] = [];
  const at = (p: SettingsPath): Range => rangeOfPath(root, lines, p);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    base.findings.push(configFinding(at([]), t('{0} must hold one JSON object.', PROJECT_CONFIG_NAME)));
    return base;
  }
  const record = value as Record<string, unknown>;
  const settingsPart: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(record)) {
    if (PROJECT_ONLY_KEYS.includes(key)) continue;
    if (EDITOR_ONLY_KEYS.includes(key)) problems.push({ path: [key], message: t('{0} is a setting of the editor, not of the project; set it in VS Code or on the command line.', key) });
    else settingsPart[key] = v;
  }
  const { layer, problems: settingProblems } = sanitiseSettings(settingsPart);
  problems.push(...settingProblems);
  const known = new Set(['instance', 'serviceAreas', 'categories', 'includeOptional', 'tenantName', 'tenantRestrictions', 'noIPv6', 'direction', 'exclude', 'severity', 'includePath']);
  for (const key of Object.keys(settingsPart)) if (!known.has(key)) problems.push({ path: [key], message: t('Unknown key {0} in {1}; it is ignored.', key, PROJECT_CONFIG_NAME) });
  const { direction, ...settings } = layer;
  const byDialect: Record<string, Direction> = {};
  const directionGlobs: ProjectConfig['directionGlobs'] = [];
  for (const [key, d] of Object.entries(direction ?? {})) {
    if (DIALECT_IDS.includes(key)) byDialect[key] = d;
    else directionGlobs.push({ glob: key, direction: d });
  }
  const includePath = settings.includePath?.map((p) => (isAbsolute(p) ? p : resolve(dir, p)));
  const estates = readEstates(record.estate, dir, exists, problems, at);
  return {
    ...base,
    settings: { ...settings, ...(direction ? { direction: byDialect } : {}), ...(includePath ? { includePath } : {}) },
    directionGlobs,
    estates,
    findings: problems.map((p) => configFinding(at(p.path), p.message)),
  };
}

/**
 * The project config that applies to a file: the nearest `endpoint-lens.json` in its folder or a
 * folder above it, up to `stopAt` (a workspace folder) when given.
 */
export function findProjectConfig(filePath: string, exists: (path: string) => boolean, stopAt?: string): string | undefined {
  let dir = dirname(resolve(filePath));
  for (;;) {
    const candidate = join(dir, PROJECT_CONFIG_NAME);
    if (exists(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir || (stopAt !== undefined && resolve(dir) === resolve(stopAt))) return undefined;
    dir = parent;
  }
}

/**
 * The settings of one file, lowest precedence first: defaults, the editor's settings, the project
 * config, the command line. A `direction` glob of the project config that matches the file sets
 * the direction whatever the file's dialect; the first matching glob wins.
 */
export function settingsForFile(filePath: string, project: ProjectConfig | undefined, editor: SettingsLayer, commandLine: SettingsLayer = {}): EndpointLensSettings {
  if (!project) return layerSettings(editor, commandLine);
  const glob = project.directionGlobs.find((g) => isExcluded(filePath, [g.glob], [project.dir]));
  const byGlob: SettingsLayer = glob ? { direction: Object.fromEntries(DIALECT_IDS.map((id) => [id, glob.direction])) } : {};
  // The project's exclude globs are written relative to its own folder.
  const exclude = project.settings.exclude?.map((g) => (isAbsolute(g) ? g : join(project.dir, g).replace(/\\/g, '/')));
  return layerSettings(editor, { ...project.settings, ...(exclude ? { exclude } : {}) }, byGlob, commandLine);
}

/** Reads and parses the project config at `path`; a file that cannot be read is one finding on it. */
export function loadProjectConfig(path: string, read: (path: string) => string | undefined, exists: (path: string) => boolean): ProjectConfig {
  const text = read(path);
  if (text !== undefined) return parseProjectConfig(path, text, exists);
  const at = { line: 0, character: 0 };
  return { path, dir: dirname(path), settings: {}, directionGlobs: [], estates: [], findings: [configFinding({ start: at, end: at }, t('{0} cannot be read; none of it is used.', PROJECT_CONFIG_NAME), 'error')] };
}

/** Whether a path names a project config file. */
export function isProjectConfig(path: string): boolean {
  return path.replace(/\\/g, '/').split('/').pop() === PROJECT_CONFIG_NAME;
}
