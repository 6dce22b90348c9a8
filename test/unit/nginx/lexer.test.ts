import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lex } from '../../../server/src/dialects/nginx/lexer';

function words(text: string): string[] {
  return lex(text).tokens.map((t) => (t.kind === 'word' ? t.value : t.kind === 'comment' ? `#${t.value}` : t.kind === 'raw-block' ? '<raw>' : t.value));
}

test('tokens carry exact offsets', () => {
  const text = 'allow 10.0.0.0/8; # office\n  deny all;';
  const tokens = lex(text).tokens;
  assert.deepEqual(
    tokens.map((t) => [t.kind, t.start, t.end, text.slice(t.start, t.end)]),
    [
      ['word', 0, 5, 'allow'],
      ['word', 6, 16, '10.0.0.0/8'],
      ['semicolon', 16, 17, ';'],
      ['comment', 18, 26, '# office'],
      ['word', 29, 33, 'deny'],
      ['word', 34, 37, 'all'],
      ['semicolon', 37, 38, ';'],
    ],
  );
  assert.equal(tokens[3]!.value, ' office');
});

test('nginx word rules: } and # inside words, ${var}, { and ; end words', () => {
  assert.deepEqual(words('return 200 ok};'), ['return', '200', 'ok}', ';']);
  assert.deepEqual(words('set $a b#c;'), ['set', '$a', 'b#c', ';']);
  assert.deepEqual(words('add_header X "${host}-x" ${scheme}://${host};'), ['add_header', 'X', '${host}-x', '${scheme}://${host}', ';']);
  assert.deepEqual(words('location /a{allow 1.2.3.4;}'), ['location', '/a', '{', 'allow', '1.2.3.4', ';', '}']);
  assert.deepEqual(words('location ~ ^/a{2}$ {'), ['location', '~', '^/a', '{', '2}$', '{']);
  assert.deepEqual(words('location ~ "^/a{2}$" {'), ['location', '~', '^/a{2}$', '{']);
});

test('quotes and escapes', () => {
  const [a, b, c] = lex(`"a\\"b" 'it\\'s' "x\\ty\\q"`).tokens;
  assert.deepEqual([a!.value, a!.quoted, a!.escaped, a!.contentStart, a!.contentEnd], ['a"b', true, true, 1, 5]);
  assert.equal(b!.value, "it's");
  assert.equal(c!.value, 'x\ty\\q');
  // An escaped space joins the word, and nginx keeps the backslash (only quotes, \\, \t, \r, \n are unescaped).
  assert.deepEqual(words('a\\ b c;'), ['a\\ b', 'c', ';']);
  const multi = lex('log_format x "line one\n  line two";').tokens;
  assert.equal(multi[2]!.value, 'line one\n  line two');
});

test('a quote must be followed by a separator', () => {
  const r = lex('server_name "a"b;');
  assert.deepEqual(r.problems, [{ code: 'unexpected-after-quote', start: 15, end: 16, detail: 'b' }]);
  assert.deepEqual(lex('if ($host = "x") { }').problems, []);
});

test('an unterminated quote is reported and ends at its line', () => {
  const r = lex('server_name "mail.contoso.com;\nlisten 443;\n');
  assert.deepEqual(r.problems, [{ code: 'unterminated-quote', start: 12, end: 30 }]);
  assert.deepEqual(words('server_name "mail.contoso.com;\nlisten 443;\n'), ['server_name', 'mail.contoso.com;', 'listen', '443', ';']);
  assert.equal(r.tokens[1]!.unterminated, true);
});

test('Lua blocks are one raw token, braces in Lua strings and comments included', () => {
  const text = 'content_by_lua_block {\n  local t = {}\n  -- }\n  ngx.say("}")\n}\nreturn 200;';
  assert.deepEqual(words(text), ['content_by_lua_block', '<raw>', 'return', '200', ';']);
  const raw = lex(text).tokens[1]!;
  assert.equal(text.slice(raw.start, raw.end).endsWith('")\n}'), true);
  assert.deepEqual(lex('access_by_lua_block { if x then').problems.map((p) => p.code), ['unterminated-raw-block']);
});
