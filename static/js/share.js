// Share links: a whole setup (the create body of a network, plus the page's own settings) in a
// URL fragment, bit-exact and compressed. Pure: no DOM; CompressionStream, TextEncoder, btoa and
// atob exist in browsers and in Node alike.
//
// The link is `/share#1.<data>`, where <data> is base64url (no padding) of the zlib stream
// (RFC 1950, so its Adler-32 checksum catches a link cut short or mistyped) of:
//   u32 little-endian: n, the length of the header; n bytes of UTF-8 JSON, the header;
//   then float64 little-endian numbers, every number of every all-number array in the setup.
// In the header each all-number array is replaced by {"$": its length}, so weights, biases and
// the examples travel as their exact IEEE-754 bits and the JSON keeps only the structure and the
// scalar settings. The fragment never reaches the server (nor a Referer): the page that opens
// the link decodes it and POSTs the create body, which the server checks like any other.
//
// Panels to hide ride along as `?hide=build,data` before the `#`, or `&hide=build,data` after
// the data: the playground's `_hide` parameters, for an exercise.

export const VERSION = '1';
/** What the page's hide= may name: each is one panel (or group of controls) of the page. */
export const PANELS = ['build', 'data', 'card', 'charts', 'file', 'class'];
/** A decoded setup larger than this is refused (a link that inflates without end). */
export const MAX_BYTES = 16 * 1024 * 1024;

/** A link that cannot be read: the message says what is wrong, in words for its reader. */
export class ShareError extends Error {}

const MARK = '$';
const CUT = 'This share link is damaged: it does not unpack (was it cut short when copied?).';

function isNumberArray(v) {
  return Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'number');
}

/** The header for `value`, pushing the numbers of its all-number arrays onto `out`. */
function pack(value, out) {
  if (isNumberArray(value)) {
    for (const x of value) out.push(x);
    return { [MARK]: value.length };
  }
  if (Array.isArray(value)) return value.map((v) => pack(v, out));
  if (value && typeof value === 'object') {
    const o = {};
    for (const [k, v] of Object.entries(value)) o[k] = pack(v, out);
    return o;
  }
  return value;
}

/** pack() undone: numbers[at.n …] fill the arrays the header marks. */
function unpack(value, numbers, at) {
  if (Array.isArray(value)) return value.map((v) => unpack(v, numbers, at));
  if (value && typeof value === 'object') {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === MARK) {
      const n = value[MARK];
      if (!Number.isInteger(n) || n < 1 || at.n + n > numbers.length)
        throw new ShareError('This share link is damaged: its numbers do not match its layout.');
      const row = Array.from(numbers.subarray(at.n, at.n + n));
      at.n += n;
      return row;
    }
    const o = {};
    for (const k of keys) o[k] = unpack(value[k], numbers, at);
    return o;
  }
  return value;
}

async function pipe(bytes, stream) {
  const reader = new Blob([bytes]).stream().pipeThrough(stream).getReader();
  const parts = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > MAX_BYTES) {
      await reader.cancel();
      throw new ShareError('This share link holds more than a network can: it was refused.');
    }
    parts.push(value);
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return all;
}

function toBase64Url(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text) {
  if (text.length % 4 === 1) throw new ShareError(CUT);
  if (!/^[A-Za-z0-9_-]*$/.test(text))
    throw new ShareError(
      'This share link is damaged: it holds characters a share link never has. ' +
        'Copy the whole link again.',
    );
  const s = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  const bytes = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i += 1) bytes[i] = s.charCodeAt(i);
  return bytes;
}

/** The fragment's data (without '#') for a setup {network: create body, page?: {...}}. */
export async function encodeSetup(setup) {
  const numbers = [];
  const header = new TextEncoder().encode(JSON.stringify(pack(setup, numbers)));
  const bytes = new Uint8Array(4 + header.length + 8 * numbers.length);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, header.length, true);
  bytes.set(header, 4);
  numbers.forEach((x, n) => view.setFloat64(4 + header.length + 8 * n, x, true));
  return `${VERSION}.${toBase64Url(await pipe(bytes, new CompressionStream('deflate')))}`;
}

/** The setup a fragment's data holds; a ShareError says why when it cannot be read. */
export async function decodeSetup(data) {
  const dot = data.indexOf('.');
  if (dot < 0 || data.length === 0)
    throw new ShareError('This is not a share link: the part after # is missing or cut short.');
  if (data.slice(0, dot) !== VERSION)
    throw new ShareError(
      `This share link has version ${JSON.stringify(data.slice(0, dot).slice(0, 10))}, ` +
        `which this server does not read (it reads version ${VERSION}).`,
    );
  let bytes;
  try {
    bytes = await pipe(fromBase64Url(data.slice(dot + 1)), new DecompressionStream('deflate'));
  } catch (err) {
    if (err instanceof ShareError) throw err;
    throw new ShareError(CUT);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = bytes.length >= 4 ? view.getUint32(0, true) : -1;
  const rest = bytes.length - 4 - n;
  if (n < 0 || rest < 0 || rest % 8 !== 0)
    throw new ShareError('This share link is damaged: its parts do not add up.');
  let header;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(4, 4 + n)));
  } catch {
    throw new ShareError('This share link is damaged: its settings are not readable.');
  }
  const numbers = new Float64Array(rest / 8);
  for (let i = 0; i < numbers.length; i += 1) numbers[i] = view.getFloat64(4 + n + 8 * i, true);
  const at = { n: 0 };
  const setup = unpack(header, numbers, at);
  if (at.n !== numbers.length)
    throw new ShareError('This share link is damaged: it has numbers left over.');
  if (!setup || typeof setup !== 'object' || Array.isArray(setup) || !setup.network)
    throw new ShareError('This share link holds no network.');
  if (typeof setup.network !== 'object' || Array.isArray(setup.network))
    throw new ShareError('This share link holds no network.');
  return setup;
}

/** The hide= list: the panel names it gives, and the names that are no panel's. */
export function parseHide(value) {
  const names = (value || '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  const unique = [...new Set(names)];
  return {
    hide: unique.filter((s) => PANELS.includes(s)),
    unknown: unique.filter((s) => !PANELS.includes(s)),
  };
}

/**
 * A share link's parts: `search` and `hash` as in window.location ("?hide=…", "#1.…&hide=…").
 * The fragment may carry `&hide=` after the data; both lists are merged.
 */
export function readLink(search, hash) {
  const [data, ...extras] = (hash || '').replace(/^#/, '').split('&');
  const params = new URLSearchParams(search || '');
  const lists = [params.get('hide') || ''];
  for (const e of extras) {
    const [k, v = ''] = e.split('=');
    if (k === 'hide') lists.push(decodeURIComponent(v));
  }
  return { data, ...parseHide(lists.filter(Boolean).join(',')) };
}

/** The link for `data` on `origin`, hiding `hide` (a list of panel names) when it opens. */
export function shareUrl(origin, data, hide = []) {
  const query = hide.length ? `?hide=${hide.join(',')}` : '';
  return `${origin}/share${query}#${data}`;
}

/** Where the page goes once the network is made: its own address, keeping the hidden panels. */
export function networkPath(id, hide = []) {
  const query = hide.length ? `?hide=${hide.join(',')}` : '';
  return `/n/${encodeURIComponent(id)}${query}`;
}
