import { outdatedBlocks } from '../../model/managedBlock';
import { t } from '../../l10n';
import { commentSyntaxOf } from '../../dialects/dialect';
import type { Check } from '../context';

/** A managed block rendered from an older catalogue than the one in use; refreshing re-renders it. */
export const managedBlockOutdated: Check = ({ text, dialect, catalog }) =>
  outdatedBlocks(text, commentSyntaxOf(dialect, text), (instance) => (instance.toLowerCase() === catalog.instance.toLowerCase() ? catalog.version : undefined)).map((block) => ({
    code: 'managed-block-outdated',
    severity: 'information',
    message: block.version
      ? t('This {0} block was made from catalogue version {1}; version {2} is current.', block.purpose, block.version, block.currentVersion)
      : t('This {0} block does not say which catalogue version it was made from; version {1} is current.', block.purpose, block.currentVersion),
    range: block.beginRange,
    related: [],
    fixes: [{ title: t('Refresh this block from catalogue version {0}', block.currentVersion), preferred: true, refreshBlock: block.purpose }],
  }));
