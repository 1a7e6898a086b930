// Wiring: page state, the phase buttons, shortcuts, Play. Talks to the server only via api.js.

import { api } from './api.js';
import { renderBuild } from './build.js';
import { renderCard } from './card.js';
import { joinClassroom } from './classroom.js';
import { drawLoss } from './charts.js';
import { renderData, renderOutputs } from './data.js';
import { $, errorBox, guard, h } from './dom.js';
import { fmt } from './format.js';
import { Graph } from './graph.js';
import { unitName } from './layout.js';
import { zoomable } from './graphzoom.js';
import { Heatmap } from './heatmap.js';
import { exportJson, importJson, openNew } from './io.js';
import { Player, SPEEDS } from './player.js';
import { saved } from './saved.js';
import { Timeline } from './history.js';
import { lossPoints } from './timeline.js';
import { scoreText } from './scores.js';
import { applyHide, wireShare } from './sharing.js';
import { Stepper } from './stepper.js';
import { parseConditions } from './stop.js';
import { exists, outputRange, unitValues } from './view.js';

const svg = $('#graph');
const S = {
  id: svg.dataset.networkId,
  network: null, // the state from the API
  trace: null, // the last forward / backward / step payload
  before: null, // {weights, biases} the trace was computed with
  phase: 'idle',
  applied: false,
  i: 0,
  edgeMode: 'gradient',
  selected: null,
  mode: 'batch',
  losses: [],
  scores: null, // the last step's evaluation: J and accuracy on the training and test sets
  at: null, // {update, entry} while the timeline shows a recorded state
};
let presets = [];
const select = (sel) => {
  S.selected = sel;
  render();
};
const graph = new Graph(svg, select);
const heatmap = new Heatmap($('#heatmap'), $('#heatmap-note'), S, {
  legend: $('#heatmap-legend'),
  onUnits: (grids, n) => graph.pictures(grids, n),
  nameOf: (id) => unitName(S.network.layers, ...id.split('-').map(Number)),
  changed: (state) => {
    present(); // a click edits the network as it is now, not a past state on show
    setNetwork(state);
    render();
    timeline.refresh();
  },
  error: (message) => showError(message),
});
graph.onPicture = (id) => heatmap.show(id);
zoomable(svg, graph, { zoomIn: $('#zoom-in'), zoomOut: $('#zoom-out'), fit: $('#zoom-fit') });
const store = saved(S.id);
/** While playing, the timeline is read again at most this often (ms). */
const TIMELINE_EVERY = 10000; // a long history costs about two Play ticks to read (bench.history_read)
const live = { network: null }; // the network as it is, while the timeline shows a past state
let chartFromHistory = true; // on opening without a record of its own: the history's J
const timeline = new Timeline($('#timeline'), S.id, {
  show: (state, entry) => {
    if (state && !live.network) live.network = S.network;
    const shown = state || live.network;
    if (!state) live.network = null;
    if (!shown) return;
    S.at = state ? { update: entry.update, entry: entry.entry } : null; // the heatmap's weights
    setNetwork(shown, false);
    render();
    if (state && state.dataset) showRecordedNumbers(S.at);
  },
  rewound: (state) => {
    live.network = null;
    S.at = null;
    setNetwork(state, false);
    render();
  },
  loaded: (entries) => {
    if (!chartFromHistory) return;
    chartFromHistory = false;
    if (S.losses.length > 0) return; // this browser's own record, epoch by epoch
    S.losses = lossPoints(entries);
    if (S.losses.length) drawChart();
  },
  error: (err) => showError(err.detail || err.message || String(err)),
});
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

const PHASE_TEXT = {
  idle: 'Press Forward (F) to run the examples through the network.',
  forward: 'Forward pass: each unit shows net and o = f(net) for the selected example.',
  backward: 'Backward pass: each unit shows δ = −∂J/∂net; edges show ∂J/∂w (or Δw).',
  update:
    'Update: every weight moved by Δw = −η ∂J/∂w at once. Numbers on the units are those that produced it.',
};

const showError = errorBox($('#error'));

const NO_DATA = 'This network has no examples yet: add some in the Data panel, or load a preset.';

async function guarded(fn) {
  if ((await guard(showError, fn)) && player.playing) player.stop();
}

function renderGraph() {
  const net = S.network;
  const L = net.layers.length - 1;
  graph.build(net.layers);
  const y = net.dataset?.y;
  const trace = stepper.trace(S); // step by step: only what is computed so far
  graph.render({
    networkId: S.id,
    weights: net.weights,
    biases: net.biases,
    units: unitValues(net.layers, trace, S.i, y),
    edges: trace?.deltas ? trace : null,
    edgeMode: S.edgeMode,
    selected: S.selected,
    applied: S.applied,
    rangeFor: (k) => outputRange(k === L ? net.output_activation : net.hidden_activation, y),
  });
  stepper.mark();
}

function renderStatus() {
  for (const radio of document.querySelectorAll('input[name="edge-mode"]'))
    radio.checked = radio.value === S.edgeMode;
  const t = stepper.trace(S);
  const online =
    S.phase === 'update' && S.mode === 'online'
      ? ' Online mode: one update per example, in order; shown is the first, made from example 1 alone.'
      : '';
  $('#phase').textContent = PHASE_TEXT[S.phase] + online;
  const after =
    S.phase === 'update' && S.losses.length ? ` → ${fmt(S.losses[S.losses.length - 1].J)}` : '';
  const loss = t?.loss != null ? `J = ${fmt(t.loss)}${after}` : '';
  const n = S.network.updates;
  $('#loss-now').textContent = [loss, `${n} update${n === 1 ? '' : 's'}`]
    .filter(Boolean)
    .join(' · ');
  const scores = $('#scores');
  scores.textContent = scoreText(S.scores);
  for (const part of ['train', 'test']) {
    const sc = S.scores?.[part];
    scores.dataset[`${part}Loss`] = sc ? String(sc.loss) : '';
    scores.dataset[`${part}Accuracy`] = sc && sc.accuracy !== null ? String(sc.accuracy) : '';
  }
  document.body.dataset.phase = S.phase;
}

function renderExamples() {
  const sel = $('#example');
  const d = S.network.dataset;
  const n = d ? d.x.length : 0;
  if (S.i >= n) S.i = 0;
  sel.replaceChildren(
    ...(d
      ? d.x.slice(0, 500).map((x, i) =>
          h('option', {
            value: String(i),
            text: `${i + 1}: x = (${x.map((v) => fmt(v, 3)).join(', ')}) → y = (${d.y[i].map((v) => fmt(v, 3)).join(', ')})`,
          }),
        )
      : []),
  );
  sel.value = String(S.i);
}

/** The loss chart: this browser's J, with the update the timeline shows marked. */
function drawChart() {
  drawLoss($('#loss-chart'), S.losses, $('#log-scale').checked, S.at?.update);
}

let cardTimer = 0;
function render(full = true) {
  renderGraph();
  renderStatus();
  const now = performance.now();
  if (full || now - cardTimer > 300) {
    cardTimer = now;
    renderCard($('#card'), stepper.card(S), {
      setWeight,
      gradientCheck: () => api.gradientCheck(S.id, {}),
      select: (sel) => {
        select(sel);
        $('#card h2').focus();
      },
    });
    if (!full) renderOutputs($('#data'), { ...S, trace: stepper.trace(S) });
  }
  drawChart();
  if (full) {
    renderExamples();
    $('#network-name').textContent = S.network.name || 'Untitled network';
    renderBuild($('#build'), S, {
      setLayers,
      patch,
      setMode: (m) => {
        S.mode = m;
        store.put('mode', m);
      },
      redraw,
    });
    renderData($('#data'), { ...S, trace: stepper.trace(S) }, presets, {
      loadPreset,
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
    timeline.refresh();
  }
  if (!exists(S.selected, state.layers)) S.selected = null;
  Object.assign(S, { trace: null, before: null, phase: 'idle', applied: false }); // numbers of old weights
  heatmap.schedule();
}

// -- the phases --------------------------------------------------------------------------
/** Forward or Backward: ask the API, keep what it returned, show it. Changes nothing. */
function pass(phase, call) {
  return () =>
    guarded(async () => {
      present();
      if (!S.network.dataset) throw new Error(NO_DATA); // asked here, not refused by the server
      S.trace = await call(S.id, {});
      S.before = { weights: S.network.weights, biases: S.network.biases };
      Object.assign(S, { phase, applied: false });
      const stepwise = stepper.start(phase);
      render();
      if (!stepwise) graph.pulse(phase);
    });
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
  if (S.losses.length > 3000)
    S.losses = S.losses.filter((_, n) => n % 2 === 0 || n === S.losses.length - 1);
  store.put('losses', S.losses);
}

const pause = (ms) =>
  new Promise((resolve) => {
    setTimeout(resolve, ms);
  });

/**
 * One /step request: `epochs` passes. Update and Step animate the edges (Play does not);
 * Step first shows the forward and the backward pass of the same response, one after the other.
 */
async function train(epochs, animate, staged = false) {
  present();
  if (!S.network.dataset) throw new Error(NO_DATA);
  const old = { weights: S.network.weights, biases: S.network.biases };
  const res = await api.step(S.id, { mode: S.mode, epochs });
  const { network, losses, test_losses: testLosses, evaluation, ...trace } = res;
  S.before = old;
  if (S.mode === 'online') S.i = 0; // the payload is the first update's: example 1 alone
  if (staged) {
    const { net, activations, output, loss } = trace;
    for (const [phase, shown] of [
      ['forward', { net, activations, output, loss }],
      ['backward', trace],
    ]) {
      Object.assign(S, { phase, trace: shown, applied: false });
      render(false);
      graph.pulse(phase);
      await pause(450);
    }
  }
  recordLosses(res, S.network.updates);
  S.scores = evaluation;
  S.network = network;
  S.trace = trace;
  Object.assign(S, { phase: 'update', applied: true });
  if (animate && S.edgeMode !== 'delta') S.edgeMode = 'delta';
  render(animate);
  if (animate) graph.animate(old, network);
  heatmap.schedule();
  if (!player.playing || timeline.age() > TIMELINE_EVERY) timeline.refresh();
  return {
    loss: losses[losses.length - 1],
    accuracy: evaluation?.train.accuracy ?? null,
    testLosses,
  };
}

const update = () => guarded(() => train(1, true));
const step = () => guarded(() => train(1, true, true));
const player = new Player({
  train: (epochs) => train(epochs, false),
  onError: (err) => showError(err.detail || err.message || String(err)),
  onChange: (playing) => {
    const b = $('#play');
    b.textContent = playing ? 'Pause' : 'Play';
    b.setAttribute('aria-pressed', String(playing));
    document.body.classList.toggle('playing', playing);
    if (playing) $('#stop-reason').textContent = '';
    if (!playing) {
      render();
      timeline.refresh();
    }
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

function reset() {
  return guarded(async () => {
    player.stop();
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
  });
}

// -- building and data --------------------------------------------------------------------
function patch(fields) {
  return guarded(async () => {
    try {
      setNetwork(await api.patch(S.id, fields));
    } finally {
      render(); // on a refusal too: the inputs go back to the stored settings
    }
  });
}

function remember(state) {
  store.put('start', { weights: state.weights, biases: state.biases });
  S.losses = [];
  store.put('losses', []);
}

function setLayers(layers) {
  return guarded(async () => {
    const st = await api.patch(S.id, { layers });
    remember(st);
    setNetwork(st);
    render();
  });
}

function redraw(seed) {
  return guarded(async () => {
    const st = await api.patch(S.id, { seed }); // a seed draws the weights again
    remember(st);
    setNetwork(st);
    render();
  });
}

function setWeight(sel, value) {
  return guarded(async () => {
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

/** PATCH a new dataset (or a generator), with new layers when its shape needs them. */
function sendData(body, shape) {
  return guarded(async () => {
    const { layers } = S.network;
    if (shape[0] !== layers[0] || shape[1] !== layers[layers.length - 1])
      body.layers = [shape[0], ...layers.slice(1, -1), shape[1]];
    const st = await api.patch(S.id, body);
    if (body.layers) remember(st);
    S.scores = null;
    setNetwork(st);
    render();
  });
}

function saveDataset(x, y) {
  const shape = [x[0].length, y[0].length];
  const test = S.network.dataset?.test; // the table holds the training examples: keep the test part
  const keep = test && test.x[0].length === shape[0] && test.y[0].length === shape[1];
  return sendData({ dataset: keep ? { x, y, test } : { x, y } }, shape);
}

const generate = (spec) => sendData({ generate: spec }, [2, spec.one_hot ? 2 : 1]);

const loadPreset = (name) => guarded(() => openNew({ preset: name }));

// -- controls -----------------------------------------------------------------------------
let busy = false;
/** A phase at a time: a second press while one is on its way (or on show, for Step) waits out. */
const single = (fn) => async () => {
  if (busy) return;
  busy = true;
  try {
    await fn();
  } finally {
    busy = false;
  }
};
const ACTIONS = {
  forward: single(forward),
  backward: single(backward),
  update: single(update),
  step: single(step),
  reset: single(reset),
  play: () => player.toggle(),
};
for (const [name, fn] of Object.entries(ACTIONS)) $(`#${name}`).addEventListener('click', fn);
$('#new-network').addEventListener('click', () => window.location.assign('/'));
$('#export').addEventListener('click', () => guarded(() => exportJson(S.id)));
$('#import-file').addEventListener('change', (e) => {
  if (e.target.files[0]) guarded(() => importJson(e.target.files[0]));
});
wireShare({
  button: $('#share'),
  box: $('#share-box'),
  output: $('#share-note'),
  id: S.id,
  page: () => ({ mode: S.mode }),
  hide: hidden.hide,
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
  ' ': () => player.toggle(),
};
document.addEventListener('keydown', (e) => {
  const typing =
    'textarea, select, input:not([type="radio"]):not([type="checkbox"]):not([type="range"])';
  if (e.ctrlKey || e.metaKey || e.altKey || e.target.closest(typing)) return;
  if (e.key === ' ' && e.target.closest('button, [role="button"], summary, a, input')) return; // space clicks it
  const fn = KEYS[e.key.toLowerCase()];
  if (fn) {
    e.preventDefault();
    fn();
  }
});

async function init() {
  await guarded(async () => {
    const [state, list] = await Promise.all([api.get(S.id), api.presets().catch(() => [])]);
    presets = Array.isArray(list) ? list : list.presets || [];
    if (!store.get('start')) store.put('start', { weights: state.weights, biases: state.biases });
    S.losses = store.get('losses') || [];
    S.mode = store.get('mode') || 'batch';
    showSpeed();
    setNetwork(state);
    render();
    if (hidden.message) throw new Error(hidden.message);
  });
  // a network in a class: the banner, the teacher's pause and locks, the exercise
  joinClassroom(S.id, {
    state: () => S,
    backward: ACTIONS.backward,
    stop: () => player.stop(),
    show: (sel, i) => {
      if (i !== null && S.trace && i < S.trace.activations[0].length) S.i = i;
      select(sel);
    },
    reload: () =>
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
  });
}
init();
