import { t } from '../../l10n';
import type { SyntaxProblem } from '../../model/config';
import type { SquidDirective, SquidToken } from './lexer';
import type { SquidAccessLine, SquidAclUse, SquidVendor } from './vendor';

/** Squid refuses longer acl names (`ACL name … too long, max 63 characters supported`). */
export const MAX_ACL_NAME = 63;

const ACCESS_ACTIONS: Record<string, readonly string[]> = {
  http_access: ['allow', 'deny'],
  always_direct: ['allow', 'deny'],
  never_direct: ['allow', 'deny'],
  ssl_bump: ['splice', 'bump', 'peek', 'stare', 'terminate', 'client-first', 'server-first', 'none'],
};

function lineText(directive: SquidDirective): string {
  return [directive.name, ...directive.args].map((tk) => (tk.quoted ? `"${tk.text}"` : tk.text)).join(' ');
}

function accessLine(directive: SquidDirective, problems: SyntaxProblem[]): SquidAccessLine | undefined {
  const name = directive.name.text;
  const actionToken = directive.args[0];
  if (!actionToken) {
    problems.push({ range: directive.range, message: t('{0} needs an action', name), severity: 'error' });
    return undefined;
  }
  const action = actionToken.text.toLowerCase();
  if (!ACCESS_ACTIONS[name]!.includes(action)) {
    problems.push({ range: actionToken.range, message: t('{0} does not take the action "{1}" (expected {2})', name, actionToken.text, ACCESS_ACTIONS[name]!.join(', ')), severity: 'error' });
    return undefined;
  }
  const acls: SquidAclUse[] = directive.args.slice(1).map((token) => {
    const negated = token.text.startsWith('!');
    return { name: negated ? token.text.slice(1) : token.text, negated, token };
  });
  return { directive: name, action, actionToken, acls, range: directive.range, text: lineText(directive) };
}

/** Acl values after the flags Squid takes before them (`-i`, `-n`, `-m=…`, `--`). */
function splitFlags(args: readonly SquidToken[]): { flags: string[]; values: SquidToken[] } {
  let i = 0;
  const flags: string[] = [];
  while (i < args.length && !args[i]!.quoted && /^-/.test(args[i]!.text)) {
    const text = args[i]!.text;
    i++;
    if (text === '--') break;
    flags.push(text);
  }
  return { flags, values: args.slice(i) };
}

/** Directives to the vendor model: acls by name, the access lists in order, ports, peers and includes. */
export function readDirectives(directives: readonly SquidDirective[], problems: SyntaxProblem[]): SquidVendor {
  const vendor: SquidVendor = { acls: new Map(), httpAccess: [], sslBump: [], alwaysDirect: [], neverDirect: [], ports: [], peers: [], includes: [] };
  for (const directive of directives) {
    const name = directive.name.text;
    switch (name) {
      case 'acl': {
        const [aclName, type, ...rest] = directive.args;
        if (!aclName || !type) {
          problems.push({ range: directive.range, message: t('acl needs a name and a type'), severity: 'error' });
          break;
        }
        if (aclName.text.length > MAX_ACL_NAME) {
          problems.push({ range: aclName.range, message: t('Squid refuses acl names longer than {0} characters', MAX_ACL_NAME), severity: 'error' });
          break;
        }
        const { flags, values } = splitFlags(rest);
        const known = vendor.acls.get(aclName.text);
        if (known && known.type !== type.text) {
          problems.push({ range: type.range, message: t('acl {0} is already defined with type {1}', aclName.text, known.type), severity: 'error' });
          break;
        }
        if (known) {
          known.values.push(...values);
          known.flags.push(...flags);
          known.lines.push(directive.range);
        } else vendor.acls.set(aclName.text, { name: aclName.text, type: type.text, values, flags, lines: [directive.range], nameRange: aclName.range });
        break;
      }
      case 'http_access':
      case 'ssl_bump':
      case 'always_direct':
      case 'never_direct': {
        const line = accessLine(directive, problems);
        if (!line) break;
        if (name === 'http_access') vendor.httpAccess.push(line);
        else if (name === 'ssl_bump') vendor.sslBump.push(line);
        else if (name === 'always_direct') vendor.alwaysDirect.push(line);
        else vendor.neverDirect.push(line);
        break;
      }
      case 'http_port':
      case 'https_port': {
        const address = directive.args[0];
        if (!address) {
          problems.push({ range: directive.range, message: t('{0} needs a port', name), severity: 'error' });
          break;
        }
        vendor.ports.push({ directive: name, address: address.text, sslBump: directive.args.some((a) => a.text === 'ssl-bump'), range: directive.range });
        break;
      }
      case 'cache_peer': {
        const [host, type, port] = directive.args;
        if (!host || !type || !port) {
          problems.push({ range: directive.range, message: t('cache_peer needs a host, a type and a port'), severity: 'error' });
          break;
        }
        vendor.peers.push({ host: host.text, type: type.text, port: port.text, range: directive.range, hostRange: host.range });
        break;
      }
      case 'include':
        for (const arg of directive.args) vendor.includes.push({ path: arg.text, range: arg.range });
        break;
      default:
        break;
    }
  }
  return vendor;
}
