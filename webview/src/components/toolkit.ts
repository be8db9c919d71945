// The only file that imports @vscode/webview-ui-toolkit (archived upstream): a move to
// @vscode-elements/elements changes this folder and nothing else.
import { provideVSCodeDesignSystem, vsCodeDivider } from '@vscode/webview-ui-toolkit';

// Not vsCodeBadge or vsCodeTag: both use FAST's badge template, which binds an inline `style`
// attribute that the panel's CSP (no 'unsafe-inline' styles) blocks and reports. The panel styles
// its own pills with the same theme variables instead.
export function registerToolkit(): void {
  provideVSCodeDesignSystem().register(vsCodeDivider());
}

/** Tag names of the registered components, so views never spell them by hand. */
export const Tag = {
  divider: 'vscode-divider',
} as const;
