// The lines that say where the page stands, above the graph: the phase, J and the update
// count, the scores, the saturation warning (advice.js), and the menu of examples. DOM only:
// the page state S (main.js) in, text out.

import { saturation, saturationWarning } from './advice.js';
import { $, h } from './dom.js';
import { fmt } from './format.js';
import { scoreText } from './scores.js';

const PHASE_TEXT = {
  idle: 'Press Forward (F) to run the examples through the network.',
  forward: 'Forward pass: each unit shows net and o = f(net) for the selected example.',
  backward: 'Backward pass: each unit shows δ = −∂J/∂net; edges show ∂J/∂w (or Δw).',
  update:
    'Update: every weight moved by Δw = −η ∂J/∂w at once. Numbers on the units are those that produced it.',
};

/** The status lines; `t`: the pass as shown (step by step: what is computed so far). */
export function renderStatus(S, t) {
  for (const radio of document.querySelectorAll('input[name="edge-mode"]'))
    radio.checked = radio.value === S.edgeMode;
  const online =
    S.phase === 'update' && S.mode === 'online'
      ? ' Online mode: one update per example, in order; shown is the first, made from example 1 alone.'
      : '';
  $('#phase').textContent = PHASE_TEXT[S.phase] + online;
  const after =
    S.phase === 'update' && S.losses.length ? ` → ${fmt(S.losses[S.losses.length - 1].J)}` : '';
  // no pass shown: J of the state the network is at, from its history (after Ctrl+Z, say)
  const J = t ? t.loss : S.at ? null : S.historyLoss;
  const loss = J != null ? `J = ${fmt(J)}${t ? after : ''}` : '';
  const n = S.network.updates;
  $('#loss-now').textContent = [loss, `${n} update${n === 1 ? '' : 's'}`]
    .filter(Boolean)
    .join(' · ');
  renderScores(S.scores);
  const net = S.network;
  const warning = saturationWarning(
    saturation(S.trace?.output, net.dataset?.y, net.output_activation),
    net.loss,
  );
  $('#saturation').textContent = warning;
  $('#saturation').hidden = !warning;
  document.body.dataset.phase = S.phase;
}

/** J and accuracy from the last step, as text and as data-* for tests. */
function renderScores(evaluation) {
  const scores = $('#scores');
  scores.textContent = scoreText(evaluation);
  for (const part of ['train', 'test']) {
    const sc = evaluation?.[part];
    scores.dataset[`${part}Loss`] = sc ? String(sc.loss) : '';
    scores.dataset[`${part}Accuracy`] = sc && sc.accuracy !== null ? String(sc.accuracy) : '';
  }
}

/** The menu of examples (the first 500); S.i back to 0 when the data set shrank below it. */
export function renderExamples(S) {
  const sel = $('#example');
  const d = S.network.dataset;
  const n = d ? d.x.length : 0;
  if (S.i >= n) S.i = 0;
  const three = (row) => row.map((v) => fmt(v, 3)).join(', ');
  sel.replaceChildren(
    ...(d
      ? d.x.slice(0, 500).map((x, i) =>
          h('option', {
            value: String(i),
            text: `${i + 1}: x = (${three(x)}) → y = (${three(d.y[i])})`,
          }),
        )
      : []),
  );
  sel.value = String(S.i);
}

/**
 * The one-screen layout's measures: --above, how far down the page it starts (below the
 * header, and the share box and the class's banners when shown), so that it ends at the
 * window's bottom; and onGraphBox(width, height) whenever the graph's box changes size.
 */
export function followScreen(onGraphBox) {
  const screen = $('.screen');
  const above = () => {
    const top = screen.getBoundingClientRect().top + window.scrollY;
    document.documentElement.style.setProperty('--above', `${Math.round(top)}px`);
  };
  above();
  const watch = new ResizeObserver(above);
  for (const sel of ['header.top', '#share-box', '#class-banner', '#paused-notice'])
    watch.observe($(sel));
  const wrap = $('#graph-wrap');
  const box = () => {
    const r = wrap.getBoundingClientRect();
    onGraphBox(r.width, r.height);
  };
  box();
  new ResizeObserver(box).observe(wrap);
}
