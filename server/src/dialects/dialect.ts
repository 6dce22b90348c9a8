import type { ConfigModel, DialectId } from '../model/config';
import type { Policy, RenderTarget, RenderedBlock } from '../model/policy';

export interface ParseOptions {
  /** File name or URI, for include handling and messages. */
  fileName?: string;
}

/** Everything the rest of the program knows about a dialect; adding one never touches the others. */
export interface Dialect {
  id: DialectId;
  /** Human name for messages ("nginx", "PAC", "iptables", "nftables", "Cisco ASA/IOS"). */
  displayName: string;
  /** Line-comment marker used for suppressions and managed-block markers ("#", "//", "!"). */
  lineComment: string;
  /** File name patterns (basename globs) that are this dialect without looking inside. */
  fileNamePatterns: string[];
  /** 0 = certainly not, 1 = certainly; used when the file name does not decide. */
  detect(text: string): number;
  /** Never throws on user text; returns problems instead. */
  parse(text: string, options?: ParseOptions): ConfigModel;
  render(policy: Policy, target: RenderTarget): RenderedBlock;
}
