import type { Range } from '../../model/range';
import type { SquidToken } from './lexer';

/** The acl types this reads; others are kept by name and make a rule that uses them depend on outside state. */
export type SquidAclType = string;

/** Every `acl NAME TYPE …` line of one name, joined as Squid joins them (values of all lines are ORed). */
export interface SquidAcl {
  name: string;
  type: SquidAclType;
  /** Values in order, after flags; quoted ones name files. */
  values: SquidToken[];
  /** `-i`, `-n` and the like, as written. */
  flags: string[];
  /** Each line that defines it. */
  lines: Range[];
  /** The name token of the first definition, for hovers and messages. */
  nameRange: Range;
}

/** One acl used on a rule line, `!` and all. */
export interface SquidAclUse {
  name: string;
  negated: boolean;
  token: SquidToken;
}

/** An `http_access`, `ssl_bump`, `always_direct` or `never_direct` line. */
export interface SquidAccessLine {
  directive: string;
  action: string;
  actionToken: SquidToken;
  acls: SquidAclUse[];
  range: Range;
  text: string;
}

/** `http_port` / `https_port`: where clients connect and whether CONNECTs there may be bumped. */
export interface SquidPort {
  directive: 'http_port' | 'https_port';
  address: string;
  sslBump: boolean;
  range: Range;
}

/** `cache_peer HOST TYPE HTTP-PORT ICP-PORT [options]`. */
export interface SquidCachePeer {
  host: string;
  type: string;
  port: string;
  range: Range;
  hostRange: Range;
}

/** What a squid.conf defines, in the order Squid reads it. */
export interface SquidVendor {
  acls: Map<string, SquidAcl>;
  httpAccess: SquidAccessLine[];
  sslBump: SquidAccessLine[];
  alwaysDirect: SquidAccessLine[];
  neverDirect: SquidAccessLine[];
  ports: SquidPort[];
  peers: SquidCachePeer[];
  includes: Array<{ path: string; range: Range }>;
}

/** ACLs Squid defines itself (since 3.2); a config may not redefine them with another type. */
export const PREDEFINED_ACLS: ReadonlyMap<string, { type: string; values: string[] }> = new Map([
  ['all', { type: 'src', values: ['0.0.0.0/0', '::/0'] }],
  ['localhost', { type: 'src', values: ['127.0.0.1/32', '::1'] }],
  ['to_localhost', { type: 'dst', values: ['127.0.0.0/8', '0.0.0.0/32', '::1', '::/128'] }],
  ['manager', { type: 'url_regex', values: ['^cache_object://', '^https?://[^/]+/squid-internal-mgr/'] }],
]);
