import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CatalogSnapshot, InstanceId, OtherEndpointsFile } from '../../../server/src/catalog/types';
import type { PolicyCatalog } from '../../../server/src/policies';

const root = join(__dirname, '..', '..', '..');

/** The shipped snapshot of one instance as the policies see it. */
export function shippedCatalog(instance: InstanceId = 'Worldwide'): PolicyCatalog {
  const file = instance.toLowerCase() + '.json';
  const snapshot = JSON.parse(readFileSync(join(root, 'catalog', file), 'utf8')) as CatalogSnapshot;
  const other = JSON.parse(readFileSync(join(root, 'catalog', 'other-endpoints.json'), 'utf8')) as OtherEndpointsFile;
  return { instance, version: snapshot.version, sets: snapshot.sets, otherRows: other.rows };
}
