import type { FlowOrigin } from '../model/policy';

/**
 * The request path Microsoft 365 uses for the traffic of an "other endpoints" row, where the row
 * is one web service of the on-premises server: the MRS proxy for mailbox moves (row 6),
 * Exchange Web Services for free/busy (row 7), the AD FS trust endpoint of the customer STS for
 * federation and hybrid proxy authentication (rows 4 and 8), and Autodiscover for AutoDetect
 * (row 10). Other traffic has no single path.
 */
const ROW_REQUEST_PATHS: ReadonlyMap<number, string> = new Map([
  [4, '/adfs/services/trust'],
  [6, '/EWS/mrsproxy.svc'],
  [7, '/EWS/Exchange.asmx'],
  [8, '/adfs/services/trust'],
  [10, '/autodiscover/autodiscover.svc'],
]);

export function requestPathOf(origin: FlowOrigin): string | undefined {
  return origin.source === 'other-endpoints' ? ROW_REQUEST_PATHS.get(origin.row) : undefined;
}
