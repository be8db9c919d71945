// The only file that imports @vscode/webview-ui-toolkit (archived upstream): a move to
// @vscode-elements/elements changes this folder and nothing else.
import { provideVSCodeDesignSystem, vsCodeBadge, vsCodeDivider, vsCodeTag } from '@vscode/webview-ui-toolkit';

export function registerToolkit(): void {
  provideVSCodeDesignSystem().register(vsCodeBadge(), vsCodeDivider(), vsCodeTag());
}

/** Tag names of the registered components, so views never spell them by hand. */
export const Tag = {
  badge: 'vscode-badge',
  divider: 'vscode-divider',
  tag: 'vscode-tag',
} as const;
