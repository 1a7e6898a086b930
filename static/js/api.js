// The JSON API, and nothing else: fetch, check, parse. Same origin only.

export class ApiError extends Error {
  constructor(status, detail, errors = []) {
    super(detail);
    this.status = status;
    this.detail = detail;
    this.errors = errors;
  }
}

async function request(method, path, body) {
  const init = { method, headers: { Accept: 'application/json' } };
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
    const detail = data && typeof data.detail === 'string' ? data.detail : `${method} ${path} failed with ${response.status}.`;
    throw new ApiError(response.status, detail, (data && data.errors) || []);
  }
  return data;
}

const net = (id) => `/api/networks/${encodeURIComponent(id)}`;

export const api = {
  create: (body) => request('POST', '/api/networks', body),
  get: (id) => request('GET', net(id)),
  patch: (id, body) => request('PATCH', net(id), body),
  forward: (id, body = {}) => request('POST', `${net(id)}/forward`, body),
  predict: (id, body = {}) => request('POST', `${net(id)}/predict`, body),
  backward: (id, body = {}) => request('POST', `${net(id)}/backward`, body),
  step: (id, body = {}) => request('POST', `${net(id)}/step`, body),
  gradientCheck: (id, body = {}) => request('POST', `${net(id)}/gradient-check`, body),
  presets: () => request('GET', '/api/presets'),
};

/** The fields of a state that POST /api/networks accepts: the export/import format. */
export const CREATE_FIELDS = ['name', 'layers', 'hidden_activation', 'output_activation', 'loss',
  'learning_rate', 'reduction', 'train_biases', 'weights', 'biases', 'seed', 'dataset'];

export function toCreateBody(state) {
  const body = {};
  for (const key of CREATE_FIELDS) {
    if (state[key] !== undefined && state[key] !== null) body[key] = state[key];
  }
  return body;
}
