// VS Code's "Light Modern" colours as the CSS variables a webview gets (from the theme's file, and
// the colour registry's light defaults for what the theme leaves out), to check that the panel reads
// in a light theme outside VS Code. Set through the CSSOM (the panel's CSP allows no inline style).
import type { Page } from 'playwright-core';

const LIGHT_MODERN: Record<string, string> = {
  '--vscode-font-family': 'system-ui, "Ubuntu", "Droid Sans", sans-serif',
  '--vscode-font-size': '13px',
  '--vscode-editor-font-family': '"Droid Sans Mono", "monospace", monospace',
  '--vscode-editor-font-size': '13px',
  '--vscode-foreground': '#3b3b3b',
  '--vscode-descriptionForeground': '#3b3b3b',
  '--vscode-errorForeground': '#f85149',
  '--vscode-editor-background': '#ffffff',
  '--vscode-editor-foreground': '#3b3b3b',
  '--vscode-panel-border': '#e5e5e5',
  '--vscode-widget-border': '#e5e5e5',
  '--vscode-focusBorder': '#005fb8',
  '--vscode-textLink-foreground': '#005fb8',
  '--vscode-textLink-activeForeground': '#005fb8',
  '--vscode-textCodeBlock-background': '#f8f8f8',
  '--vscode-textPreformat-background': '#0000001f',
  '--vscode-textPreformat-foreground': '#3b3b3b',
  '--vscode-badge-background': '#cccccc',
  '--vscode-badge-foreground': '#3b3b3b',
  '--vscode-button-background': '#005fb8',
  '--vscode-button-foreground': '#ffffff',
  '--vscode-button-secondaryBackground': '#e5e5e5',
  '--vscode-button-secondaryForeground': '#3b3b3b',
  '--vscode-list-hoverBackground': '#f2f2f2',
  '--vscode-editorWarning-foreground': '#bf8803',
  '--vscode-editorInfo-foreground': '#1a85ff',
  '--vscode-inputValidation-errorBorder': '#be1100',
  '--vscode-testing-iconPassed': '#73c991',
  '--vscode-charts-green': '#388a34',
  '--vscode-diffEditor-insertedTextBackground': '#9ccc2c40',
  '--vscode-diffEditor-removedTextBackground': '#ff000033',
  '--vscode-symbolIcon-functionForeground': '#652d90',
};

export async function useLightTheme(page: Page): Promise<void> {
  await page.evaluate((variables) => {
    for (const [name, value] of Object.entries(variables)) document.documentElement.style.setProperty(name, value);
  }, LIGHT_MODERN);
}
