import { loadCatalog } from '../../../server/src/catalog/load';
import type { Catalog } from '../../../server/src/catalog';
import type { InstanceId } from '../../../server/src/catalog/types';

/** The shipped catalogue of one instance (optionally an older version from its history). */
export function shippedCatalog(instance: InstanceId = 'Worldwide', pinnedVersion?: string): Catalog {
  const loaded = loadCatalog({ instance, ...(pinnedVersion !== undefined ? { pinnedVersion } : {}) });
  if (pinnedVersion !== undefined && loaded.catalog.version !== pinnedVersion) throw new Error(`version ${pinnedVersion} of ${instance} is not shipped`);
  return loaded.catalog;
}
