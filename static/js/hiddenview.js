// The hidden space panel: every training example at (o_a, o_b) of the last hidden layer, the
// server's o (POST …/predict with hidden), coloured by its target, and the output's decision
// line (hiddenspace.js says which line, and when none). Drawn while its <details> is open:
// on opening, after every change, step and Play batch (one request at a time; a change
// meanwhile draws again when it ends), and for the state the timeline shows.

import { api } from './api.js';
import { h } from './dom.js';
import { fmt } from './format.js';
import {
  clipLine,
  decisionLine,
  hiddenPoints,
  lastHidden,
  onTheirSide,
  plotBounds,
  toPlot,
} from './hiddenspace.js';
import { outputRange } from './view.js';

const NS = 'http://www.w3.org/2000/svg';
const SIZE = 260;
const PAD = 40;

function svgEl(tag, attrs = {}, text = null) {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== null) e.textContent = text;
  return e;
}

/** The axes' numbers and names. */
function axes([[x0, x1], [y0, y1]], pair) {
  const [a, b] = pair.map((r) => `o of h${r + 1}`);
  const mid = 4 + SIZE / 2;
  return [
    svgEl('text', { x: PAD, y: SIZE + 20, 'text-anchor': 'start' }, fmt(x0, 2)),
    svgEl('text', { x: PAD + SIZE, y: SIZE + 20, 'text-anchor': 'end' }, fmt(x1, 2)),
    svgEl('text', { x: PAD + SIZE / 2, y: SIZE + 34, 'text-anchor': 'middle' }, `${a} →`),
    svgEl('text', { x: PAD - 4, y: SIZE + 4, 'text-anchor': 'end' }, fmt(y0, 2)),
    svgEl('text', { x: PAD - 4, y: 14, 'text-anchor': 'end' }, fmt(y1, 2)),
    svgEl(
      'text',
      { x: 12, y: mid, transform: `rotate(-90 12 ${mid})`, 'text-anchor': 'middle' },
      `${b} →`,
    ),
  ];
}

export class HiddenSpace {
  /** `box`: its <details>; `state()`: the page state ({id, network, at}). */
  constructor(box, root, state, onError) {
    Object.assign(this, { box, root, state, onError });
    this.key = '';
    this.busy = false;
    this.again = null;
    this.plot = svgEl('svg', {
      id: 'hidden-plot',
      class: 'hidden-plot',
      viewBox: `0 0 ${SIZE + PAD + 8} ${SIZE + PAD}`,
      role: 'img',
      'aria-label': 'The examples at the o of two hidden units, and the decision line',
    });
    this.choose = h('span', { class: 'hidden-choose' });
    this.note = h('p', { class: 'note', id: 'hidden-note', 'aria-live': 'polite' });
    root.replaceChildren(this.choose, this.plot, this.note);
    box.addEventListener('toggle', () => box.open && this.changed());
  }

  /** The two units' choice, made again when the last hidden layer changes (3 or more units). */
  setup(hidden) {
    const key = JSON.stringify(hidden);
    if (key === this.key) return;
    this.key = key;
    this.choose.replaceChildren();
    if (!hidden || hidden.units < 3) return;
    const select = (id, label, chosen) =>
      h(
        'span',
        { class: 'field inline' },
        h('label', { for: id, text: label }),
        h(
          'select',
          { id, onchange: () => this.changed() },
          Array.from({ length: hidden.units }, (_, r) =>
            h('option', { value: String(r), text: `h${r + 1}`, selected: r === chosen }),
          ),
        ),
      );
    this.choose.append(select('hidden-across', 'Across', 0), select('hidden-up', 'Up', 1));
  }

  pair() {
    const across = this.choose.querySelector('#hidden-across');
    return across
      ? [Number(across.value), Number(this.choose.querySelector('#hidden-up').value)]
      : [0, 1];
  }

  /** The network changed, stepped or played a batch (`playing`), or the box opened. */
  changed(playing = false) {
    const { network } = this.state();
    if (!network || !this.box.open) return;
    const hidden = lastHidden(network.layers);
    this.setup(hidden);
    if (!hidden || hidden.units < 2 || !network.dataset) {
      this.plot.replaceChildren();
      this.note.textContent = !network.dataset
        ? 'The hidden space needs examples.'
        : 'The hidden space needs a last hidden layer of 2 units or more.';
      return;
    }
    this.draw(playing);
  }

  async draw(playing) {
    if (this.busy) {
      this.again = playing;
      return;
    }
    this.busy = true;
    try {
      const S = this.state();
      const net = S.network;
      // Play's batch: the state recorded at its end (the server may be a batch further on)
      const at = S.at || (playing ? { update: net.updates } : null);
      const answer = await api.predict(S.id, { hidden: true }, at);
      this.paint(net, answer.hidden[answer.hidden.length - 1]);
    } catch (err) {
      this.onError(err.detail || err.message || String(err));
    } finally {
      this.busy = false;
      if (this.again !== null) {
        const playingAgain = this.again;
        this.again = null;
        this.changed(playingAgain);
      }
    }
  }

  paint(net, hiddenO) {
    const pair = this.pair();
    const L = net.layers.length - 1;
    const range = outputRange(net.output_activation, net.dataset.y);
    const points = hiddenPoints(hiddenO, net.dataset.y, pair, range);
    const bounds = plotBounds(net.hidden_activation, points);
    const at = (xy) => {
      const [x, y] = toPlot(xy, bounds, SIZE);
      return [PAD + x, 4 + y];
    };
    const plot = this.plot;
    plot.replaceChildren(
      svgEl('rect', { class: 'frame', x: PAD, y: 4, width: SIZE, height: SIZE }),
    );
    const line = decisionLine(net, pair);
    const ends = 'a' in line ? clipLine(line, bounds) : null;
    if (ends) {
      const [[x1, y1], [x2, y2]] = ends.map(at);
      plot.append(
        svgEl('line', {
          id: 'hidden-line',
          class: 'hidden-line',
          x1,
          y1,
          x2,
          y2,
          'data-from': JSON.stringify(ends[0]),
          'data-to': JSON.stringify(ends[1]),
          'data-line': JSON.stringify([line.a, line.b, line.c]),
        }),
      );
    }
    for (const pt of points) {
      const [cx, cy] = at(pt.o);
      const dot = svgEl('circle', { class: 'hidden-point', cx, cy, r: 5, fill: pt.color });
      dot.dataset.i = String(pt.i);
      dot.dataset.o = JSON.stringify(pt.o);
      dot.dataset.target = JSON.stringify(pt.target);
      dot.append(svgEl('title', {}, `x${pt.i + 1}: o = (${fmt(pt.o[0])}, ${fmt(pt.o[1])})`));
      plot.append(dot);
    }
    plot.append(...axes(bounds, pair));
    this.note.textContent = this.describe(net, L, line, ends, points);
  }

  describe(net, L, line, ends, points) {
    const where = `Each training example at the o of two units of hidden layer ${L - 1}`;
    if (!('a' in line)) return `${where}. ${line.why}`;
    const side = onTheirSide(points, line);
    const sideText = side ? ` ${side.right} of ${side.of} examples lie on their class's side.` : '';
    const f = net.output_activation;
    const rule = net.layers[L] === 1 ? `o = ½ (${f}: ${line.rule})` : `o₁ = o₂ (${line.rule})`;
    const drawn = ends ? `The line is where ${rule}.` : `The line (${rule}) lies outside the plot.`;
    const colours = points.every((pt) => pt.cls !== null)
      ? 'blue: class 1, orange: class 0'
      : 'coloured by the target y, orange low to blue high';
    return `${where}; ${colours}. ${drawn}${sideText}`;
  }
}
