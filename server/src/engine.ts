import { CatalogHistoryIndex, isoDay } from './catalog/history';
import { catalogAsOf, type CatalogAsOf } from './catalog/asOf';
import type { Catalog } from './catalog/index';
import { loadCatalog, loadOtherEndpoints } from './catalog/load';
import type { InstanceId } from './catalog/types';
import { TENANT_RESTRICTION_HOSTS } from './catalog/tenantRestrictions';
import { analyze } from './analysis/analyze';
import { withoutIPv6 } from './analysis/scope';
import type { AnalysisSettings, CheckContext, EstatePath } from './analysis/context';
import { relative } from 'node:path';
import type { ProjectConfig } from './project/config';
import { estatesOf } from './project/estate';
import type { Finding } from './analysis/finding';
import { parserFailureModel, type Dialect, type IncludeOptions, type ParseContext } from './dialects/dialect';
import { assembleConfiguration, type AssembledConfiguration, type ReadText } from './workspace/includes';
import { findingsByFile, type FileFinding } from './workspace/configuration';
import { detectDialect, type Detection } from './dialects/detect';
import type { ConfigModel } from './model/config';
import { notAnalysedFinding } from './analysis/notAnalysed';
import { LineIndex } from './model/range';
import { createPacSandbox, type PacSandbox } from './pac/sandbox';
import { looksBinary } from './fileAccess';
import { EDITOR_MAX_ANALYSED_BYTES, PAC_BUDGET } from './limits';
import { boundRules } from './dialects/bounds';
import type { CatalogInfo, EndpointLensSettings } from './protocol';
export { resolveSettings } from './settings';
import { t } from './l10n';
import type { FixSubject } from './render/fixes';

/** A configuration of several files, analysed as one: the analysis of the assembled text and each file's findings. */
export interface ConfigurationAnalysis {
  configuration: AssembledConfiguration;
  analysis: DocumentAnalysis;
  byFile: Map<string, FileFinding[]>;
}

/** Where each file starts in an edited assembled text: parts after the edited stretch move by what it added or removed. */
function shiftedParts(parts: ParseContext['parts'], before: string, after: string): ParseContext['parts'] {
  if (!parts) return parts;
  let prefix = 0;
  const shortest = Math.min(before.length, after.length);
  while (prefix < shortest && before.charCodeAt(prefix) === after.charCodeAt(prefix)) prefix++;
  const delta = after.length - before.length;
  return parts.map((part) => (part.offset > prefix ? { ...part, offset: part.offset + delta } : part));
}

/** What an analysis knows besides the text and its settings. */
export interface AnalyzeOptions {
  /** For a configuration assembled from several files: where each file starts in the text. */
  parts?: ParseContext['parts'];
  /** For a PAC file that estates of the project config name: the paths it is checked along (see Engine.estatePaths). */
  estates?: readonly EstatePath[];
}

export interface LoadedCatalog {
  catalog: Catalog;
  history?: CatalogHistoryIndex;
  info: CatalogInfo;
}

/** A valid calendar day written yyyy-mm-dd, as `check --as-of` takes it. */
export function isCalendarDay(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const moment = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(moment.getTime()) && isoDay(moment) === text;
}

export interface DocumentAnalysis {
  detection: Detection;
  model: ConfigModel;
  lines: LineIndex;
  findings: Finding[];
  context: CheckContext;
  /** Set when the file was too large or binary and was not analysed. */
  notice?: string;
}

export function analysisSettings(settings: EndpointLensSettings, dialect: Dialect, trusted: boolean): AnalysisSettings {
  const direction = settings.direction[dialect.id];
  return {
    instance: settings.instance,
    serviceAreas: settings.serviceAreas,
    categories: settings.categories,
    includeOptional: settings.includeOptional,
    tenantName: settings.tenantName,
    tenantRestrictions: settings.tenantRestrictions,
    noIPv6: settings.noIPv6,
    direction: direction === 'inbound' || direction === 'outbound' || direction === 'both' ? direction : dialect.defaultDirection,
    trusted,
    pac: settings.pac,
  };
}

/** Where includes are looked for under these settings: the include path (the project config's is already absolute); the nginx prefix is found from nginx.conf. */
export function includeOptions(settings: EndpointLensSettings): IncludeOptions {
  return settings.includePath.length > 0 ? { includePath: settings.includePath } : {};
}

export { looksBinary } from './fileAccess';

/**
 * The catalogue of an instance as every reader gets it (the cache's when valid, else the shipped
 * one; a pinned version when asked for), with its history and a description of which it is.
 */
export function loadCatalogWithHistory(instance: InstanceId, cacheDir: string | undefined, pinnedVersion = ''): LoadedCatalog {
  const loaded = loadCatalog({ instance, ...(cacheDir ? { cacheDir } : {}), ...(pinnedVersion ? { pinnedVersion } : {}) });
  let history: CatalogHistoryIndex | undefined;
  try {
    history = CatalogHistoryIndex.load(instance, cacheDir, pinnedVersion || undefined);
  } catch {
    history = undefined;
  }
  const catalog = loaded.catalog;
  const other = loadOtherEndpoints();
  return {
    catalog,
    ...(history ? { history } : {}),
    info: {
      instance: catalog.instance,
      version: catalog.version,
      capturedOn: catalog.capturedOn,
      source: loaded.source,
      versionInferred: catalog.versionInferred,
      otherEndpoints: { revision: other.revision, release: other.release },
      ...(loaded.warning ? { warning: loaded.warning } : {}),
    },
  };
}

/**
 * The one engine the language server and the CLI share: catalogues per instance (loaded once),
 * the PAC sandbox (created once), and parse + analyse for a document.
 */
export class Engine {
  private readonly catalogs = new Map<string, LoadedCatalog>();
  private readonly asOfViews = new Map<string, CatalogAsOf>();

  private constructor(
    private cacheDir: string | undefined,
    private readonly sandbox: PacSandbox | undefined,
    public trusted: boolean,
    private readonly maxAnalysedBytes: number,
    private readonly asOf: string | undefined,
  ) {}

  /**
   * `maxAnalysedBytes` defaults to the editor's limit. `asOf` (yyyy-mm-dd) fixes the day analyses
   * are as of (`check --as-of`, tests); without it each analysis takes the day it runs on.
   * `pacWaitOnFirstUse` starts the PAC worker without waiting for it until a PAC file is first run.
   */
  static async create(options: { cacheDir?: string; trusted?: boolean; maxAnalysedBytes?: number; asOf?: string; pacWaitOnFirstUse?: boolean }): Promise<Engine> {
    let sandbox: PacSandbox | undefined;
    try {
      sandbox = await createPacSandbox({ waitOnFirstUse: options.pacWaitOnFirstUse ?? false });
    } catch {
      // Without WebAssembly PAC files are still parsed and checked statically.
      sandbox = undefined;
    }
    return new Engine(options.cacheDir, sandbox, options.trusted ?? true, options.maxAnalysedBytes ?? EDITOR_MAX_ANALYSED_BYTES, options.asOf);
  }

  /** The day analyses are as of. */
  today(): string {
    return this.asOf ?? isoDay(new Date());
  }

  /** The catalogue of an instance as it stands on the day analyses are as of. */
  catalogAsOf(instance: InstanceId, pinnedVersion = ''): CatalogAsOf {
    const day = this.today();
    const key = `${instance}|${pinnedVersion}|${day}`;
    const cached = this.asOfViews.get(key);
    if (cached) return cached;
    const { catalog, history } = this.catalog(instance, pinnedVersion);
    const view = catalogAsOf(catalog, history, day);
    this.asOfViews.set(key, view);
    return view;
  }

  /** The sandbox, for commands that run PAC files outside a check; undefined without WebAssembly. */
  get pacSandbox(): PacSandbox | undefined {
    return this.sandbox;
  }

  /** Forget loaded catalogues, e.g. after an update wrote a new one to the cache. */
  reload(cacheDir?: string): void {
    if (cacheDir !== undefined) this.cacheDir = cacheDir;
    this.catalogs.clear();
    this.asOfViews.clear();
  }

  catalog(instance: InstanceId, pinnedVersion = ''): LoadedCatalog {
    const key = `${instance}|${pinnedVersion}`;
    const cached = this.catalogs.get(key);
    if (cached) return cached;
    const result = loadCatalogWithHistory(instance, this.cacheDir, pinnedVersion);
    this.catalogs.set(key, result);
    return result;
  }

  detect(path: string, text: string, options: { dialect?: string; languageId?: string } = {}): Detection | undefined {
    return detectDialect(path, text, options);
  }

  /** Parse and analyse one document (or an assembled configuration, whose `options.parts` say where each file starts). Never throws on user text. */
  analyzeDocument(path: string, text: string, settings: EndpointLensSettings, detection: Detection, options: AnalyzeOptions = {}): DocumentAnalysis {
    const dialect = detection.dialect;
    const lines = new LineIndex(text);
    const empty: ConfigModel = { dialect: dialect.id, references: [], ruleLists: [], paths: [], problems: [], comments: [] };
    const base = { detection, lines };
    if (text.length > this.maxAnalysedBytes) {
      const notice = t('This file is {0} MB; Endpoint Lens analyses files up to {1} MB.', (text.length / 1048576).toFixed(1), Number((this.maxAnalysedBytes / 1048576).toFixed(1)));
      return { ...base, model: empty, findings: [], context: this.contextFor(text, lines, empty, settings, dialect), notice };
    }
    if (looksBinary(text)) {
      const notice = t('This looks like a binary file, not a {0} configuration; it was not analysed.', dialect.displayName);
      return { ...base, model: empty, findings: [], context: this.contextFor(text, lines, empty, settings, dialect), notice };
    }
    let model: ConfigModel;
    try {
      model = boundRules(dialect.parse(text, { fileName: path, ...(options.parts ? { parts: options.parts } : {}) }).model);
    } catch (error) {
      model = parserFailureModel(dialect.id, dialect.displayName, error);
    }
    const context = this.contextFor(text, lines, model, settings, dialect, options);
    const findings = analyze(context, { severity: settings.severity });
    return { ...base, model, findings, context };
  }

  /**
   * The estates of a project config whose PAC file is `pacPath`, each with its egress firewalls
   * read (`read` gives a file's text: the editor's copy of an open file, else the disk's) and
   * parsed. A firewall that cannot be read or recognised is left out of the path; the project
   * config's own check reports a missing file.
   */
  estatePaths(pacPath: string, project: Pick<ProjectConfig, 'path' | 'dir' | 'estates'> | undefined, read: (path: string) => string | undefined): EstatePath[] {
    if (!project) return [];
    const { asPac } = estatesOf(project.estates, pacPath);
    return asPac.map((estate) => ({
      estate,
      configPath: project.path,
      firewalls: estate.egress.flatMap((file) => {
        const text = read(file);
        const detection = text === undefined ? undefined : detectDialect(file, text);
        if (text === undefined || !detection || looksBinary(text)) return [];
        let model: ConfigModel;
        try {
          model = boundRules(detection.dialect.parse(text, { fileName: file }).model);
        } catch {
          return [];
        }
        return [{ path: file, name: relative(project.dir, file) || file, model }];
      }),
    }));
  }

  /**
   * The configuration `path` is the root of, its includes followed as the device follows them;
   * undefined for a dialect whose files include nothing.
   */
  assemble(path: string, text: string, dialect: Dialect, read: ReadText, options: IncludeOptions = {}): AssembledConfiguration | undefined {
    if (!dialect.includes) return undefined;
    return assembleConfiguration(path, text, dialect.includes, read, { ...options, maxTotalChars: this.maxAnalysedBytes });
  }

  /** Analyse an assembled configuration as one text and report each finding in the file it lies in. */
  analyzeConfiguration(configuration: AssembledConfiguration, settings: EndpointLensSettings, detection: Detection): ConfigurationAnalysis {
    const analysis = this.analyzeDocument(configuration.root, configuration.text, settings, detection, { parts: configuration.parts });
    return { configuration, analysis, byFile: findingsByFile(configuration, analysis.lines, analysis.findings, settings.severity) };
  }

  /** `editSubject` for an assembled configuration: edits of its text are checked by analysing the whole configuration again. */
  configurationSubject(result: ConfigurationAnalysis, settings: EndpointLensSettings): FixSubject {
    const { configuration, analysis } = result;
    const subject = this.editSubject(configuration.root, analysis, settings);
    return {
      ...subject,
      parseContext: { fileName: configuration.root, parts: configuration.parts },
      reanalyse: (text) => {
        const again = this.analyzeDocument(configuration.root, text, settings, analysis.detection, { parts: shiftedParts(configuration.parts, configuration.text, text) });
        return { findings: again.findings, model: again.model };
      },
    };
  }

  /** A document the process could not analyse (its analysis ran out of memory): no model, and a not-analysed finding saying why. */
  unanalysedDocument(text: string, settings: EndpointLensSettings, detection: Detection, reason: string): DocumentAnalysis {
    const lines = new LineIndex(text);
    const model: ConfigModel = { dialect: detection.dialect.id, references: [], ruleLists: [], paths: [], problems: [], comments: [] };
    const finding = notAnalysedFinding(reason, settings.severity);
    return { detection, lines, model, findings: finding ? [finding] : [], context: this.contextFor(text, lines, model, settings, detection.dialect) };
  }

  /**
   * A document as fixes and inserts see it: its text and findings, and a way to analyse an edited
   * text of it the same way, so every edit is checked before it is offered.
   */
  editSubject(path: string, analysis: DocumentAnalysis, settings: EndpointLensSettings): FixSubject {
    const { detection, context } = analysis;
    return {
      text: context.text,
      dialect: detection.dialect,
      parseContext: { fileName: path },
      catalog: context.catalog,
      findings: analysis.findings,
      model: analysis.model,
      ...(settings.tenantRestrictions ? { keepOnProxy: TENANT_RESTRICTION_HOSTS } : {}),
      reanalyse: (text) => {
        // The same estates, so a fix is judged against the same paths as the findings it came from.
        const again = this.analyzeDocument(path, text, settings, detection, context.estates ? { estates: context.estates } : {});
        return { findings: again.findings, model: again.model };
      },
    };
  }

  /**
   * What the checks, hovers and fixes of one document see. Also used to rebuild the context of an
   * analysis made in the server's analysis thread from the model it sent back.
   */
  contextFor(text: string, lines: LineIndex, model: ConfigModel, settings: EndpointLensSettings, dialect: Dialect, options: AnalyzeOptions = {}): CheckContext {
    const { parts, estates } = options;
    const { history } = this.catalog(settings.instance, settings.catalog.pinnedVersion);
    const catalog = this.catalogAsOf(settings.instance, settings.catalog.pinnedVersion);
    return {
      model,
      text,
      lines,
      dialect,
      catalog: settings.noIPv6 ? withoutIPv6(catalog) : catalog,
      today: catalog.asOf,
      settings: analysisSettings(settings, dialect, this.trusted),
      ...(history ? { history } : {}),
      ...(parts ? { parts } : {}),
      ...(estates && estates.length > 0 ? { estates: [...estates] } : {}),
      ...(this.sandbox && this.trusted && dialect.id === 'pac' ? { pac: { sandbox: this.sandbox, options: { ...PAC_BUDGET, hostAddresses: {}, clientAddress: settings.pac.clientAddress } } } : {}),
    };
  }
}
