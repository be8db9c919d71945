// Drives the real VS Code workbench (code-server) in Chromium as a person would: Quick Open, the
// command palette, the editor's status bar and the panel's webview.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import type { Browser, FrameLocator, Page } from 'playwright-core';
import { CODE_SERVER, isolatedDirs, NODE24, startCodeServer, type CodeServer } from '../host/codeServer';
import { launchChromium } from '../support/chromium';
import { clearFixtureHistory, FIXTURE_WORKSPACE, notHistory } from '../support/fixtureHistory';

export const ROOT = path.resolve(__dirname, '../../..');
export const SCREENSHOTS = path.join(ROOT, 'test-output', 'e2e');
export const VSIX = process.env.PROMPT_LAB_VSIX ?? path.join(ROOT, 'out', 'prompt-lab.vsix');
/** The test model, set as a user would set it: the packaged extension must load node-llama-cpp from
 * its own node_modules. */
export const MODEL = path.resolve(ROOT, '../shared/models/stories260K.gguf');

/** The packaged extension in a fresh workbench on `fixture` (the e2e workspace by default), with
 * `settings` (the test model by default) in the user settings. */
export async function startPackaged(settings: Record<string, unknown> = { 'promptLab.local.modelPath': MODEL }, fixture = FIXTURE_WORKSPACE): Promise<Workbench> {
  assert.ok(existsSync(VSIX), `${VSIX} is missing: run 'npm run package' first`);
  return Workbench.start(VSIX, fixture, settings);
}

/** Registers in the calling suite: a screenshot of every failed test (named `<prefix>-<title>.png`),
 * and after the suite the workbench stopped, then `cleanup`. */
export function workbenchHooks(current: () => Workbench | undefined, prefix: string, cleanup?: () => Promise<unknown> | unknown): void {
  afterEach(async function () {
    const workbench = current();
    if (this.currentTest?.state === 'failed' && workbench) {
      console.log(`    screenshot: ${await workbench.screenshot(`${prefix}-${this.currentTest.title.replace(/\W+/g, '-')}.png`)}`);
    }
  });
  after(async () => {
    await current()?.stop();
    await cleanup?.();
  });
}

export class Workbench {
  private constructor(
    private readonly server: CodeServer,
    private readonly browser: Browser,
    readonly page: Page,
    readonly folder: string,
  ) {}

  /** Installs the packaged extension into a fresh code-server and opens `fixture` as the workspace,
   * with `settings` added to the user settings. */
  static async start(vsix: string, fixture: string, settings: Record<string, unknown> = {}): Promise<Workbench> {
    const dirs = isolatedDirs(settings);
    execFileSync(NODE24, [CODE_SERVER, ...dirs.args, '--install-extension', vsix], { env: dirs.env, stdio: 'pipe' });
    const folder = path.join(dirs.root, 'workspace');
    // A fresh history in every workbench: none copied from an earlier run (the integration layer
    // writes one into the fixture), and the fixture's own cleared.
    if (path.resolve(fixture) === FIXTURE_WORKSPACE) clearFixtureHistory();
    cpSync(fixture, folder, { recursive: true, filter: notHistory });
    const server = await startCodeServer([], dirs);
    let browser: Browser | undefined;
    try {
      browser = await launchChromium();
      const page = await browser.newPage({ viewport: { width: 1400, height: 850 } });
      // The workbench's page loads in 5–15 s on a quiet machine; on two shared cores under load it
      // took over 30 s (Playwright's default): wait as long as for the workbench itself.
      await page.goto(`${server.url}/?folder=${encodeURIComponent(folder)}`, { timeout: 120_000 });
      const workbench = new Workbench(server, browser, page, folder);
      await workbench.waitUntilLoaded();
      return workbench;
    } catch (error) {
      // No Workbench to stop in the suite's `after`: stop what was started here, or code-server
      // and its extension host outlive the test run.
      await browser?.close().catch(() => undefined);
      await server.stop();
      throw error;
    }
  }

  async waitUntilLoaded(): Promise<void> {
    await this.page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await this.page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });
  }

  /** Ctrl+P, the file name, Enter: the file opens in the active editor group and its editor has the
   * keyboard focus (so a command run next acts on it). If the file did not open (an Enter lost while
   * the workbench was busy), it is done again, as a user would. The editor is focused with the keyboard, never by clicking its text: a click on
   * `.view-lines` lands at the element's centre and can scroll the editor past its last line. */
  async quickOpen(fileName: string): Promise<void> {
    const tab = this.page.locator('.editor-group-container.active .tab.active', { hasText: fileName });
    const focused = this.page.locator('.editor-group-container.active .monaco-editor.focused');
    for (let attempt = 1; ; attempt++) {
      await this.pick('Control+P', fileName);
      const opened = await tab.waitFor({ timeout: 10_000 }).then(() => focused.waitFor({ timeout: 5_000 })).then(() => true, () => false);
      if (opened) return;
      if (attempt === 3) throw new Error(`Quick Open did not open ${fileName} with its editor focused (3 attempts)`);
      // Ctrl+P inside an open Quick Open would move its selection, not start again: close it first.
      if (await this.page.locator('.quick-input-widget').isVisible()) await this.page.keyboard.press('Escape');
    }
  }

  /** F1, the command's title, Enter. */
  runCommand(title: string): Promise<void> {
    return this.pick('F1', title);
  }

  /** Opens a quick input with `key`, types `text`, waits for a matching row and accepts it. */
  private async pick(key: string, text: string): Promise<void> {
    // A key pressed while the panel's webview has the focus goes to its frame, not the workbench:
    // take the focus back first, as a user clicking outside the panel would.
    if (await this.page.evaluate(() => document.activeElement?.tagName === 'IFRAME')) {
      await this.page.locator('.part.sidebar .composite.title').click();
    }
    await this.page.keyboard.press(key);
    await this.page.locator('.quick-input-widget input').waitFor();
    await this.page.keyboard.type(text);
    const row = this.page.locator('.quick-input-list .monaco-list-row', { hasText: text }).first();
    await row.waitFor();
    // Quick Open shows recently opened files at once and replaces its list when the file search
    // answers: an Enter in between is lost. Accept only once the list is no longer busy and the
    // first row is the same across two looks.
    await this.page.locator('.quick-input-widget .monaco-progress-container.active').waitFor({ state: 'hidden' });
    for (let before = ''; ;) {
      const now = await this.page.locator('.quick-input-list .monaco-list-row').first().innerText();
      if (now === before) break;
      before = now;
      await this.page.waitForTimeout(250);
    }
    await this.page.keyboard.press('Enter');
  }

  /** Answers an input box titled `title` (a quick input step): replaces its value with `value`
   * when given, else accepts the value it offers. */
  async answerInput(title: string, value?: string): Promise<void> {
    await this.page.locator('.quick-input-widget .quick-input-title', { hasText: title }).waitFor();
    if (value !== undefined) {
      await this.page.keyboard.press('Control+A');
      await this.page.keyboard.type(value);
    }
    await this.page.keyboard.press('Enter');
  }

  /** In a single-select quick pick titled `title`: types `label` to filter and accepts that row. */
  async pickOne(title: string, label: string): Promise<void> {
    await this.page.locator('.quick-input-widget .quick-input-title', { hasText: title }).waitFor();
    await this.page.keyboard.type(label);
    await this.page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first().waitFor();
    await this.page.keyboard.press('Enter');
  }

  /** In a multi-select quick pick titled `title`: sets exactly the rows labelled `labels` checked
   * (clicking their checkboxes, as a user would), then presses OK. */
  async pickMany(title: string, labels: string[]): Promise<void> {
    await this.page.locator('.quick-input-widget .quick-input-title', { hasText: title }).waitFor();
    const rows = this.page.locator('.quick-input-list .monaco-list-row');
    for (const row of await rows.all()) {
      const label = (await row.locator('.label-name').first().innerText()).trim();
      const checkbox = row.locator('.monaco-checkbox, input[type=checkbox]').first();
      const checked = (await row.getAttribute('aria-checked')) === 'true';
      if (checked !== labels.includes(label)) await checkbox.click();
    }
    await this.page.locator('.quick-input-widget .monaco-button', { hasText: 'OK' }).click();
  }

  languageMode(): Promise<string> {
    return this.page.locator('.statusbar-item[id="status.editor.mode"]').innerText();
  }

  /** The document inside the active webview (VS Code nests it: iframe.webview > iframe#active-frame). */
  webview(): FrameLocator {
    return this.page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
  }

  async screenshot(name: string): Promise<string> {
    mkdirSync(SCREENSHOTS, { recursive: true });
    const file = path.join(SCREENSHOTS, name);
    await this.page.screenshot({ path: file });
    return file;
  }

  async stop(): Promise<void> {
    await this.browser.close().catch(() => undefined);
    await this.server.stop();
  }
}
