import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as ts from 'typescript';

const ROOT = join(__dirname, '..', '..', '..');

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) sources(full, out);
    else if (name.endsWith('.ts')) out.push(full);
  }
  return out;
}

/** Every literal message given to t() (server) or l10n.t() (client), found with the TypeScript parser. */
function messages(): Array<{ file: string; line: number; text: string }> {
  const found: Array<{ file: string; line: number; text: string }> = [];
  for (const file of [...sources(join(ROOT, 'server', 'src')), ...sources(join(ROOT, 'client', 'src'))]) {
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node)) {
        const callee = node.expression;
        const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.name) ? `${callee.expression.getText(source)}.${callee.name.text}` : '';
        if (name === 't' || name === 'l10n.t' || name === 'vscode.l10n.t') {
          const first = node.arguments[0];
          if (first && (ts.isStringLiteral(first) || ts.isNoSubstitutionTemplateLiteral(first))) {
            found.push({ file: relative(ROOT, file), line: source.getLineAndCharacterOfPosition(first.getStart()).line + 1, text: first.text });
          }
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}

function danish(): Record<string, string> {
  const merged: Record<string, string> = {};
  const dir = join(ROOT, 'l10n', 'src', 'da');
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.json'))) Object.assign(merged, JSON.parse(readFileSync(join(dir, name), 'utf8')) as Record<string, string>);
  return merged;
}

test('every user-visible message has a Danish translation', () => {
  const bundle = danish();
  const missing = messages().filter((m) => !(m.text in bundle));
  assert.deepEqual(
    missing.map((m) => `${m.file}:${m.line} ${m.text}`),
    [],
    'add these to a file under l10n/src/da/',
  );
});

test('Danish translations keep every placeholder of the English message', () => {
  const bundle = danish();
  const bad: string[] = [];
  for (const [english, translated] of Object.entries(bundle)) {
    const placeholders = (s: string): string[] => (s.match(/\{\d+\}/g) ?? []).sort();
    if (placeholders(english).join() !== placeholders(translated).join()) bad.push(`${english} → ${translated}`);
  }
  assert.deepEqual(bad, []);
});

test('the manifest has a Danish string for every English one', () => {
  const english = JSON.parse(readFileSync(join(ROOT, 'package.nls.json'), 'utf8')) as Record<string, string>;
  const da = JSON.parse(readFileSync(join(ROOT, 'package.nls.da.json'), 'utf8')) as Record<string, string>;
  assert.deepEqual(Object.keys(english).filter((k) => !(k in da)), []);
});
