// The packaged extension in a real VS Code workbench: code-server serves the workbench on
// 127.0.0.1, Debian's Chromium (through playwright-core) drives it. Installs the .vsix into throwaway
// user-data and extensions folders, opens the examples, and checks what a user would see.
// Screenshots go to test-output/screenshots/; ENDPOINT_LENS_UPDATE_SCREENSHOTS=1 also copies them to
// images/screenshots/ for the README.
import { test, before, after } from 'node:test';
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

let work;
let codeServer;
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

/** Opens a workspace file through Quick Open and waits for its editor tab. */
async function openFile(name) {
  await page.keyboard.press(isMac ? 'Meta+P' : 'Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(name);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor({ timeout: 15_000 });
  await page.keyboard.press('Enter');
  await page.locator('.tabs-container .tab.active', { hasText: name }).waitFor({ timeout: 15_000 });
  await page.locator('.editor-instance .monaco-editor .view-lines').first().waitFor();
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

before(async () => {
  const launcher = ensureCodeServer();
  const vsix = packageVsix();
  work = mkdtempSync(join(tmpdir(), 'endpoint-lens-browser-'));
  const userData = join(work, 'user-data');
  const extensions = join(work, 'extensions');
  const folder = join(work, 'workspace');
  mkdirSync(join(userData, 'User'), { recursive: true });
  mkdirSync(folder, { recursive: true });
  writeFileSync(
    join(userData, 'User', 'settings.json'),
    JSON.stringify({
      'workbench.startupEditor': 'none',
      'workbench.tips.enabled': false,
      'workbench.enableExperiments': false,
      'security.workspace.trust.enabled': false,
      'telemetry.telemetryLevel': 'off',
      'update.mode': 'none',
      'extensions.autoCheckUpdates': false,
      'extensions.ignoreRecommendations': true,
      'editor.hover.delay': 200,
      'endpointLens.catalog.autoUpdate': false,
      'git.enabled': false,
    }),
  );
  if (existsSync(join(root, 'examples'))) cpSync(join(root, 'examples'), folder, { recursive: true });
  // A file of our own so activation is checked whatever examples exist.
  writeFileSync(join(folder, 'activation.rules.v4'), '*filter\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A OUTPUT -d 52.96.0.0/14 -p tcp --dport 443 -j ACCEPT\nCOMMIT\n');
  writeFileSync(join(work, 'config.yaml'), 'bind-addr: 127.0.0.1:0\nauth: none\ncert: false\n');

  const common = ['--config', join(work, 'config.yaml'), '--user-data-dir', userData, '--extensions-dir', extensions];
  const install = spawnSync(launcher, [...common, '--install-extension', vsix], { encoding: 'utf8' });
  assert.equal(install.status, 0, `installing the .vsix failed:\n${install.stdout}\n${install.stderr}`);
  assert.ok(readdirSync(extensions).some((d) => d.startsWith('endpoint-lens.endpoint-lens-')), `not installed: ${readdirSync(extensions).join(', ')}`);

  const port = await freePort();
  codeServer = spawn(launcher, [...common, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--locale', 'en', folder], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const collect = (chunk) => {
    codeServerLog = (codeServerLog + chunk.toString()).slice(-20_000);
  };
  codeServer.stdout.on('data', collect);
  codeServer.stderr.on('data', collect);
  await waitForHttp(`http://127.0.0.1:${port}/healthz`, 30_000);

  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(folder)}`);
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  // The explorer appears once the folder is open; before that Quick Open has nothing to find.
  await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });
});

after(async () => {
  // The last state of the workbench, which explains a failure better than any message.
  if (page) await page.screenshot({ path: join(shots, 'last.png') }).catch(() => undefined);
  await browser?.close();
  if (codeServer?.pid !== undefined) {
    try {
      process.kill(-codeServer.pid, 'SIGTERM');
    } catch {
      // Already gone.
    }
  }
  if (work) rmSync(work, { recursive: true, force: true });
  if (process.env.ENDPOINT_LENS_UPDATE_SCREENSHOTS === '1' && existsSync(shots)) {
    const target = join(root, 'images', 'screenshots');
    mkdirSync(target, { recursive: true });
    for (const name of readdirSync(shots)) copyFileSync(join(shots, name), join(target, name));
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
