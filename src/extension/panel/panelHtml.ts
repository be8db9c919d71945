// The panel's HTML document. Pure (no `vscode` import) so unit tests and the Chromium webview tests
// load exactly the document the extension serves.
import { randomBytes } from 'node:crypto';

export interface PanelHtmlOptions {
  /** `webview.cspSource`: the origin local resources are served from. */
  cspSource: string;
  /** A fresh nonce per document: the only scripts that run are those carrying it. */
  nonce: string;
  /** `asWebviewUri` of the bundled script and stylesheet. */
  scriptUri: string;
  styleUri: string;
}

/** 128 bits from the OS's CSPRNG, base64url: unguessable, and safe inside an attribute. */
export function createNonce(): string {
  return randomBytes(16).toString('base64url');
}

/**
 * Model output and file text reach the page only through `textContent`, never as markup; the CSP is
 * the second wall: no inline script or handler, nothing loaded from outside the extension, no
 * plugins, no framing, no form posts.
 */
export function contentSecurityPolicy({ cspSource, nonce }: Pick<PanelHtmlOptions, 'cspSource' | 'nonce'>): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data:`,
    "connect-src 'none'",
    "object-src 'none'",
    "frame-src 'none'",
    "form-action 'none'",
    "base-uri 'none'",
  ].join('; ');
}

const escapeAttribute = (value: string): string =>
  value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function renderPanelHtml(options: PanelHtmlOptions): string {
  const csp = escapeAttribute(contentSecurityPolicy(options));
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${csp}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <link rel="stylesheet" href="${escapeAttribute(options.styleUri)}">
  <title>Prompt Lab</title>
</head>
<body>
  <main id="app"></main>
  <script nonce="${escapeAttribute(options.nonce)}" src="${escapeAttribute(options.scriptUri)}"></script>
</body>
</html>
`;
}
