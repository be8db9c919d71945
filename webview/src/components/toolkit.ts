// The only file that imports @vscode/webview-ui-toolkit (archived upstream): a move to
// @vscode-elements/elements changes this folder and nothing else.
//
// A component is registered only if it runs under the panel's CSP with no violation. The CSP allows
// no inline styles: the toolkit's own styles and theme tokens are fine (constructable stylesheets
// and CSSOM), a `style` attribute or a <style> element is blocked and reported.
// - Not vsCodeButton. Its template binds no `style`, but its stylesheet uses FAST's `focusVisible`,
//   and loading that module probes :focus-visible support by inserting a <style> element
//   (fast-web-utilities' canUseFocusVisible), a violation on every load (microsoft/
//   vscode-webview-ui-toolkit#545). So the panel's buttons stay native <button>s drawn with the same
//   theme variables (compare.css, `.action`). Also found in trying it: the toolkit's button passes
//   only aria-label and disabled from its host to the native button inside (its
//   attributeChangedCallback skips FAST's), so aria-pressed, aria-expanded and title set on the
//   host never reach assistive technology.
// - Not vsCodeBadge or vsCodeTag: both use FAST's badge template, which binds an inline `style`
//   attribute. The panel styles its own pills with the same theme variables instead.
// - Not vsCodeProgressRing for a running cell. It renders no `style`, but on every connect it sets
//   role="alert", aria-live="assertive" and aria-label="Loading" on itself: each running cell would
//   interrupt a screen reader with "Loading", against the panel's one polite live region (the
//   comparison's status). The cell's status pill and aria-busy say it instead.
import { provideVSCodeDesignSystem, vsCodeDivider } from '@vscode/webview-ui-toolkit';

export function registerToolkit(): void {
  provideVSCodeDesignSystem().register(vsCodeDivider());
}

/** Tag names of the registered components, so views never spell them by hand. */
export const Tag = {
  divider: 'vscode-divider',
} as const;
