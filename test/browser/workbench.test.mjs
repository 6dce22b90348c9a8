// The packaged extension in a real VS Code workbench: code-server serves the workbench on
// 127.0.0.1, Debian's Chromium (through playwright-core) drives it. Installs the .vsix into throwaway
// user-data and extensions folders, opens the examples, and checks what a user would see.
// Screenshots go to test-output/screenshots/; ENDPOINT_LENS_UPDATE_SCREENSHOTS=1 also copies them to
// images/screenshots/ for the README.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { ensureCodeServer } from '../../scripts/code-server.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const shots = join(root, 'test-output', 'screenshots');
const CHROMIUM = process.env.ENDPOINT_LENS_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const isMac = process.platform === 'darwin';
/** The screenshots the README and the walkthrough show. */
const README_SHOTS = ['output', 'problems', 'hover', 'quick-fix', 'exchange-hybrid-features', 'exchange-hybrid', 'endpoint-sets-pick', 'endpoint-sets', 'pac', 'pac-report', 'catalog-report', 'untrusted-pac', 'danish-settings', 'danish-problems'];

let work;
let browser;
let page;
let codeServerLog = '';

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitForHttp(url, ms) {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      const response = await fetch(url, { redirect: 'manual' });
      if (response.status < 500) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${ms} ms; code-server said:\n${codeServerLog}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function packageVsix() {
  const result = spawnSync(process.execPath, ['scripts/package.mjs'], { cwd: root, encoding: 'utf8' });
  assert.equal(result.status, 0, `npm run package failed:\n${result.stdout}\n${result.stderr}`);
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const vsix = join(root, `endpoint-lens-${version}.vsix`);
  assert.ok(existsSync(vsix), `${vsix} was not written`);
  return vsix;
}

async function shot(name) {
  mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: join(shots, `${name}.png`) });
}

/** Runs a command through the Command Palette by its title. */
async function runCommand(title) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`>${title}`);
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  await row.waitFor({ state: 'visible', timeout: 15_000 });
  await page.keyboard.press('Enter');
}

/**
 * Opens a workspace file from the Explorer and waits for its editor. (Quick Open would do, but a
 * focused webview such as a markdown preview keeps the keyboard to itself.)
 */
async function openFile(name) {
  const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: name }).first();
  await row.waitFor({ timeout: 15_000 });
  await row.click();
  await page.locator('.tabs-container .tab.active', { hasText: name }).waitFor({ timeout: 15_000 });
  await page.locator('.editor-group-container.active .monaco-editor .view-lines').first().waitFor();
  await page.locator('.editor-group-container.active .monaco-editor .view-lines').first().click();
}

/** The text of every webview frame (markdown previews render inside nested iframes). */
async function webviewText() {
  const texts = await Promise.all(page.frames().map((frame) => frame.evaluate(() => document.body?.innerText ?? '').catch(() => '')));
  return plain(texts.join('\n'));
}

/** Monaco renders spaces as no-break spaces; compare with ordinary ones. */
const plain = (text) => (text ?? '').replace(/\u00a0/g, ' ');

/** The visible lines of the active editor, top to bottom. */
async function editorText() {
  const lines = await page.evaluate(() =>
    [...document.querySelectorAll('.editor-group-container.active .monaco-editor .view-lines .view-line')]
      .map((l) => ({ top: parseFloat(l.style.top || '0'), text: l.textContent ?? '' }))
      .sort((a, b) => a.top - b.top)
      .map((l) => l.text),
  );
  return plain(lines.join('\n'));
}

/** The examples the lead ships, by dialect; missing ones are simply not used. */
function examples() {
  const dir = join(root, 'examples');
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}

let launcher;
let folder;
const servers = [];

/**
 * VS Code reports a display language only when a language pack for it is installed, and there is
 * no Danish one; this pack declares the locale and translates nothing, so the workbench stays in
 * English while extensions see vscode.env.language === 'da' and load their Danish strings.
 */
function installLanguagePack(locale, userData) {
  const dir = join(work, `language-pack-${locale}`);
  mkdirSync(join(dir, 'translations'), { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({
      name: `test-language-pack-${locale}`,
      publisher: 'endpoint-lens-test',
      version: '1.0.0',
      license: 'MIT',
      repository: { type: 'git', url: 'https://example.invalid/language-pack' },
      engines: { vscode: '^1.90.0' },
      categories: ['Language Packs'],
      contributes: { localizations: [{ languageId: locale, languageName: locale, localizedLanguageName: locale, translations: [{ id: 'vscode', path: './translations/main.i18n.json' }] }] },
    }),
  );
  writeFileSync(join(dir, 'translations', 'main.i18n.json'), JSON.stringify({ version: '1.0.0', contents: {} }));
  writeFileSync(join(dir, 'README.md'), `Declares the ${locale} display language for the browser test.\n`);
  writeFileSync(join(dir, 'LICENSE'), 'MIT\n');
  const vsix = join(work, `language-pack-${locale}.vsix`);
  const packed = spawnSync(process.execPath, [join(root, 'node_modules', '@vscode', 'vsce', 'vsce'), 'package', '--out', vsix], { cwd: dir, encoding: 'utf8' });
  assert.equal(packed.status, 0, `packing the ${locale} language pack failed:\n${packed.stdout}\n${packed.stderr}`);
  const installed = spawnSync(launcher, ['--config', join(work, 'config.yaml'), '--user-data-dir', userData, '--extensions-dir', join(work, 'extensions'), '--install-extension', vsix], { encoding: 'utf8' });
  assert.equal(installed.status, 0, `installing the ${locale} language pack failed:\n${installed.stdout}\n${installed.stderr}`);
  // The server records language packs in languagepacks.json only when its own UI installs one; the
  // command-line install above does not, so the record is written here in the server's format.
  const id = `endpoint-lens-test.test-language-pack-${locale}`;
  const translations = join(work, 'extensions', `${id}-1.0.0`, 'translations', 'main.i18n.json');
  assert.ok(existsSync(translations), translations);
  writeFileSync(
    join(userData, 'languagepacks.json'),
    JSON.stringify({ [locale]: { hash: `endpointlenstest${locale}`, extensions: [{ extensionIdentifier: { id }, version: '1.0.0' }], translations: { vscode: translations }, label: locale } }),
  );
}

/** A code-server of its own (fresh user data, the shared extensions folder) in a new browser page. */
async function startWorkbench(locale, { trusted = true } = {}) {
  const userData = join(work, `user-data-${locale}${trusted ? '' : '-untrusted'}`);
  mkdirSync(join(userData, 'User'), { recursive: true });
  writeFileSync(
    join(userData, 'User', 'settings.json'),
    JSON.stringify({
      'workbench.startupEditor': 'none',
      'workbench.tips.enabled': false,
      'workbench.enableExperiments': false,
      'security.workspace.trust.enabled': !trusted,
      'security.workspace.trust.startupPrompt': 'never',
      'security.workspace.trust.untrustedFiles': 'open',
      'telemetry.telemetryLevel': 'off',
      'update.mode': 'none',
      'extensions.autoCheckUpdates': false,
      'extensions.ignoreRecommendations': true,
      'editor.hover.delay': 200,
      'endpointLens.catalog.autoUpdate': false,
      // Port 9 (discard) has no listener here: an explicit update must fail and keep the shipped catalogue.
      'endpointLens.catalog.url': 'http://127.0.0.1:9',
      'git.enabled': false,
    }),
  );
  if (locale !== 'en') installLanguagePack(locale, userData);
  const port = await freePort();
  const server = spawn(
    launcher,
    ['--config', join(work, 'config.yaml'), '--user-data-dir', userData, '--extensions-dir', join(work, 'extensions'), '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check', ...(trusted ? ['--disable-workspace-trust'] : []), '--locale', locale, folder],
    { detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  servers.push(server);
  const collect = (chunk) => {
    codeServerLog = (codeServerLog + chunk.toString()).slice(-20_000);
  };
  server.stdout.on('data', collect);
  server.stderr.on('data', collect);
  await waitForHttp(`http://127.0.0.1:${port}/healthz`, 30_000);
  const opened = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await opened.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(folder)}`);
  await opened.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  // The explorer appears once the folder is open; before that Quick Open has nothing to find.
  await opened.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });
  return opened;
}

before(async () => {
  launcher = ensureCodeServer();
  const vsix = packageVsix();
  work = mkdtempSync(join(tmpdir(), 'endpoint-lens-browser-'));
  const extensions = join(work, 'extensions');
  folder = join(work, 'workspace');
  mkdirSync(folder, { recursive: true });
  if (existsSync(join(root, 'examples'))) cpSync(join(root, 'examples'), folder, { recursive: true });
  // A file of our own so activation is checked whatever examples exist.
  writeFileSync(join(folder, 'activation.rules.v4'), '*filter\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A OUTPUT -d 52.96.0.0/14 -p tcp --dport 443 -j ACCEPT\nCOMMIT\n');
  writeFileSync(join(work, 'config.yaml'), 'bind-addr: 127.0.0.1:0\nauth: none\ncert: false\n');

  const install = spawnSync(launcher, ['--config', join(work, 'config.yaml'), '--user-data-dir', join(work, 'user-data-install'), '--extensions-dir', extensions, '--install-extension', vsix], { encoding: 'utf8' });
  assert.equal(install.status, 0, `installing the .vsix failed:\n${install.stdout}\n${install.stderr}`);
  assert.ok(readdirSync(extensions).some((d) => d.startsWith('endpoint-lens.endpoint-lens-')), `not installed: ${readdirSync(extensions).join(', ')}`);

  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
  page = await startWorkbench('en');
});

// Each test's end state, named after the test, for reading a failure.
afterEach(async (t) => {
  if (!page) return;
  mkdirSync(join(shots, 'steps'), { recursive: true });
  const name = (t?.name ?? 'step').replace(/[^A-Za-z0-9]+/g, '-').slice(0, 60);
  await page.screenshot({ path: join(shots, 'steps', `${name}.png`) }).catch(() => undefined);
});

after(async () => {
  // The last state of the workbench, which explains a failure better than any message.
  if (page) await page.screenshot({ path: join(shots, 'last.png') }).catch(() => undefined);
  await browser?.close();
  for (const server of servers) {
    if (server.pid === undefined) continue;
    try {
      process.kill(-server.pid, 'SIGTERM');
    } catch {
      // Already gone.
    }
  }
  if (work) rmSync(work, { recursive: true, force: true });
  if (process.env.ENDPOINT_LENS_UPDATE_SCREENSHOTS === '1' && existsSync(shots)) {
    const target = join(root, 'images', 'screenshots');
    mkdirSync(target, { recursive: true });
    for (const name of README_SHOTS) if (existsSync(join(shots, `${name}.png`))) copyFileSync(join(shots, `${name}.png`), join(target, `${name}.png`));
  }
});

test('the packaged extension activates and its output channel says so', { timeout: 120_000 }, async () => {
  await openFile('activation.rules.v4');
  // The language comes from the manifest: the status bar names it.
  await page.locator('.statusbar-item', { hasText: 'iptables' }).first().waitFor({ timeout: 30_000 });
  await runCommand('Endpoint Lens: Show output');
  const output = page.locator('.part.panel .monaco-editor .view-lines');
  await output.first().waitFor({ timeout: 30_000 });
  await page.waitForFunction(
    () => [...document.querySelectorAll('.part.panel .monaco-editor .view-lines')].some((e) => /Endpoint\sLens\s.*\sstarting/.test(e.textContent ?? '')),
    undefined,
    { timeout: 60_000 },
  );
  assert.match(plain(await output.first().textContent()), /Language server started/);
  await shot('output');
});

test('the status bar names the catalogue in use and the problems in the file', { timeout: 60_000 }, async () => {
  const item = page.locator('.statusbar-item[id$="endpointLens.status"]');
  await item.waitFor({ state: 'visible', timeout: 30_000 });
  await page.waitForFunction(() => /Worldwide\s+\d{10}/.test(document.querySelector('.statusbar-item[id$="endpointLens.status"]')?.textContent ?? ''), undefined, { timeout: 30_000 });
});

/** Moves the cursor with Go to Line/Column ("18:64"). */
async function goTo(lineColumn) {
  await page.keyboard.press('Control+G');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`:${lineColumn}`);
  await page.keyboard.press('Enter');
  await input.waitFor({ state: 'hidden' });
}

/** The rendered span of the editor that shows exactly `text` (grammar tokens are their own spans). */
function tokenSpan(text) {
  return page.locator('.editor-group-container.active .monaco-editor .view-lines .view-line span span', { hasText: new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`) }).first();
}

test('the Problems panel shows the findings of an example', { timeout: 90_000, skip: !examples().includes('egress.rules.v4') && 'examples/egress.rules.v4 is missing' }, async () => {
  await openFile('egress.rules.v4');
  await runCommand('Problems: Focus on Problems View');
  const rows = page.locator('.markers-panel .monaco-list-row');
  await rows.filter({ hasText: 'blocked-required' }).first().waitFor({ timeout: 60_000 });
  const required = plain(await rows.filter({ hasText: 'blocked-required' }).first().textContent());
  assert.match(required, /Required Microsoft 365 endpoint set \d+/);
  await shot('problems');
});

test('hovering an address shows its catalogue row', { timeout: 60_000, skip: !examples().includes('egress.rules.v4') && 'examples/egress.rules.v4 is missing' }, async () => {
  await page.locator('.editor-group-container.active .monaco-editor .view-lines').first().click();
  const address = tokenSpan('52.96.0.0');
  await address.waitFor({ timeout: 10_000 });
  await address.hover();
  const hover = page.locator('.monaco-hover:not(.hidden) .monaco-hover-content, .monaco-hover:not(.hidden) .hover-contents').first();
  await hover.waitFor({ state: 'visible', timeout: 20_000 });
  await page.waitForFunction(() => /Exchange Online/.test(document.querySelector('.monaco-hover:not(.hidden)')?.textContent ?? ''), undefined, { timeout: 20_000 });
  const text = plain(await page.locator('.monaco-hover:not(.hidden)').first().textContent());
  assert.match(text, /\b1\b/, `the hover names set 1: ${text}`);
  await shot('hover');
  await page.keyboard.press('Escape');
});

test('a quick fix normalises a CIDR with host bits set', { timeout: 60_000, skip: !examples().includes('egress.rules.v4') && 'examples/egress.rules.v4 is missing' }, async () => {
  const before = await readEditorLine('40.108.130.0/17');
  assert.ok(before, 'the example still has 40.108.130.0/17');
  await goTo('18:64');
  await page.keyboard.press('Control+.');
  const fix = page.locator('.action-widget .monaco-list-row', { hasText: 'Change to 40.108.128.0/17' }).first();
  await fix.waitFor({ state: 'visible', timeout: 20_000 });
  await shot('quick-fix');
  // The preferred fix is the first row and has focus.
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => [...document.querySelectorAll('.editor-group-container.active .view-line')].some((l) => (l.textContent ?? '').includes('40.108.128.0/17')), undefined, { timeout: 20_000 });
  assert.ok(!(await editorText()).includes('40.108.130.0/17'), 'the old text is gone');
});

/** Scrolls the active editor to the first occurrence of `text` with the Find widget. */
async function reveal(text) {
  await page.locator('.editor-group-container.active .monaco-editor .view-lines').first().click();
  await page.keyboard.press('Control+F');
  const find = page.locator('.editor-group-container.active .find-widget textarea, .editor-group-container.active .find-widget input').first();
  await find.waitFor({ state: 'visible' });
  // Typing already moves to the first match; Enter would go on to the next.
  await find.fill(text);
  await page.keyboard.press('Escape');
}

async function readEditorLine(needle) {
  return (await editorText()).split('\n').find((l) => l.includes(needle));
}

test('"Insert Exchange hybrid rules" writes a managed block into the nginx example', { timeout: 90_000, skip: !examples().includes('exchange-hybrid.nginx.conf') && 'examples/exchange-hybrid.nginx.conf is missing' }, async () => {
  await openFile('exchange-hybrid.nginx.conf');
  await page.locator('.editor-group-container.active .monaco-editor .view-lines').first().click();
  await runCommand('Endpoint Lens: Insert Exchange hybrid rules');
  // Features: every one is picked the first time; accept them.
  const features = page.locator('.quick-input-widget', { hasText: 'Mailbox migration' });
  await features.waitFor({ state: 'visible', timeout: 15_000 });
  await shot('exchange-hybrid-features');
  await page.keyboard.press('Enter');
  const servers = page.locator('.quick-input-widget', { hasText: 'on-premises Exchange servers' });
  await servers.waitFor({ state: 'visible', timeout: 15_000 });
  await page.keyboard.type('10.10.5.300');
  await page.locator('.quick-input-widget .quick-input-message', { hasText: 'is not an IPv4 or IPv6 address' }).waitFor({ timeout: 10_000 });
  await page.keyboard.press('Backspace');
  await page.keyboard.press('Backspace');
  await page.keyboard.press('Backspace');
  await page.keyboard.type('25');
  await page.keyboard.press('Enter');
  // The server applies the edit; its message says where the block went.
  await page.locator('.notifications-toasts .notification-toast', { hasText: /managed block/i }).first().waitFor({ timeout: 30_000 });
  await reveal('BEGIN endpoint-lens exchange-hybrid');
  await page.waitForFunction(() => [...document.querySelectorAll('.editor-group-container.active .view-line')].some((l) => /BEGIN endpoint-lens exchange-hybrid/.test((l.textContent ?? '').replace(/\u00a0/g, ' '))), undefined, { timeout: 30_000 });
  const text = await editorText();
  assert.match(text, /BEGIN endpoint-lens exchange-hybrid/);
  await shot('exchange-hybrid');
});

test('"Insert rules for endpoint sets…" picks a set from the catalogue and writes it into the nftables example', { timeout: 90_000, skip: !examples().includes('m365.nft') && 'examples/m365.nft is missing' }, async () => {
  await openFile('m365.nft');
  await runCommand('Endpoint Lens: Insert rules for endpoint sets');
  const input = page.locator('.quick-input-widget input');
  await page.locator('.quick-input-widget', { hasText: 'Worldwide catalogue' }).waitFor({ state: 'visible', timeout: 15_000 });
  await input.fill('Set 11:');
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: 'Set 11:' }).first();
  await row.waitFor({ timeout: 10_000 });
  await row.locator('.quick-input-list-checkbox, input[type=checkbox], .monaco-checkbox').first().click();
  await shot('endpoint-sets-pick');
  await page.keyboard.press('Enter');
  await page.locator('.notifications-toasts .notification-toast', { hasText: /managed block/i }).first().waitFor({ timeout: 30_000 });
  await reveal('BEGIN endpoint-lens sets-11');
  await page.waitForFunction(() => [...document.querySelectorAll('.editor-group-container.active .view-line')].some((l) => /BEGIN endpoint-lens sets-11/.test((l.textContent ?? '').replace(/\u00a0/g, ' '))), undefined, { timeout: 30_000 });
  await shot('endpoint-sets');
});

test('"Test this PAC file against the catalogue" opens a report beside the PAC file', { timeout: 90_000, skip: !examples().includes('proxy.pac') && 'examples/proxy.pac is missing' }, async () => {
  await openFile('proxy.pac');
  await shot('pac');
  await runCommand('Endpoint Lens: Test this PAC file against the catalogue');
  // The report is a markdown preview, which VS Code names "Preview <document>".
  await page.locator('.tabs-container .tab', { hasText: /^Preview PAC test proxy\.pac/ }).first().waitFor({ timeout: 60_000 });
  const deadline = Date.now() + 30_000;
  let text = await webviewText();
  while (!/DIRECT|PROXY/.test(text) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 500));
    text = await webviewText();
  }
  assert.doesNotMatch(text, /not available/);
  assert.match(text, /DIRECT/);
  await shot('pac-report');
});

test('"Show catalogue version and changes" opens the change report', { timeout: 60_000 }, async () => {
  await openFile('activation.rules.v4');
  await runCommand('Endpoint Lens: Show catalogue version and changes');
  // The report's title names the catalogue in use; the preview tab carries it.
  await page.locator('.tabs-container .tab', { hasText: /^Preview Catalogue Worldwide \d{10}/ }).first().waitFor({ timeout: 30_000 });
  const deadline = Date.now() + 30_000;
  let text = await webviewText();
  while (!/Catalogue changes for Worldwide since version \d{10}/.test(text) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 500));
    text = await webviewText();
  }
  assert.match(text, /Catalogue changes for Worldwide since version \d{10}/);
  await shot('catalog-report');
});

test('"Update catalogue now" against an unreachable service says so once and keeps the catalogue', { timeout: 60_000 }, async () => {
  await openFile('activation.rules.v4');
  await runCommand('Endpoint Lens: Update catalogue now');
  const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'catalogue update for Worldwide failed' });
  await toast.first().waitFor({ timeout: 45_000 });
  assert.match(plain(await toast.first().textContent()), /stays at version \d{10}/);
  assert.equal(await toast.count(), 1);
  await page.waitForFunction(() => /Worldwide\s+\d{10}/.test(document.querySelector('.statusbar-item[id$="endpointLens.status"]')?.textContent ?? ''), undefined, { timeout: 10_000 });
  await shot('update-failed');
});

test('in an untrusted workspace the user is told once why PAC files are not run', { timeout: 120_000, skip: !examples().includes('proxy.pac') && 'examples/proxy.pac is missing' }, async () => {
  page = await startWorkbench('en', { trusted: false });
  await openFile('proxy.pac');
  const notice = page.locator('.notifications-toasts .notification-toast', { hasText: 'does not run PAC files' });
  await notice.first().waitFor({ timeout: 60_000 });
  assert.equal(await notice.count(), 1);
  await shot('untrusted-pac');
  // The addresses are still checked: the Problems panel fills without running the file.
  await runCommand('Problems: Focus on Problems View');
  await page.locator('.markers-panel .monaco-list-row').first().waitFor({ timeout: 60_000 });
});

test('with --locale da the commands, the output and the problems are in Danish', { timeout: 180_000 }, async () => {
  page = await startWorkbench('da');
  await openFile('activation.rules.v4');
  // Manifest strings come from package.nls.da.json.
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill('>Endpoint Lens: Indsæt regler for Exchange hybrid');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Indsæt regler for Exchange hybrid' }).first().waitFor({ timeout: 15_000 });
  await shot('danish-commands');
  await page.keyboard.press('Escape');
  // Client messages come from the l10n bundle through vscode.l10n.
  await runCommand('Endpoint Lens: Vis output');
  await page.waitForFunction(() => [...document.querySelectorAll('.part.panel .monaco-editor .view-lines')].some((e) => /Endpoint\sLens\s.*\sstarter\s/.test(e.textContent ?? '')), undefined, { timeout: 60_000 });
  // The Settings UI shows the Danish descriptions from package.nls.da.json.
  await runCommand('Preferences: Open Settings (UI)');
  const search = page.locator('.settings-editor .settings-header .monaco-editor textarea, .settings-editor .search-container textarea').first();
  await search.waitFor({ state: 'visible', timeout: 30_000 });
  await search.fill('endpointLens.instance');
  await page.locator('.settings-editor .setting-item-description', { hasText: 'Hvilken Microsoft 365-sky' }).first().waitFor({ timeout: 30_000 });
  await shot('danish-settings');
  // Server messages come from the same bundle, handed over in initializationOptions.
  if (examples().includes('egress.rules.v4')) {
    await openFile('egress.rules.v4');
    await runCommand('Problems: Focus on Problems View');
    const row = page.locator('.markers-panel .monaco-list-row', { hasText: 'blocked-required' }).first();
    await row.waitFor({ timeout: 60_000 });
    assert.match(plain(await row.textContent()), /Påkrævet Microsoft 365 .* er blokeret/);
    await shot('danish-problems');
  }
});
