// Serves the panel exactly as the extension does (same HTML, same CSP, the built bundle) from a
// local HTTP server, and stands in for VS Code's side of the webview: `acquireVsCodeApi` records
// what the panel posts and saves, and `window.postMessage` delivers what the host would send.
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import * as assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { createNonce, renderPanelHtml } from '../../src/extension/panel/panelHtml';
import type { HostMessage, PanelState, WebviewMessage } from '../../src/shared/protocol';
import { launchChromium } from '../support/chromium';

const distWebview = path.resolve(__dirname, '../../../dist/webview');
const types: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css' };

export async function startPanelServer(): Promise<{ origin: string; close(): Promise<void> }> {
  const server: Server = createServer(async (request, response) => {
    const origin = `http://${request.headers.host}`;
    const url = new URL(request.url ?? '/', origin);
    if (url.pathname === '/') {
      const html = renderPanelHtml({ cspSource: origin, nonce: createNonce(), scriptUri: `${origin}/panel.js`, styleUri: `${origin}/panel.css` });
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
      return;
    }
    if (url.pathname === '/favicon.ico') {
      response.writeHead(204).end(); // Chromium asks for it; a webview never does
      return;
    }
    const file = path.join(distWebview, path.basename(url.pathname));
    try {
      const body = await readFile(file);
      response.writeHead(200, { 'content-type': types[path.extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

interface Recorded { posted: WebviewMessage[]; states: PanelState[]; cspViolations: string[] }

/** A panel page with a fake VS Code on the other side of its messages. */
export class FakeHostPage {
  readonly errors: string[] = [];

  private constructor(readonly page: Page) {
    page.on('pageerror', (error) => this.errors.push(error.message));
    page.on('console', (message) => { if (message.type() === 'error') this.errors.push(message.text()); });
  }

  static async open(browser: Browser, origin: string, savedState?: PanelState): Promise<FakeHostPage> {
    const page = await browser.newPage({ viewport: { width: 700, height: 600 } });
    await page.addInitScript((state) => {
      const recorded = { posted: [] as unknown[], states: [] as unknown[], cspViolations: [] as string[] };
      let current: unknown = state ?? undefined;
      (window as unknown as { __recorded: unknown }).__recorded = recorded;
      document.addEventListener('securitypolicyviolation', (event) => {
        recorded.cspViolations.push(`${event.violatedDirective}: ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}:${event.columnNumber} ${(event.target as Element)?.nodeName}`);
      });
      let acquired = false;
      (window as unknown as { acquireVsCodeApi: unknown }).acquireVsCodeApi = () => {
        if (acquired) throw new Error('acquireVsCodeApi called twice'); // as in VS Code
        acquired = true;
        return {
          // structuredClone: VS Code serializes messages and state, so no live references leak through.
          postMessage: (message: unknown) => { recorded.posted.push(structuredClone(message)); },
          getState: () => structuredClone(current),
          setState: (next: unknown) => { current = structuredClone(next); recorded.states.push(current); },
        };
      };
    }, savedState ?? null);
    const fake = new FakeHostPage(page);
    await page.goto(origin);
    return fake;
  }

  recorded(): Promise<Recorded> {
    return this.page.evaluate(() => (window as unknown as { __recorded: Recorded }).__recorded);
  }

  /** Waits until the panel has posted `webview/ready`, as the real host does before it posts. */
  async ready(): Promise<void> {
    await this.page.waitForFunction(() =>
      (window as unknown as { __recorded: Recorded }).__recorded.posted.some((m) => m.type === 'webview/ready'));
  }

  send(message: HostMessage | unknown): Promise<void> {
    return this.page.evaluate((m) => window.postMessage(m, '*'), message);
  }

  /** Resolves once the panel has handled every message sent before: a window's messages to itself
   * arrive in order, and the marker is not a host message, so the panel ignores it. */
  flush(): Promise<void> {
    return this.page.evaluate(() => new Promise<void>((resolve) => {
      const marker = `flush-${Math.random()}`;
      window.addEventListener('message', function onMessage(event) {
        if (event.data !== marker) return;
        window.removeEventListener('message', onMessage);
        resolve();
      });
      window.postMessage(marker, '*');
    }));
  }

  text(selector: string): Promise<string> {
    return this.page.locator(selector).innerText();
  }

  close(): Promise<void> {
    return this.page.close();
  }
}

/**
 * Mocha hooks for a suite of panel pages: one Chromium and one server for the suite, and every
 * test's pages checked when it ends: no script errors, no CSP violations. `open` opens a page of the test.
 */
export function panelPages(): { open(savedState?: PanelState): Promise<FakeHostPage> } {
  let browser: Browser;
  let server: Awaited<ReturnType<typeof startPanelServer>>;
  /** Every page the current test opened (a reload test opens two). */
  let opened: FakeHostPage[] = [];
  before(async () => {
    [browser, server] = await Promise.all([launchChromium(), startPanelServer()]);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });
  afterEach(async function () {
    const pages = opened;
    opened = [];
    for (const current of pages) {
      const { cspViolations } = await current.recorded();
      await current.close();
      if (this.currentTest?.state === 'passed') {
        assert.deepEqual(cspViolations, [], 'CSP violations');
        assert.deepEqual(current.errors, [], 'page errors');
      }
    }
  });
  return {
    open: async (savedState) => {
      const page = await FakeHostPage.open(browser, server.origin, savedState);
      opened.push(page);
      return page;
    },
  };
}
