import { resolve } from 'node:path';
import { t } from '../l10n';
import { instanceFromString } from '../catalog/load';
import { INSTANCES } from '../catalog/types';
import { Engine, isCalendarDay, resolveSettings } from '../engine';
import { readRegularFile } from '../fileAccess';
import { DIALECTS, dialectById } from '../dialects/all';
import { buildPolicies, POLICY_NAMES, type PolicyRequest } from '../policies';
import { EXCHANGE_HYBRID_FEATURES } from '../protocol';
import { insertPolicies } from '../features/edits';
import { catalogHeader, catalogUsage, CATALOG_FLAGS, chooseCatalog } from './catalogChoice';
import { DEFAULT_MAX_INPUT_BYTES, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, lastFlag, listFlag, parseCommandLine, usageError, type CliCommand, type CliIo, type ParsedArgs } from './io';

const VALUE_FLAGS = ['dialect', 'server', 'features', 'sets', 'service-areas', 'categories', 'instance', 'into', 'as-of', ...CATALOG_FLAGS.values];

function usageText(): string {
  return [
    t('Usage: endpoint-lens render <exchange-hybrid|graph-notifications|sets> --dialect {0} [options]', DIALECTS.map((d) => d.id).join('|')),
    t('  --server ADDR         on-premises server address (repeat or separate with commas)'),
    t('  --features LIST       exchange-hybrid features: {0} (default: all)', EXCHANGE_HYBRID_FEATURES.join(', ')),
    t('  --sets IDS            endpoint set ids, for example 1,2,11'),
    t('  --service-areas LIST  Exchange, SharePoint, Skype, Common, MEM'),
    t('  --categories LIST     Optimize, Allow, Default'),
    t('  --include-optional    also sets the catalogue marks as not required'),
    t('  --without-announced   leave out additions Microsoft announced for a later day (included by default)'),
    t('  --as-of YYYY-MM-DD    the day announced additions are counted from (default: today)'),
    t('  --instance NAME       {0} (default Worldwide)', INSTANCES.join(', ')),
    t('  --tenant-restrictions keep the sign-in hosts on the proxy, which adds the tenant-restriction headers (PAC)'),
    t('  --into FILE           print FILE with the block inserted where it takes effect'),
    catalogUsage(),
  ].join('\n');
}

function requestFrom(name: string, args: ParsedArgs): PolicyRequest | string {
  const servers = listFlag(args, 'server');
  switch (name) {
    case 'exchange-hybrid': {
      const features = listFlag(args, 'features');
      return { policy: 'exchange-hybrid', features: features.length > 0 ? features : [...EXCHANGE_HYBRID_FEATURES], serverAddresses: servers, includeAnnounced: !args.flags.has('without-announced') };
    }
    case 'graph-notifications':
      return { policy: 'graph-notifications', serverAddresses: servers };
    case 'sets': {
      const setIds: number[] = [];
      for (const text of listFlag(args, 'sets')) {
        if (!/^\d{1,6}$/.test(text)) return t('--sets needs endpoint set numbers, not "{0}".', text);
        setIds.push(Number(text));
      }
      return {
        policy: 'sets',
        setIds,
        serviceAreas: listFlag(args, 'service-areas'),
        categories: listFlag(args, 'categories'),
        includeOptional: args.flags.has('include-optional'),
        includeAnnounced: !args.flags.has('without-announced'),
      };
    }
    default:
      return t('Unknown policy "{0}"; expected one of {1}.', name, POLICY_NAMES.join(', '));
  }
}

/** Flags that belong to another policy are a mistake worth saying, not something to ignore. */
function misplacedFlag(name: string, args: ParsedArgs): string | undefined {
  const allowed: Record<string, string[]> = {
    'exchange-hybrid': ['server', 'features', 'without-announced'],
    'graph-notifications': ['server'],
    sets: ['sets', 'service-areas', 'categories', 'include-optional', 'without-announced'],
  };
  const policyFlags = ['server', 'features', 'sets', 'service-areas', 'categories', 'include-optional', 'without-announced'];
  return policyFlags.find((flag) => args.flags.has(flag) && !(allowed[name] ?? []).includes(flag));
}

/**
 * `endpoint-lens render POLICY --dialect D …`: the managed block for a policy, or with `--into FILE`
 * the file with the block inserted where it takes effect (or its block of the same purpose replaced).
 */
async function renderCommand(argv: string[], io: CliIo): Promise<number> {
  const parsed = parseCommandLine(argv, io, { usage: usageText, values: VALUE_FLAGS, booleans: ['include-optional', 'without-announced', 'tenant-restrictions', ...CATALOG_FLAGS.booleans] });
  if (!parsed.ok) return parsed.exit;
  const { args } = parsed;
  const fail = (message: string): number => usageError(io, message, usageText());
  if (args.positionals.length !== 1) {
    return fail(args.positionals.length === 0 ? t('Name the policy to render.') : t('Unexpected argument "{0}".', args.positionals[1]!));
  }
  const policyName = args.positionals[0]!;
  const dialectName = lastFlag(args, 'dialect');
  if (dialectName === undefined) return fail(t('--dialect is required.'));
  const dialect = dialectById(dialectName);
  if (!dialect) return fail(t('Unknown dialect "{0}"; expected one of {1}.', dialectName, DIALECTS.map((d) => d.id).join(', ')));
  const request = requestFrom(policyName, args);
  if (typeof request === 'string') return fail(request);
  const misplaced = misplacedFlag(policyName, args);
  if (misplaced !== undefined) return fail(t('--{0} does not apply to the {1} policy.', misplaced, policyName));
  const instanceText = lastFlag(args, 'instance') ?? 'Worldwide';
  const instance = instanceFromString(instanceText);
  if (!instance) return fail(t('Unknown instance "{0}"; expected one of {1}.', instanceText, INSTANCES.join(', ')));
  const choice = chooseCatalog(args, io);
  if (!choice.ok) return fail(choice.message);

  const asOf = lastFlag(args, 'as-of');
  if (asOf !== undefined && !isCalendarDay(asOf)) return fail(t('--as-of needs a day written YYYY-MM-DD, not "{0}".', asOf));
  const engine = await Engine.create({ ...(choice.cacheDir ? { cacheDir: choice.cacheDir } : {}), ...(asOf ? { asOf } : {}) });
  const loaded = engine.catalog(instance);
  // Standard output is the rendered text; which catalogue made it is said on standard error.
  io.err(catalogHeader(loaded.info, choice.cacheDir));
  if (loaded.info.warning) io.err(loaded.info.warning);
  if (request.policy === 'exchange-hybrid' && !args.flags.has('features')) {
    io.err(t('No --features given: rendering every Exchange hybrid feature ({0}).', EXCHANGE_HYBRID_FEATURES.join(', ')));
  }
  // As of the day, so announced additions are told apart from the sets they will join.
  const built = buildPolicies(engine.catalogAsOf(instance), request);
  if (!built.ok) {
    for (const error of built.errors) io.err(error);
    return EXIT_USAGE;
  }
  for (const note of built.notes) io.err(note);

  const intoFlag = lastFlag(args, 'into');
  let text = '';
  const path = intoFlag === undefined ? `untitled.${dialect.id}` : resolve(io.cwd, intoFlag);
  if (intoFlag !== undefined) {
    const read = readRegularFile(path, { maxBytes: DEFAULT_MAX_INPUT_BYTES });
    if (!read.ok) {
      io.err(read.message);
      return EXIT_USAGE;
    }
    text = read.text;
  }
  const settings = resolveSettings({ instance, tenantRestrictions: args.flags.has('tenant-restrictions') });
  const detection = { dialect, by: 'option' as const, confidence: 1 };
  const subject = engine.editSubject(path, engine.analyzeDocument(path, text, settings, detection), settings);
  // Policies of one request (Exchange hybrid inbound and outbound) go in one after the other, each verified in the file.
  const outcome = insertPolicies(subject, built.policies, { verify: intoFlag !== undefined });
  if (intoFlag !== undefined) for (const summary of outcome.summaries) io.err(summary);
  else for (const missing of outcome.notApplied) io.err(t('{0}: {1}', missing.purpose, missing.reason));
  if (outcome.notExpressible.length > 0) {
    io.err(t('{0} entries cannot be written in {1}; they are listed as comments in the block.', outcome.notExpressible.length, dialect.displayName));
  }
  io.out(outcome.newText);
  return outcome.brokenMarkers || outcome.notApplied.length > 0 ? EXIT_FINDINGS : EXIT_OK;
}

export const run: CliCommand = (argv, io) => renderCommand(argv, io);
