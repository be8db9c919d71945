// VS Code's "Dark Modern" colours and fonts as the CSS variables a webview gets, for screenshots of
// the panel outside VS Code. Set through the CSSOM (the panel's CSP allows no inline style).
import type { Page } from 'playwright-core';

const DARK_MODERN: Record<string, string> = {
  '--vscode-font-family': 'system-ui, "Ubuntu", "Droid Sans", sans-serif',
  '--vscode-font-size': '13px',
  '--vscode-editor-font-family': '"Droid Sans Mono", "monospace", monospace',
  '--vscode-editor-font-size': '13px',
  '--vscode-foreground': '#cccccc',
  '--vscode-descriptionForeground': '#9d9d9d',
  '--vscode-errorForeground': '#f85149',
  '--vscode-editor-background': '#1f1f1f',
  '--vscode-editor-foreground': '#cccccc',
  '--vscode-panel-border': '#2b2b2b',
  '--vscode-widget-border': '#313131',
  '--vscode-focusBorder': '#0078d4',
  '--vscode-textLink-foreground': '#4daafc',
  '--vscode-textLink-activeForeground': '#4daafc',
  '--vscode-textCodeBlock-background': '#2b2b2b',
  '--vscode-badge-background': '#616161',
  '--vscode-badge-foreground': '#f8f8f8',
  '--vscode-button-background': '#0078d4',
  '--vscode-button-foreground': '#ffffff',
  '--vscode-button-secondaryBackground': '#313131',
  '--vscode-button-secondaryForeground': '#cccccc',
  '--vscode-button-secondaryHoverBackground': '#3c3c3c',
  '--vscode-button-border': '#ffffff12',
  '--vscode-list-hoverBackground': '#2a2d2e',
  '--vscode-editorWarning-foreground': '#cca700',
  '--vscode-editorInfo-foreground': '#3794ff',
  '--vscode-inputValidation-errorBorder': '#be1100',
  '--vscode-testing-iconPassed': '#73c991',
  '--vscode-diffEditor-insertedTextBackground': '#9ccc2c1a',
  '--vscode-diffEditor-removedTextBackground': '#ff00001a',
  '--vscode-symbolIcon-functionForeground': '#b180d7',
};

export async function useDarkTheme(page: Page): Promise<void> {
  await page.evaluate((variables) => {
    for (const [name, value] of Object.entries(variables)) document.documentElement.style.setProperty(name, value);
  }, DARK_MODERN);
}
