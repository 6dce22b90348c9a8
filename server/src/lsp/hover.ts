import type { Hover } from 'vscode-languageserver/node';
import { MarkupKind } from 'vscode-languageserver/node';
import type { Catalog } from '../catalog/index';
import type { DocumentAnalysis } from '../engine';
import { hoverContent } from '../features/hover';
import type { Position } from '../model/range';

export function hoverFor(analysis: DocumentAnalysis, catalog: Catalog, tenant: string, position: Position): Hover | null {
  const content = hoverContent(analysis, catalog, tenant, position);
  return content ? { contents: { kind: MarkupKind.Markdown, value: content.markdown }, range: content.range } : null;
}
