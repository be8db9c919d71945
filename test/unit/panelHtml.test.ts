import * as assert from 'node:assert/strict';
import { contentSecurityPolicy, createNonce, renderPanelHtml } from '../../src/extension/panel/panelHtml';

const options = {
  cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
  nonce: 'n0nce-AbC_123',
  scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/panel.js',
  styleUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/panel.css',
};

function directives(csp: string): Map<string, string[]> {
  return new Map(csp.split(';').map((part) => part.trim().split(/\s+/)).map(([name, ...values]) => [name!, values]));
}

describe('panel HTML', () => {
  it('allows only scripts that carry the nonce, and nothing by default', () => {
    const csp = directives(contentSecurityPolicy(options));
    assert.deepEqual(csp.get('default-src'), ["'none'"]);
    assert.deepEqual(csp.get('script-src'), [`'nonce-${options.nonce}'`]);
    for (const [name, values] of csp) {
      assert.ok(!values.includes("'unsafe-inline'") && !values.includes("'unsafe-eval'"), `${name} must not allow inline or eval`);
      assert.ok(!values.includes('*') && !values.some((value) => /^https?:$/.test(value)), `${name} must not allow any host`);
    }
    for (const name of ['connect-src', 'object-src', 'frame-src', 'form-action', 'base-uri']) {
      assert.deepEqual(csp.get(name), ["'none'"], name);
    }
  });

  it('puts the CSP in the document and the nonce on its only script', () => {
    const html = renderPanelHtml(options);
    const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html);
    assert.ok(meta, 'CSP meta tag present');
    assert.equal(meta[1], contentSecurityPolicy(options));
    const scripts = html.match(/<script\b[^>]*>/g) ?? [];
    assert.deepEqual(scripts, [`<script nonce="${options.nonce}" src="${options.scriptUri}">`]);
  });

  it('has no inline script or event handler attributes', () => {
    const html = renderPanelHtml(options);
    assert.doesNotMatch(html, /\son[a-z]+\s*=/i);
    assert.doesNotMatch(html, /<script\b[^>]*>[^<]+<\/script>/);
  });

  it('escapes resource URIs so they cannot break out of their attribute', () => {
    const html = renderPanelHtml({ ...options, scriptUri: 'x" onload="alert(1)' });
    assert.match(html, /src="x&quot; onload=&quot;alert\(1\)"/);
    assert.doesNotMatch(html, /\sonload="/); // inside the value it is inert text
  });

  it('makes a fresh, unguessable nonce each time', () => {
    const nonces = new Set(Array.from({ length: 100 }, createNonce));
    assert.equal(nonces.size, 100);
    for (const nonce of nonces) assert.match(nonce, /^[A-Za-z0-9_-]{22}$/); // 16 random bytes, base64url
  });
});
