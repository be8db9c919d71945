// Where completions apply, on half-typed text (the extension's pure helper; no VS Code needed).
import * as assert from 'node:assert/strict';
import { completionSite } from '../../src/extension/language/completionSite';

const at = (text: string) => completionSite(text.replace('|', ''), text.indexOf('|'));

describe('completion sites', () => {
  it('offers role names after {{role with or without the opening quote', () => {
    assert.deepEqual(at('{{role "us|'), { kind: 'role', start: 8, quoted: true });
    assert.deepEqual(at('{{role |'), { kind: 'role', start: 7, quoted: false });
    assert.deepEqual(at('{{role mo|'), { kind: 'role', start: 7, quoted: false });
  });

  it('offers helpers and variables as the first word, partials after {{>', () => {
    assert.equal(at('Hello {{dia|')?.kind, 'helperOrVariable');
    assert.deepEqual(at('{{> foo|'), { kind: 'partial', start: 4 });
    assert.equal(at('plain text|'), undefined);
  });
});
