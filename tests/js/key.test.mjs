import assert from 'node:assert/strict';
import { test } from 'node:test';

import { keyFrom } from '../../static/js/teach/key.js';

const KEY = 'gt0G8Qm2_kw-b3Jx9aLZ4vN7pR1sT5uW';

test('a pasted dashboard link gives its class and its key', () => {
  assert.deepEqual(keyFrom(`https://lab.example/teach/q3W_x-1#key=${KEY}`), {
    classId: 'q3W_x-1',
    key: KEY,
  });
  assert.deepEqual(keyFrom(`  /teach/abc#key=${encodeURIComponent(KEY)}\n`), {
    classId: 'abc',
    key: KEY,
  });
});

test('the key alone is taken for this class; anything else is no key', () => {
  assert.deepEqual(keyFrom(KEY), { classId: null, key: KEY });
  assert.deepEqual(keyFrom('https://lab.example/teach/abc'), { classId: null, key: null });
  assert.deepEqual(keyFrom('my key'), { classId: null, key: null });
  assert.deepEqual(keyFrom(''), { classId: null, key: null });
});
