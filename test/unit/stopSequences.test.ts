// Stop sequences applied to streamed text (the vscode-lm backend's API takes none).
import * as assert from 'node:assert/strict';
import { StopSequenceCutter } from '../../src/extension/backends/stopSequences';

/** Streams `chunks` through a cutter: what was shown, chunk by chunk, and whether it stopped. */
function stream(stops: string[], chunks: string[]): { shown: string[]; text: string; stopped: boolean } {
  const cutter = new StopSequenceCutter(stops);
  const shown: string[] = [];
  for (const chunk of chunks) {
    shown.push(cutter.push(chunk));
    if (cutter.stopped) break;
  }
  shown.push(cutter.flush());
  return { shown, text: shown.join(''), stopped: cutter.stopped };
}

describe('StopSequenceCutter', () => {
  it('passes text through unchanged without stop sequences', () => {
    assert.deepEqual(stream([], ['Once ', 'upon ', 'a time']), { shown: ['Once ', 'upon ', 'a time', ''], text: 'Once upon a time', stopped: false });
  });

  it('cuts at a stop sequence inside one chunk and drops the rest', () => {
    const result = stream(['\n\n'], ['One.\n\nTwo.', ' Three.']);
    assert.equal(result.text, 'One.');
    assert.equal(result.stopped, true);
  });

  it('cuts at a stop sequence split across chunks, never showing its start', () => {
    const result = stream(['END'], ['abc E', 'N', 'D after']);
    assert.deepEqual(result.shown, ['abc ', '', '', '']);
    assert.equal(result.text, 'abc ');
    assert.equal(result.stopped, true);
  });

  it('releases held-back text that turns out not to be a stop sequence', () => {
    const result = stream(['END'], ['abc E', 'Nx', 'yz']);
    assert.deepEqual(result.shown, ['abc ', 'ENx', 'yz', '']);
    assert.equal(result.stopped, false);
    // And at the end of the stream.
    assert.equal(stream(['END'], ['abc EN']).text, 'abc EN');
  });

  it('stops at the earliest of several stop sequences', () => {
    assert.equal(stream(['B:', 'A:'], ['hello A: and B: end']).text, 'hello ');
    assert.equal(stream(['yz', 'xy'], ['axyz']).text, 'a', 'the one that starts first, not the one listed first');
  });

  it('ignores empty stop sequences', () => {
    assert.equal(stream([''], ['text']).text, 'text');
  });
});
