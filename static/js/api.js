// The JSON API, and nothing else: fetch, check, parse. Same origin only.

export class ApiError extends Error {
  constructor(status, detail, errors = []) {
    super(detail);
    this.status = status;
    this.detail = detail;
    this.errors = errors;
  }
}

async function request(method, path, body, key) {
  const init = { method, headers: { Accept: 'application/json' } };
  if (key) init.headers.Authorization = `Bearer ${key}`;
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (err) {
    throw new ApiError(0, `The server did not answer (${err.message}).`);
  }
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!response.ok) {
    const detail =
      data && typeof data.detail === 'string'
        ? data.detail
        : `${method} ${path} failed with ${response.status}.`;
    throw new ApiError(response.status, detail, (data && data.errors) || []);
  }
  return data;
}

const net = (id) => `/api/networks/${encodeURIComponent(id)}`;

/** `at`: {update, entry?}; without entry, the last state recorded at that update count. */
const atQuery = (at) =>
  at ? `?update=${at.update}${at.entry === undefined ? '' : `&entry=${at.entry}`}` : '';

export const api = {
  create: (body) => request('POST', '/api/networks', body),
  get: (id) => request('GET', net(id)),
  patch: (id, body) => request('PATCH', net(id), body),
  /** `at`: {update, entry} of a recorded state (the timeline), or null for the network now. */
  forward: (id, body = {}, at = null) => request('POST', `${net(id)}/forward${atQuery(at)}`, body),
  predict: (id, body = {}, at = null) => request('POST', `${net(id)}/predict${atQuery(at)}`, body),
  backward: (id, body = {}) => request('POST', `${net(id)}/backward`, body),
  step: (id, body = {}) => request('POST', `${net(id)}/step`, body),
  gradientCheck: (id, body = {}) => request('POST', `${net(id)}/gradient-check`, body),
  addExamples: (id, body) => request('POST', `${net(id)}/examples`, body),
  removeExample: (id, body) => request('POST', `${net(id)}/examples/remove`, body),
  history: (id) => request('GET', `${net(id)}/history`),
  /** A copy at a new id (of a recorded state: `at`), one setting changed; the links. */
  fork: (id, body = {}, at = null) => request('POST', `${net(id)}/fork${atQuery(at)}`, body),
  forks: (id) => request('GET', `${net(id)}/forks`),
  recorded: (id, update, entry) => request('GET', `${net(id)}/history/${update}?entry=${entry}`),
  rewind: (id, body) => request('POST', `${net(id)}/rewind`, body),
  /** J over a grid of two parameters' values (the loss surface panel). */
  surface: (id, body) => request('POST', `${net(id)}/surface`, body),
  /** Every recorded state's weights as a table: {columns, data}. */
  trace: (id) => request('GET', `${net(id)}/trace.json`),
  presets: () => request('GET', '/api/presets'),
  /** One preset's full create body, dataset included. */
  preset: (name) => request('GET', `/api/presets/${encodeURIComponent(name)}`),
  // the classroom, student side: the network id is the capability
  join: (body) => request('POST', '/api/join', body),
  classroom: (id) => request('GET', `${net(id)}/classroom`),
  answer: (id, body) => request('POST', `${net(id)}/answers`, body),
  newNumbers: (id) => request('POST', `${net(id)}/variant`),
  createClass: (body) => request('POST', '/api/classes', body),
  /** The server's clock (its Date header, to the second) in unix seconds; null if unknown. */
  async serverTime() {
    try {
      const date = (await fetch('/healthz', { cache: 'no-store' })).headers.get('Date');
      return date ? Date.parse(date) / 1000 : null;
    } catch {
      return null;
    }
  },
};

const cls = (id) => `/api/classes/${encodeURIComponent(id)}`;

/** The teacher's calls for one class, each sending its key. */
export function teacherApi(id, key) {
  const call = (method, path, body) => request(method, `${cls(id)}${path}`, body, key);
  return {
    get: () => call('GET', ''),
    pause: () => call('POST', '/pause', {}),
    resume: () => call('POST', '/resume', {}),
    activity: (body) => call('POST', '/activity', body),
    spotlight: (ids) => call('POST', '/spotlight', { student_ids: ids }),
    reset: (studentId) => call('POST', `/students/${encodeURIComponent(studentId)}/reset`, {}),
    remove: (studentId) => call('POST', `/students/${encodeURIComponent(studentId)}/remove`, {}),
    joining: (open) => call('POST', '/joining', { joining: open }),
    assistantKey: () => call('POST', '/assistant-key', {}),
    /** Every student's numbers and the answer key (GET …/worksheets). */
    worksheets: () => call('GET', '/worksheets'),
    /** The student's network on its first example (net, o, δ), for the projector. */
    projected: (studentId) => call('GET', `/students/${encodeURIComponent(studentId)}/backward`),
    /** The class's latest answers to question `q` (0, 1, …), for the projector's plot. */
    answers: (q) => call('GET', `/answers/${q}`),
    /** A student's network, its history and their tries (the teacher's read-only view). */
    run: (studentId) => call('GET', `/students/${encodeURIComponent(studentId)}/run`),
    /** A student's network as it was after `update` (entry `entry`). */
    recorded: (studentId, update, entry) =>
      call('GET', `/students/${encodeURIComponent(studentId)}/history/${update}?entry=${entry}`),
    eventsUrl: `${cls(id)}/events`,
    headers: { Authorization: `Bearer ${key}` },
    /** An export (export.csv, export.json) as a Blob: the link needs the key, so it is fetched. */
    async download(name) {
      let response;
      try {
        response = await fetch(`${cls(id)}/${name}`, {
          headers: { Authorization: `Bearer ${key}` },
        });
      } catch (err) {
        throw new ApiError(0, `The server did not answer (${err.message}).`);
      }
      if (!response.ok)
        throw new ApiError(response.status, `GET ${name} failed with ${response.status}.`);
      return response.blob();
    },
  };
}

/** The fields of a state that POST /api/networks accepts: the export/import format. */
export const CREATE_FIELDS = [
  'name',
  'layers',
  'hidden_activation',
  'output_activation',
  'loss',
  'learning_rate',
  'reduction',
  'train_biases',
  'l2',
  'init',
  'init_scale',
  'weights',
  'biases',
  'seed',
  'dataset',
];

export function toCreateBody(state) {
  const body = {};
  for (const key of CREATE_FIELDS) {
    if (state[key] !== undefined && state[key] !== null) body[key] = state[key];
  }
  return body;
}

// -- loading into the network a student already has -----------------------------------------
// In a class the network's address is the student's place in it (the teacher's card follows
// it), so a preset or an imported file replaces what the network holds, by one PATCH, instead
// of making a new network elsewhere.

/**
 * The settings a create body gets when it leaves them out (app/schemas.py, NetworkSettings):
 * a PATCH keeps the network's own instead, so they are sent.
 */
export const CREATE_DEFAULTS = {
  name: null,
  hidden_activation: 'sigmoid',
  output_activation: 'sigmoid',
  loss: 'squared_error',
  learning_rate: 0.5,
  reduction: 'sum',
  train_biases: true,
  l2: 0,
  init: 'glorot_uniform',
  init_scale: 1,
  seed: 0,
};

/**
 * The PATCH body that makes a network what POST /api/networks would make of `body` (a preset's
 * full body from GET /api/presets/{name}, or an exported file): every setting, the layers,
 * the weights (exact, or drawn from the seed), and the examples (none: `dataset: null`).
 */
export function replaceBody(body) {
  const patch = { ...CREATE_DEFAULTS };
  for (const key of Object.keys(CREATE_DEFAULTS)) if (body[key] != null) patch[key] = body[key];
  if (patch.name === null) delete patch.name; // PATCH has no way to clear a name
  patch.layers = body.layers;
  if (body.weights) patch.weights = body.weights;
  if (body.biases) patch.biases = body.biases;
  if (body.generate) patch.generate = body.generate;
  else patch.dataset = body.dataset || null;
  return patch;
}
