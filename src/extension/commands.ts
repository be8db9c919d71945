// Command ids, in one place: package.json's `contributes.commands` declares the same ids, and an
// integration test checks that every declared command is registered.
export const Commands = {
  openPanel: 'promptLab.openPanel',
} as const;
