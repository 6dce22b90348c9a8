import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { t } from '../l10n';
import { instanceFromString } from '../catalog/load';
import { defaultCacheDir } from '../catalog/update';
import { INSTANCES } from '../catalog/types';
import { DIALECTS, dialectById } from '../dialects/all';
import { buildPolicies, POLICY_NAMES, type PolicyRequest } from '../policies';
import { EXCHANGE_HYBRID_FEATURES } from '../protocol';
import { Engine, resolveSettings } from '../engine';
import { insertPolicies } from '../features/edits';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, lastFlag, parseArgs, type CliCommand, type CliIo, type ParsedArgs } from './io';

const VALUE_FLAGS = ['dialect', 'server', 'features', 'sets', 'service-areas', 'categories', 'instance', 'into', 'cache'];

function usageText(): string {
  return [
    t('Usage: endpoint-lens render <exchange-hybrid|graph-notifications|sets> --dialect nginx|pac|iptables|nftables|cisco [options]'),
    t('  --server ADDR         on-premises server address (repeat or separate with commas)'),
    t('  --features LIST       exchange-hybrid features: {0}', EXCHANGE_HYBRID_FEATURES.join(', ')),
    t('  --sets IDS            endpoint set ids, for example 1,2,11'),
    t('  --service-areas LIST  Exchange, SharePoint, Skype, Common, MEM'),
    t('  --categories LIST     Optimize, Allow, Default'),
    t('  --include-optional    also sets the catalogue marks as not required'),
    t('  --instance NAME       {0} (default Worldwide)', INSTANCES.join(', ')),
    t('  --tenant-restrictions keep the sign-in hosts on the proxy, which adds the tenant-restriction headers (PAC)'),
    t('  --into FILE           print FILE with the block inserted where it takes effect'),
    t('  --cache DIR           catalogue cache folder (default: the update command\'s)'),
  ].join('\n');
}

/** Every value of a repeatable flag, commas also separating values. */
function listFlag(args: ParsedArgs, name: string): string[] {
  return (args.flags.get(name) ?? [])
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

function requestFrom(name: string, args: ParsedArgs): PolicyRequest | string {
  const servers = listFlag(args, 'server');
  switch (name) {
    case 'exchange-hybrid':
      return { policy: 'exchange-hybrid', features: listFlag(args, 'features'), serverAddresses: servers };
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
      };
    }
    default:
      return t('Unknown policy "{0}"; expected one of {1}.', name, POLICY_NAMES.join(', '));
  }
}

/** Flags that belong to another policy are a mistake worth saying, not something to ignore. */
function misplacedFlag(name: string, args: ParsedArgs): string | undefined {
  const allowed: Record<string, string[]> = {
    'exchange-hybrid': ['server', 'features'],
    'graph-notifications': ['server'],
    sets: ['sets', 'service-areas', 'categories', 'include-optional'],
  };
  const policyFlags = ['server', 'features', 'sets', 'service-areas', 'categories', 'include-optional'];
  return policyFlags.find((flag) => args.flags.has(flag) && !(allowed[name] ?? []).includes(flag));
}

/**
 * `endpoint-lens render POLICY --dialect D …`: the managed block for a policy, or with `--into FILE`
 * the file with the block inserted where it takes effect (or its block of the same purpose replaced).
 */
async function renderCommand(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, { values: VALUE_FLAGS, booleans: ['help', 'include-optional', 'tenant-restrictions'] });
  if (args.flags.has('help')) {
    io.out(usageText());
    return EXIT_OK;
  }
  const fail = (message: string): number => {
    io.err(message);
    io.err(usageText());
    return EXIT_USAGE;
  };
  if (args.unknown.length > 0) return fail(t('Unexpected argument "{0}".', args.unknown[0]!));
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

  const cacheFlag = lastFlag(args, 'cache');
  const engine = await Engine.create({ cacheDir: cacheFlag === undefined ? defaultCacheDir() : resolve(io.cwd, cacheFlag) });
  const settings = resolveSettings({ instance, tenantRestrictions: args.flags.has('tenant-restrictions') });
  const loaded = engine.catalog(instance);
  if (loaded.info.warning) io.err(loaded.info.warning);
  const built = buildPolicies(loaded.catalog, request);
  if (!built.ok) {
    for (const error of built.errors) io.err(error);
    return EXIT_USAGE;
  }
  for (const note of built.notes) io.err(note);

  const intoFlag = lastFlag(args, 'into');
  let text = '';
  const path = intoFlag === undefined ? `untitled.${dialect.id}` : resolve(io.cwd, intoFlag);
  if (intoFlag !== undefined) {
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      io.err(t('Cannot read {0}: {1}', path, error instanceof Error ? error.message : String(error)));
      return EXIT_USAGE;
    }
  }
  const detection = { dialect, by: 'option' as const, confidence: 1 };
  const subject = engine.editSubject(path, engine.analyzeDocument(path, text, settings, detection), settings);
  // Policies of one request (Exchange hybrid inbound and outbound) go in one after the other, each verified.
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
