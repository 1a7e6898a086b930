import assert from 'node:assert/strict';
import { test } from 'node:test';

import { networkIdFrom } from '../../static/js/teach/push.js';

test('the network a teacher pastes: a page address, a path or the bare id', () => {
  assert.equal(networkIdFrom('http://127.0.0.1:8000/n/L2h-x_9?x=1#card'), 'L2h-x_9');
  assert.equal(networkIdFrom('  /n/abc123 '), 'abc123');
  assert.equal(networkIdFrom('abc123'), 'abc123');
  assert.equal(networkIdFrom('https://example.org/teach/abc'), null);
  assert.equal(networkIdFrom(''), null);
  assert.equal(networkIdFrom('two words'), null);
});
