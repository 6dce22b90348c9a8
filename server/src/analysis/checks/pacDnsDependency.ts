import { t } from '../../l10n';
import type { Check } from '../context';
import { pacFacts } from './pacFacts';

/** isInNet(host, …) and friends make the browser resolve every host before choosing a proxy. */
export const pacDnsDependency: Check = ({ model }) =>
  (pacFacts(model)?.dnsDependencies ?? []).map((d) => ({
    code: 'pac-dns-dependency',
    severity: 'information',
    message: t('{0} resolves the host name on every request; a slow or split DNS delays every page. Test host names first (shExpMatch, dnsDomainIs) and resolve only what remains.', d.call),
    range: d.range,
    related: [],
    fixes: [],
  }));
