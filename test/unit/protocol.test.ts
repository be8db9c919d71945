import * as assert from 'node:assert/strict';
import {
  dispatch,
  isHostMessage,
  isWebviewMessage,
  readPanelState,
  type Handlers,
  type WebviewMessage,
  type WebviewToHost,
} from '../../src/shared/protocol';

describe('protocol', () => {
  it('accepts well-formed webview messages', () => {
    assert.equal(isWebviewMessage({ type: 'webview/ready', payload: { protocolVersion: 1 } }), true);
  });

  it('rejects unknown types, missing payloads and non-objects from the webview', () => {
    for (const junk of [
      undefined, null, 'webview/ready', 42, [], {},
      { type: 'webview/ready' },
      { type: 'webview/ready', payload: null },
      { type: 'panel/init', payload: {} }, // a host message echoed back is not a webview message
      { type: 'toString', payload: {} }, // a prototype key must not look like a type
      { type: 1, payload: {} },
    ]) {
      assert.equal(isWebviewMessage(junk), false, JSON.stringify(junk));
    }
  });

  it('tells host messages from other windows\' messages', () => {
    assert.equal(isHostMessage({ type: 'prompt/show', payload: { prompt: {} } }), true);
    assert.equal(isHostMessage({ type: 'webview/ready', payload: {} }), false);
    assert.equal(isHostMessage({ vscodeScheduleAsyncWork: 1 }), false);
  });

  it('dispatches to the handler of the message type with its payload', () => {
    const seen: number[] = [];
    const ignore = () => undefined;
    const handlers: Handlers<WebviewToHost> = {
      'webview/ready': ({ protocolVersion }) => seen.push(protocolVersion),
      'run/abort': ignore, 'compare/stop': ignore, 'compare/rerunColumn': ignore, 'compare/export': ignore, 'compare/copyCell': ignore,
      'feedback/rate': ignore, 'feedback/annotate': ignore, 'feedback/load': ignore,
      'eval/stop': ignore, 'eval/rerunFailed': ignore, 'eval/export': ignore,
      'logprobs/get': ignore, 'nextTokens/get': ignore, 'nextTokens/continue': ignore,
      'trace/openPassage': ignore,
    };
    const message: WebviewMessage = { type: 'webview/ready', payload: { protocolVersion: 7 } };
    dispatch(handlers, message);
    assert.deepEqual(seen, [7]);
  });

  it('knows the run messages on both sides', () => {
    assert.equal(isWebviewMessage({ type: 'run/abort', payload: { id: 'r1' } }), true);
    for (const type of ['run/started', 'run/token', 'run/finished']) assert.equal(isHostMessage({ type, payload: {} }), true, type);
    assert.equal(isWebviewMessage({ type: 'run/token', payload: {} }), false, 'the webview cannot post host messages');
  });

  it('knows the eval messages on both sides', () => {
    for (const type of ['eval/stop', 'eval/rerunFailed', 'eval/export']) assert.equal(isWebviewMessage({ type, payload: { id: 'e1' } }), true, type);
    for (const type of ['eval/started', 'eval/update']) {
      assert.equal(isHostMessage({ type, payload: {} }), true, type);
      assert.equal(isWebviewMessage({ type, payload: {} }), false, 'the webview cannot post host messages');
    }
  });

  it('knows the probability requests and replies on both sides', () => {
    for (const type of ['logprobs/get', 'nextTokens/get', 'nextTokens/continue']) {
      assert.equal(isWebviewMessage({ type, payload: {} }), true, type);
      assert.equal(isHostMessage({ type, payload: {} }), false, 'the host does not receive its own requests');
    }
    for (const type of ['logprobs/reply', 'nextTokens/reply', 'nextTokens/branch']) {
      assert.equal(isHostMessage({ type, payload: {} }), true, type);
      assert.equal(isWebviewMessage({ type, payload: {} }), false, 'the webview cannot post host messages');
    }
  });

  it('knows the comparison messages on both sides', () => {
    for (const type of ['compare/stop', 'compare/rerunColumn', 'compare/export', 'compare/copyCell']) assert.equal(isWebviewMessage({ type, payload: { id: 'c1' } }), true, type);
    for (const type of ['compare/started', 'compare/update']) {
      assert.equal(isHostMessage({ type, payload: {} }), true, type);
      assert.equal(isWebviewMessage({ type, payload: {} }), false, 'the webview cannot post host messages');
    }
  });

  it('knows the feedback and record comparison messages on both sides', () => {
    for (const type of ['feedback/rate', 'feedback/annotate', 'feedback/load']) {
      assert.equal(isWebviewMessage({ type, payload: { recordId: 'r1' } }), true, type);
      assert.equal(isHostMessage({ type, payload: {} }), false, 'the host does not post webview messages');
    }
    for (const type of ['records/show', 'feedback/show', 'feedback/failed']) {
      assert.equal(isHostMessage({ type, payload: {} }), true, type);
      assert.equal(isWebviewMessage({ type, payload: {} }), false, 'the webview cannot post host messages');
    }
    assert.equal(isWebviewMessage({ type: 'feedback/rate', payload: null }), false, 'a payload is an object');
  });

  it('reads only panel state of the version it knows', () => {
    assert.deepEqual(readPanelState({ version: 1 }), { version: 1 });
    assert.equal(readPanelState({ version: 2, prompt: {} }), undefined);
    assert.equal(readPanelState('{"version":1}'), undefined);
    assert.equal(readPanelState(undefined), undefined);
  });
});
