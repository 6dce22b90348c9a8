import { relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Hover, Position } from 'vscode-languageserver/node';
import { estateMarkdown, summariseEstate } from '../features/estateSummary';
import { fileExists } from '../fileAccess';
import { rangeContains } from '../model/range';
import { parseProjectConfig } from '../project/config';
import type { ServerState } from './server';

/** Hover over an estate entry of endpoint-lens.json: the path it describes, run through the PAC file and the firewalls. */
export async function projectConfigHover(state: ServerState, configPath: string, text: string, position: Position): Promise<Hover | null> {
  const project = parseProjectConfig(configPath, text, fileExists);
  const estate = project.estates.find((e) => rangeContains(e.range, position));
  if (!estate) return null;
  const pacText = state.readText(estate.pac);
  const engine = state.engine;
  const detection = pacText === undefined ? undefined : engine.detect(estate.pac, pacText, { dialect: 'pac' });
  if (pacText === undefined || !detection) return null;
  const settings = await state.settingsFor(pathToFileURL(estate.pac).href);
  const [path] = engine.estatePaths(estate.pac, { ...project, estates: [estate] }, (file) => state.readText(file));
  if (!path) return null;
  const analysis = engine.analyzeDocument(estate.pac, pacText, settings, detection);
  const summary = summariseEstate(analysis.context, path);
  const name = (file: string): string => relative(project.dir, file) || file;
  return { contents: { kind: 'markdown', value: estateMarkdown(summary, { pac: name(estate.pac), egress: estate.egress.map(name) }) }, range: estate.range };
}
