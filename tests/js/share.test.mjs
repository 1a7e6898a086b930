import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deflateSync, inflateSync } from 'node:zlib';

import {
  decodeSetup,
  encodeSetup,
  networkPath,
  parseHide,
  readLink,
  shareUrl,
  ShareError,
} from '../../static/js/share.js';

// numbers whose shortest decimal form is long, and ones that decimals round badly
const awkward = [0.1 + 0.2, -1 / 3, Math.PI * 1e-300, 5e-324, -0, 2 ** 53 + 2, 123456.789e-7];

const setup = {
  network: {
    name: 'XOR, 2-2-1',
    layers: [2, 2, 1],
    hidden_activation: 'tanh',
    learning_rate: 0.15,
    train_biases: false,
    seed: 7,
    weights: [
      [
        [awkward[0], awkward[1]],
        [awkward[2], awkward[3]],
      ],
      [[awkward[4], awkward[5]]],
    ],
    biases: [[awkward[6], -2.5], [0]],
    dataset: {
      x: [
        [0, 0],
        [0, 1],
        [1, 0],
        [1, 1],
      ],
      y: [[0], [1], [1], [0]],
    },
  },
  page: { mode: 'online' },
};

/** The IEEE-754 bits of every number, in order: equal bits, equal numbers (and −0 ≠ 0). */
function bits(value) {
  const out = [];
  const walk = (v) => {
    if (typeof v === 'number') {
      const b = new DataView(new ArrayBuffer(8));
      b.setFloat64(0, v);
      out.push(b.getBigUint64(0).toString(16));
    } else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(value);
  return out;
}

const b64 = (buf) =>
  Buffer.from(buf).toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const raw = (data) => inflateSync(Buffer.from(data.slice(2), 'base64url'));

test('a setup comes back equal, every number to the bit', async () => {
  const data = await encodeSetup(setup);
  assert.match(data, /^1\.[A-Za-z0-9_-]+$/);
  const back = await decodeSetup(data);
  assert.deepEqual(back, setup);
  assert.deepEqual(bits(back), bits(setup));
  assert.ok(Object.is(back.network.weights[1][0][0], -0), '−0 keeps its sign');
});

test('the stream is zlib: a header, then the arrays as little-endian float64s', async () => {
  const bytes = raw(await encodeSetup(setup)); // Node's own zlib reads it
  const n = bytes.readUInt32LE(0);
  const header = JSON.parse(bytes.subarray(4, 4 + n).toString('utf8'));
  assert.deepEqual(header.network.weights[1], [{ $: 2 }]);
  assert.deepEqual(header.network.dataset.y, [{ $: 1 }, { $: 1 }, { $: 1 }, { $: 1 }]);
  assert.equal(header.network.learning_rate, 0.15);
  // layers 3, weights 6, biases 3, x 8, y 4
  assert.equal(bytes.length - 4 - n, 8 * (3 + 6 + 3 + 8 + 4));
  assert.equal(bytes.readDoubleLE(4 + n + 8 * 3), awkward[0]); // weights[0][0][0] after layers
});

test("a dataset's test part and the L2 term come back equal", async () => {
  const split = structuredClone(setup);
  split.network.l2 = 0.03;
  split.network.dataset.test = { x: [[0.5, awkward[1]]], y: [[1]] };
  const back = await decodeSetup(await encodeSetup(split));
  assert.deepEqual(back, split);
  assert.deepEqual(bits(back.network.dataset.test), bits(split.network.dataset.test));
});

test('the same setup gives the same link', async () => {
  assert.equal(await encodeSetup(setup), await encodeSetup(structuredClone(setup)));
});

test('a large dataset stays within what a browser takes in a URL', async () => {
  let s = 1;
  const rand = () => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647;
  };
  const x = Array.from({ length: 5000 }, () => [rand() * 2 - 1, rand() * 2 - 1]);
  const y = x.map(([a, b]) => [a * b > 0 ? 1 : 0]);
  const big = { network: { ...setup.network, dataset: { x, y } } };
  const data = await encodeSetup(big);
  // 5000 × 3 float64s is 120 kB; random bits barely compress, base64 adds a third
  assert.ok(data.length < 200_000, `${data.length} characters`);
  assert.deepEqual(bits(await decodeSetup(data)), bits(big));
});

async function refused(data, pattern) {
  await assert.rejects(decodeSetup(data), (err) => {
    assert.ok(err instanceof ShareError, `${err}`);
    assert.match(err.message, pattern);
    return true;
  });
}

test('damaged, cut and forged links are refused with a reason', async () => {
  const data = await encodeSetup(setup);
  await refused('', /not a share link/);
  await refused('garbage', /not a share link/);
  await refused(`2${data.slice(1)}`, /version "2"/);
  await refused(`${data.slice(0, -12)}`, /does not unpack/);
  await refused(`${data}$`, /characters/);
  // one character changed in the middle: the checksum (or the inflater) notices
  const mid = Math.floor(data.length / 2);
  const flipped = data.slice(0, mid) + (data[mid] === 'A' ? 'B' : 'A') + data.slice(mid + 1);
  await refused(flipped, /damaged/);
  // well-formed zlib with a wrong inside
  const forge = (buf) => `1.${b64(deflateSync(buf))}`;
  await refused(forge(Buffer.from('hi')), /do not add up/);
  const header = (obj, extra = 0) => {
    const h = Buffer.from(JSON.stringify(obj));
    const b = Buffer.alloc(4 + h.length + extra);
    b.writeUInt32LE(h.length, 0);
    h.copy(b, 4);
    return b;
  };
  await refused(forge(header({ network: { layers: { $: 3 } } })), /numbers do not match/);
  await refused(forge(header({ network: {} }, 8)), /left over/);
  await refused(forge(header([1, 2])), /no network/);
  await refused(forge(header({ page: {} })), /no network/);
  const bad = Buffer.concat([header({}).subarray(0, 4), Buffer.from([0xff, 0xfe])]);
  bad.writeUInt32LE(2, 0);
  await refused(forge(bad), /not readable/);
});

test('a link that inflates without end is refused', async () => {
  const bomb = `1.${b64(deflateSync(Buffer.alloc(17 * 1024 * 1024)))}`;
  await refused(bomb, /more than a network can/);
});

test('hide= names panels; unknown names are reported, not hidden', () => {
  assert.deepEqual(parseHide('build, DATA,,build'), { hide: ['build', 'data'], unknown: [] });
  assert.deepEqual(parseHide('data,sliders'), { hide: ['data'], unknown: ['sliders'] });
  assert.deepEqual(parseHide(null), { hide: [], unknown: [] });
});

test('hide= before the # or after the data', () => {
  assert.deepEqual(readLink('?hide=build', '#1.abc&hide=data,card'), {
    data: '1.abc',
    hide: ['build', 'data', 'card'],
    unknown: [],
  });
  assert.deepEqual(readLink('', '#1.abc'), { data: '1.abc', hide: [], unknown: [] });
  assert.deepEqual(readLink('?hide=data', ''), { data: '', hide: ['data'], unknown: [] });
});

test('the link and the page it leads to carry no network id, only the hidden panels', () => {
  assert.equal(shareUrl('http://h:1', '1.abc'), 'http://h:1/share#1.abc');
  assert.equal(
    shareUrl('http://h:1', '1.abc', ['build', 'data']),
    'http://h:1/share?hide=build,data#1.abc',
  );
  assert.equal(networkPath('a-b_c', ['data']), '/n/a-b_c?hide=data');
  assert.equal(networkPath('a-b_c'), '/n/a-b_c');
});
