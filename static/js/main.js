// Wiring: page state, the phase buttons, shortcuts, Play. Talks to the server only via api.js.
// Every press that changes the network, or shows its new state, runs in one queue (player.js):
// page and server never disagree, and a press during another action waits its turn.

import { api, replaceBody } from './api.js';
import { renderBuild } from './build.js';
import { renderCard } from './card.js';
import { drawLoss } from './charts.js';
import { renderData, renderOutputs } from './data.js';
import { $, errorBox, guard, whenOpened } from './dom.js';
import { adviseGenerated, sizeAdvice, suitedFields } from './generator.js';
import { Graph } from './graph.js';
import { zoomable } from './graphzoom.js';
import { Heatmap } from './heatmap.js';
import { exportJson, openNew, readNetworkFile } from './io.js';
import { ForkPanel } from './forkview.js';
import { ActionQueue, queueText } from './player.js';
import { batchBody, FramePlayer, framesOf, lossPoint, SPEEDS } from './frames.js';
import { saved } from './saved.js';
import { Timeline } from './history.js';
import { lossPoints } from './timeline.js';
import { applyHide, wireShare } from './sharing.js';
import { followScreen, NumberTables, renderExamples, renderStatus } from './status.js';
import { Stepper } from './stepper.js';
import { parseConditions } from './stop.js';
import { modeFields, parseBatchSize, traceTargets } from './updatemode.js';
import { exists, outputRange, unitValues } from './view.js';

const svg = $('#graph');
const inClass = document.body.dataset.inClass === '1';
const S = {
  id: svg.dataset.networkId, // '' on `/` until the page has made the network (init)
  network: null, // the state from the API
  trace: null, // the last forward / backward / step payload
  before: null, // {weights, biases} the trace was computed with
  phase: 'idle',
  applied: false,
  i: 0,
  edgeMode: 'gradient',
  selected: null,
  mode: 'batch',
  batchSize: 4, // B in mini-batch mode
  losses: [],
  scores: null, // the last step's evaluation: J and accuracy on the training and test sets
  at: null, // {update, entry} while the timeline shows a recorded state
  historyLoss: null, // J of the state the network is at, from its history
  sending: {}, // settings sent and not yet answered: the panel shows them, not the stored ones
};
let presets = [];
let store = null; // this browser's memory of the network (saved.js), once its id is known
let timeline = null;
let forks = null; // the Fork control and the linked runs' curves (forkview.js)
const showError = errorBox($('#error'));
const queue = new ActionQueue((status) => {
  $('#queue-note').textContent = queueText(status);
  document.body.toggleAttribute('data-busy', !queue.idle());
});
/** A press: Play stops (the press is the student's next move), then fn runs in its turn. */
const act = (name, fn) => {
  player.stop();
  if (!S.network) return Promise.resolve(null); // none made (the error box says why)
  return queue.run(name, () => guarded(fn));
};
const select = (sel) => {
  S.selected = sel;
  render();
};
const graph = new Graph(svg, select);
const heatmap = new Heatmap($('#heatmap'), $('#heatmap-note'), S, {
  legend: $('#heatmap-legend'),
  onUnits: (grids, n) => {
    graph.pictures(grids, n);
    const picture = $('#card [data-card-picture]');
    if (picture) heatmap.paintUnit(picture, picture.dataset.cardPicture);
  },
  changed: (state) => {
    setNetwork(state);
    render();
  },
  error: (message) => showError(message),
  act,
});
zoomable(svg, graph, { zoomIn: $('#zoom-in'), zoomOut: $('#zoom-out'), fit: $('#zoom-fit') });
const tables = new NumberTables($('#numbers-box'), $('#numbers-tables'));
// closed at first: their modules load when a box first opens (docs/page.md, "Modules")
const layerChart = whenOpened(
  $('#layers-box'),
  async () => {
    const { LayerChart } = await import('./layerchart.js');
    return new LayerChart($('#layers-box'), $('#layer-chart'), $('#layer-note'));
  },
  showError,
);
const surface = whenOpened(
  $('#surface-box'),
  async () => {
    const { SurfaceView } = await import('./surface.js');
    return new SurfaceView($('#surface-box'), $('#surface'), () => S, showError);
  },
  showError,
);
const hiddenSpace = whenOpened(
  $('#hidden-box'),
  async () => {
    const { HiddenSpace } = await import('./hiddenview.js');
    return new HiddenSpace($('#hidden-box'), $('#hidden-space'), () => S, showError);
  },
  showError,
);
/**
 * While playing, the history is read again at most this often (ms): reading a long history
 * costs the server more than a Play tick, so reading it after every tick would add a large
 * share to a playing student's load (bench.history_read in docs/benchmarks.md).
 */
const TIMELINE_EVERY = 10000;
const live = { network: null }; // the network as it is, while the timeline shows a past state
let chartFromHistory = true; // on opening without a record of its own: the history's J

function makeTimeline() {
  return new Timeline($('#timeline'), S.id, {
    show: (state, entry) => {
      if (state && !live.network) live.network = S.network;
      const shown = state || live.network;
      if (!state) live.network = null;
      if (!shown) return;
      S.at = state ? { update: entry.update, entry: entry.entry } : null; // the heatmap's weights
      setNetwork(shown, false);
      render();
      hiddenSpace.changed();
      if (state && state.dataset) showRecordedNumbers(S.at);
    },
    rewound: (state) => {
      live.network = null;
      S.at = null;
      S.historyLoss = null; // until the history is read again (Timeline.rewind does)
      S.losses = S.losses.filter((p) => p.u <= state.updates); // the chart ends where J is now
      store.put('losses', S.losses);
      setNetwork(state, false);
      render();
      hiddenSpace.changed();
    },
    loaded: (entries) => {
      S.historyLoss = timeline.loss();
      if (S.network) renderStatus(S, stepper.trace(S));
      if (!chartFromHistory) return;
      chartFromHistory = false;
      if (S.losses.length > 0) return; // this browser's own record, epoch by epoch
      S.losses = lossPoints(entries);
      if (S.losses.length) drawChart();
    },
    error: (err) => showError(err.detail || err.message || String(err)),
    act,
  });
}
/** A past state's net and o for every example (its own forward pass), while it is on show. */
async function showRecordedNumbers(at) {
  try {
    const trace = await api.forward(S.id, {}, at);
    if (S.at !== at) return; // dragged on meanwhile
    Object.assign(S, { trace, phase: 'forward', applied: false });
    render();
  } catch (err) {
    showError(err.detail || err.message || String(err));
  }
}
/** Before anything that asks the server about its network: show the network as it is. */
function present() {
  if (live.network) timeline.leave();
}
const stepper = new Stepper(svg, { state: () => S, select, render: () => render() });
const hidden = applyHide();

const NO_DATA = 'This network has no examples yet: add some in the Data panel, or load a preset.';

async function guarded(fn) {
  if ((await guard(showError, fn)) && player.playing) player.stop();
}

function renderGraph() {
  const net = S.network;
  const L = net.layers.length - 1;
  graph.build(net.layers);
  const trace = stepper.trace(S); // step by step: only what is computed so far
  const y = traceTargets(trace, net.dataset?.y); // a mini-batch's rows: its examples'
  const view = {
    networkId: S.id,
    weights: net.weights,
    biases: net.biases,
    units: unitValues(net.layers, trace, S.i, y),
    edges: trace?.deltas ? trace : null,
    edgeMode: S.edgeMode,
    selected: S.selected,
    applied: S.applied,
    rangeFor: (k) => outputRange(k === L ? net.output_activation : net.hidden_activation, y),
  };
  graph.render(view);
  stepper.mark();
  return view;
}

/** The loss chart: this browser's J, with the update the timeline shows marked. */
function drawChart() {
  drawLoss($('#loss-chart'), S.losses, $('#log-scale').checked, S.at?.update, forks?.curves);
}

const CARD_ACTIONS = {
  setWeight: (sel, value) => setWeight(sel, value),
  gradientCheck: () => api.gradientCheck(S.id, {}),
  select: (sel) => {
    select(sel);
    $('#card h2').focus();
  },
  paint: (canvas, id) => heatmap.paintUnit(canvas, id),
};

let cardTimer = 0;
/** Everything from S; `full` false (a frame of an animation or of Play): the panels that change. */
function render(full = true) {
  const shown = renderGraph();
  const shownTrace = stepper.trace(S);
  layerChart.draw(shownTrace?.deltas ? shownTrace : S.lastStep); // Play's frames carry no δ
  renderStatus(S, stepper.trace(S));
  const now = performance.now();
  if (full || now - cardTimer > 300) {
    cardTimer = now;
    renderCard($('#card'), stepper.card(S), CARD_ACTIONS);
    tables.update(S.network.layers, shown, S.i);
    if (!full) renderOutputs($('#data'), { ...S, trace: stepper.trace(S) });
  }
  drawChart();
  if (full) {
    renderExamples(S);
    $('#network-name').textContent = S.network.name || 'Untitled network';
    renderBuild($('#build'), S, {
      setLayers,
      patch,
      setMode: (m) => {
        S.mode = m;
        store.put('mode', m);
        render();
      },
      setBatchSize: (b) => {
        S.batchSize = b;
        store.put('batchSize', b);
      },
      redraw,
    });
    renderData($('#data'), { ...S, trace: stepper.trace(S) }, presets, {
      loadPreset,
      loadNote: inClass
        ? 'You are in a class: a preset replaces the layers, settings, weights and examples of your class network, and you stay in the class (Ctrl+Z undoes it).'
        : '',
      saveDataset,
      generate,
      error: showError,
    });
  }
}

function setNetwork(state, changed = true) {
  S.network = state;
  if (changed) {
    live.network = null;
    S.at = null;
    S.historyLoss = null; // the history, read again, says J of the new state
    timeline.refresh();
  }
  if (!exists(S.selected, state.layers)) S.selected = null;
  Object.assign(S, { trace: null, before: null, phase: 'idle', applied: false }); // numbers of old weights
  heatmap.schedule();
  if (changed) {
    S.lastStep = null;
    surface.changed();
    hiddenSpace.changed();
  }
}

// -- the phases --------------------------------------------------------------------------
/** Forward or Backward: ask the API, keep what it returned, show it. Changes nothing. */
function pass(phase, call) {
  return async () => {
    present();
    if (!S.network.dataset) throw new Error(NO_DATA); // asked here, not refused by the server
    S.trace = await call(S.id, {});
    S.before = { weights: S.network.weights, biases: S.network.biases };
    Object.assign(S, { phase, applied: false });
    const stepwise = stepper.start(phase);
    render();
    if (!stepwise) graph.pulse(phase);
  };
}
const forward = pass('forward', api.forward);
const backward = pass('backward', api.backward);

function recordLosses(res, updatesBefore) {
  const per = (res.network.updates - updatesBefore) / res.losses.length;
  if (S.losses.length === 0) S.losses.push({ u: updatesBefore, J: res.loss });
  const test = res.test_losses || [];
  res.losses.forEach((J, e) => {
    const point = { u: updatesBefore + per * (e + 1), J };
    if (e < test.length) point.T = test[e];
    S.losses.push(point);
  });
  keepLosses();
}

/** The loss chart's points, halved when they pass 3,000, in this browser's memory. */
function keepLosses() {
  if (S.losses.length > 3000)
    S.losses = S.losses.filter((_, n) => n % 2 === 0 || n === S.losses.length - 1);
  store.put('losses', S.losses);
}

const pause = (ms) =>
  new Promise((resolve) => {
    setTimeout(resolve, ms);
  });

/** Step's forward and backward pass, one after the other, from the one /step response. */
async function stage(trace) {
  const { net, activations, output, loss } = trace;
  for (const [phase, shown] of [
    ['forward', { net, activations, output, loss }],
    ['backward', trace],
  ]) {
    Object.assign(S, { phase, trace: shown, applied: false });
    render(false);
    graph.pulse(phase);
    await pause(queue.waiting.length ? 150 : 450); // quicker while more presses wait
  }
}

/**
 * One /step request: `epochs` passes. Update and Step animate the edges (Play does not);
 * Step first shows the forward and the backward pass of the same response, one after the other.
 */
async function train(epochs, animate, staged = false) {
  present();
  if (!S.network.dataset) throw new Error(NO_DATA);
  const old = { weights: S.network.weights, biases: S.network.biases };
  const updatesBefore = S.network.updates;
  const res = await api.step(S.id, { ...modeFields(S.mode, S.batchSize), epochs });
  const { network, losses, evaluation, ...trace } = res;
  S.before = old;
  if (S.mode !== 'batch') S.i = 0; // the payload is the first update's: its first example
  if (staged) await stage(trace);
  recordLosses(res, updatesBefore);
  present(); // a past state looked at meanwhile: the network is this step's now
  Object.assign(S, { network, trace, before: old, scores: evaluation, phase: 'update' });
  S.applied = true;
  S.historyLoss = losses[losses.length - 1];
  if (animate && S.edgeMode !== 'delta') S.edgeMode = 'delta';
  render(animate);
  if (animate) graph.animate(old, network);
  heatmap.schedule();
  surface.changed();
  hiddenSpace.changed();
  timeline.refresh();
}

/** One batch of frames (frames.js): a /step of FRAMES frames, with the heatmap's grid. */
async function playBatch(body) {
  present();
  if (!S.network.dataset) throw new Error(NO_DATA);
  if (S.losses.length === 0) S.losses.push({ u: S.network.updates, J: S.historyLoss });
  return api.step(S.id, body);
}

/** A frame of Play: its weights on the graph, its J on the chart; the batch's end in full. */
function showFrame(item) {
  const { frame, answer, last } = item;
  S.losses.push(lossPoint(item));
  keepLosses();
  const { weights, biases, updates } = frame;
  S.network = last ? answer.network : { ...S.network, weights, biases, updates };
  Object.assign(S, { trace: null, before: null, phase: 'idle', applied: false });
  S.historyLoss = frame.loss;
  if (last) {
    S.lastStep = answer; // its first update's δ and ∂J/∂w: the per-layer chart during Play
    surface.changed(true);
    hiddenSpace.changed(true);
    S.scores = answer.evaluation;
    heatmap.useGrid(answer.grid);
    if (timeline.age() > TIMELINE_EVERY) timeline.refresh();
  }
  render(false);
}

/** Pause: the last frame computed, which is the state the server holds. */
function settle(answer) {
  const shown = S.network.updates;
  const unseen = framesOf(answer).filter((item) => item.frame.updates > shown);
  S.losses.push(...unseen.map(lossPoint));
  keepLosses();
  const last = answer.frames[answer.frames.length - 1];
  Object.assign(S, { network: answer.network, scores: answer.evaluation, historyLoss: last.loss });
  Object.assign(S, { trace: null, before: null, phase: 'idle', applied: false });
  heatmap.useGrid(answer.grid);
  S.lastStep = answer;
  render();
  surface.changed();
  hiddenSpace.changed();
  timeline.refresh();
}

const player = new FramePlayer({
  // a batch waits for any action pressed before it; a press stops Play first (act)
  fetch: (body) => queue.run('Play', () => playBatch(body)),
  body: (plan) => batchBody(modeFields(S.mode, S.batchSize), plan, heatmap.gridAsk()),
  show: showFrame,
  settle,
  onError: (err) => showError(err.detail || err.message || String(err)),
  onChange: (playing) => {
    const b = $('#play');
    b.textContent = playing ? 'Pause' : 'Play';
    b.setAttribute('aria-pressed', String(playing));
    document.body.classList.toggle('playing', playing);
    if (playing) $('#stop-reason').textContent = '';
    if (!playing && S.network) render(); // settle() reads the timeline again
  },
  onStopped: (reason) => {
    $('#stop-reason').textContent = `Play stopped: ${reason}.`;
  },
});
const stopInputs = ['#stop-loss', '#stop-accuracy', '#stop-epochs'];
const readStops = () => {
  const [loss, accuracy, epochs] = stopInputs.map((sel) => $(sel).value);
  player.conditions = parseConditions({ loss, accuracy, epochs });
};
for (const sel of stopInputs) $(sel).addEventListener('input', readStops);
readStops();

async function reset() {
  present();
  S.losses = [];
  store.put('losses', []);
  if (await timeline.reset(S.network.layers)) return; // before its first update, from its history
  // else (a network from an older release) the weights this browser first saw, or those
  // the seed draws (PATCH with a seed)
  const start = store.get('start');
  const fields = start
    ? { weights: start.weights, biases: start.biases }
    : { seed: S.network.seed };
  setNetwork(await api.patch(S.id, fields));
  render();
}

// -- building and data --------------------------------------------------------------------
/** PATCH fields; on a refusal too the panels are drawn again, back to the stored settings. */
function patch(fields) {
  // an answer to an earlier edit, drawn before this one is sent, must not undo it on screen
  Object.assign(S.sending, fields);
  const answered = () => {
    let waited = false;
    for (const [k, v] of Object.entries(fields)) {
      if (S.sending[k] !== v) continue;
      delete S.sending[k];
      waited = true;
    }
    return waited;
  };
  return act('Edit', async () => {
    try {
      setNetwork(await api.patch(S.id, fields));
    } finally {
      answered();
      render();
    }
  }).finally(() => {
    if (answered() && S.network) render(); // never sent (the queue was full)
  });
}

function remember(state) {
  store.put('start', { weights: state.weights, biases: state.biases });
  S.losses = [];
  store.put('losses', []);
}

/** A state whose weights are new (new layers, a seed, a preset): this browser's record starts again. */
function adoptAnew(state) {
  remember(state);
  S.scores = null;
  setNetwork(state);
  render();
}
const patchAnew = (name, fields) => act(name, async () => adoptAnew(await api.patch(S.id, fields)));
const setLayers = (layers) => patchAnew('Edit', { layers });
const redraw = (seed) => patchAnew('Draw weights', { seed }); // a seed draws the weights again

function setWeight(sel, value) {
  return act('Edit', async () => {
    const [k, r, q] = sel.id.split('-').map(Number);
    const body = {};
    if (sel.type === 'bias') {
      body.biases = structuredClone(S.network.biases);
      body.biases[k - 1][r] = value;
    } else {
      body.weights = structuredClone(S.network.weights);
      body.weights[k - 1][r][q] = value;
    }
    setNetwork(await api.patch(S.id, body));
    render();
  });
}

/** The body with new layers too when the data's shape needs them. */
function withShape(body, shape) {
  const { layers } = S.network;
  if (shape[0] !== layers[0] || shape[1] !== layers[layers.length - 1])
    return { ...body, layers: [shape[0], ...layers.slice(1, -1), shape[1]] };
  return body;
}

function saveDataset(x, y) {
  const shape = [x[0].length, y[0].length];
  const test = S.network.dataset?.test; // the table holds the training examples: keep the test part
  const keep = test && test.x[0].length === shape[0] && test.y[0].length === shape[1];
  return patchAnew(
    'Save examples',
    withShape({ dataset: keep ? { x, y, test } : { x, y } }, shape),
  );
}

/** Generated data, with the settings that suit it unless the student (or a lock) says not. */
function generate(spec, suited) {
  const kind = spec.shape;
  const locked = (document.body.dataset.lock || '').split(' ');
  const fit = suited && !locked.includes('settings') ? suitedFields(kind, S.network) : {};
  const body = withShape({ generate: spec, ...fit }, [2, spec.one_hot ? 2 : 1]);
  return act('Generate', async () => {
    adoptAnew(await api.patch(S.id, body));
    adviseGenerated(sizeAdvice(kind, S.network.layers));
  });
}

/**
 * Load a preset or a network file. Outside a class: a new network at its own address. In a
 * class the student's network is their place in it (the teacher's card follows it), so the
 * body replaces that network's layers, settings, weights and examples by one PATCH
 * (api.js's replaceBody); a teacher's lock refuses it (403, shown).
 */
function load(name, body) {
  if (!inClass) return act(name, async () => openNew(await body()));
  return act(name, async () => adoptAnew(await api.patch(S.id, replaceBody(await body()))));
}
const loadPreset = (name) =>
  load('Load preset', () => (inClass ? api.preset(name) : { preset: name }));
const importFile = (file) => load('Import JSON', () => readNetworkFile(file));

/** New network: elsewhere, a new one (the page at `/` makes it); in a class, the activity again. */
function newNetwork() {
  if (!inClass) {
    window.location.assign('/');
    return;
  }
  act('Start again', async () => {
    S.losses = [];
    store.put('losses', []);
    if (!(await timeline.startAgain())) throw new Error('This network has no start to go back to.');
  });
}

// -- controls -----------------------------------------------------------------------------
const ACTIONS = {
  forward: () => act('Forward', forward),
  backward: () => act('Backward', backward),
  update: () => act('Update', () => train(1, true)),
  step: () => act('Step', () => train(1, true, true)),
  reset: () => act('Reset', reset),
  play: () => S.network && player.toggle(),
};
for (const [name, fn] of Object.entries(ACTIONS)) $(`#${name}`).addEventListener('click', fn);
$('#new-network').addEventListener('click', newNetwork);
$('#export').addEventListener('click', () => act('Export JSON', () => exportJson(S.id)));
$('#import-file').addEventListener('change', (e) => {
  if (e.target.files[0]) importFile(e.target.files[0]);
  e.target.value = ''; // the same file again is a new choice
});
$('#example').addEventListener('change', (e) => {
  S.i = Number(e.target.value);
  render();
});
$('#log-scale').addEventListener('change', () => drawChart());
for (const radio of document.querySelectorAll('input[name="edge-mode"]')) {
  radio.addEventListener('change', (e) => {
    S.edgeMode = e.target.value;
    render(false);
  });
}
const speed = $('#speed');
const showSpeed = () => {
  player.speed = Number(speed.value);
  $('#speed-text').textContent = SPEEDS[player.speed].label;
};
speed.addEventListener('input', showSpeed);
const KEYS = {
  f: ACTIONS.forward,
  b: ACTIONS.backward,
  u: ACTIONS.update,
  s: ACTIONS.step,
  ' ': ACTIONS.play,
};
document.addEventListener('keydown', (e) => {
  const typing =
    'textarea, select, input:not([type="radio"]):not([type="checkbox"]):not([type="range"])';
  if (e.ctrlKey || e.metaKey || e.altKey || e.target.closest(typing)) return;
  if (e.key === ' ' && e.target.closest('button, [role="button"], summary, a, input')) return; // space clicks it
  const fn = KEYS[e.key.toLowerCase()];
  if (fn && S.network) {
    e.preventDefault();
    fn();
  }
});
$('#menu-toggle').addEventListener('click', (e) => {
  const open = e.currentTarget.getAttribute('aria-expanded') !== 'true';
  e.currentTarget.setAttribute('aria-expanded', String(open));
});

/** The page's network: the address's, or on `/` one made now from the default preset. */
async function networkHere() {
  if (S.id) return api.get(S.id);
  let created;
  try {
    created = await api.create({ preset: document.body.dataset.defaultPreset });
  } catch (err) {
    throw new Error(`No network could be made for you: ${err.detail || err.message}`);
  }
  S.id = created.id;
  svg.dataset.networkId = created.id;
  window.history.replaceState(null, '', `/n/${encodeURIComponent(created.id)}${location.search}`);
  return created;
}

async function init() {
  // the graph drawn for its box's size in CSS pixels, so its text reads the same on any screen
  followScreen((width, height) => {
    if (graph.setSize(width, height) && S.network) render(false);
  });
  showSpeed();
  await guarded(async () => {
    const [state, list] = await Promise.all([networkHere(), api.presets().catch(() => [])]);
    presets = Array.isArray(list) ? list : list.presets || [];
    store = saved(S.id);
    for (const [link, suffix] of [
      ['#download-code', 'py'],
      ['#download-notebook', 'ipynb'],
    ])
      $(link).href = `/api/networks/${encodeURIComponent(S.id)}/code.${suffix}`;
    timeline = makeTimeline();
    forks = new ForkPanel($('#fork-box'), () => S, { changed: drawChart, error: showError, act });
    if (!store.get('start')) store.put('start', { weights: state.weights, biases: state.biases });
    S.losses = store.get('losses') || [];
    S.mode = store.get('mode') || 'batch';
    S.batchSize = parseBatchSize(store.get('batchSize')) ?? S.batchSize;
    setNetwork(state);
    render();
    forks.load();
    wireShare({
      button: $('#share'),
      box: $('#share-box'),
      output: $('#share-note'),
      id: S.id,
      page: () => ({ mode: S.mode, batch_size: S.batchSize }),
      hide: hidden.hide,
    });
    if (hidden.message) throw new Error(hidden.message);
  });
  // without a network the error box says why
  if (S.network && inClass) joinClass().catch((err) => showError(err.message));
}

/**
 * A network in a class: the banner, the teacher's pause and locks, the exercise. Its modules
 * load only for a class network, after the first graph.
 */
async function joinClass() {
  $('#new-network').textContent = 'Start again';
  $('#load-note').textContent =
    'You are in a class: Start again goes back to the activity as your teacher gave it; Import JSON replaces your class network, and you stay in the class.';
  const { joinClassroom } = await import('./classroom.js');
  joinClassroom(S.id, {
    state: () => S,
    backward: ACTIONS.backward,
    stop: () => player.stop(),
    show: (sel, i) => {
      if (i !== null && S.trace && i < S.trace.activations[0].length) S.i = i;
      select(sel);
    },
    reload: () =>
      queue.run('Reload', () =>
        guarded(async () => {
          const st = await api.get(S.id);
          if (
            JSON.stringify([st.weights, st.biases]) !==
            JSON.stringify([S.network.weights, S.network.biases])
          ) {
            setNetwork(st);
            render();
          }
        }),
      ),
  });
}
init();
