// The projector's plot of the class's answers to one question: draws dotplot.js's geometry
// into an SVG whose units are CSS pixels (text at the page's font size, 24 px or more), and
// its legend as a list. Reads the numbers; computes none.

import { h } from '../dom.js';
import { dotPlot, summary } from './dotplot.js';
import { svgEl as el } from './mini.js';

/** The figure: a caption, the SVG and the legend; `draw(plot)` fills them. */
export function answerFigure() {
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('class', 'answer-plot');
  svg.setAttribute('role', 'img');
  const title = h('strong', {});
  const counts = h('span', { 'data-plot-summary': '' });
  const legend = h('ul', { class: 'plot-legend', 'data-plot-legend': '' });
  const el0 = h(
    'figure',
    { class: 'panel spot answers-spot', 'data-answer-plot': '' },
    h('figcaption', {}, title, ' · ', counts),
    svg,
    h('p', {
      class: 'axis-name',
      text: 'Each dot is one student’s latest answer: how far it is from their own right number, in tolerances',
    }),
    legend,
  );
  return {
    el: el0,
    draw: (plot) => {
      title.textContent = plot.prompt || plot.path;
      counts.textContent = summary(plot);
      el0.dataset.question = String(plot.question);
      drawPlot(svg, plot);
      legend.replaceChildren(...legendItems(plot));
    },
  };
}

function drawPlot(svg, plot) {
  const { width, height } = svg.getBoundingClientRect();
  if (width < 1 || height < 1) return;
  const font = parseFloat(getComputedStyle(svg).fontSize) || 24;
  const g = dotPlot(plot.dots, width, height, font);
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute(
    'aria-label',
    `Answers to ${plot.prompt || plot.path}: ${summary(plot)}; the green band is right`,
  );
  svg.replaceChildren();
  const top = font / 2;
  el(
    'rect',
    { class: 'band', x: g.band.x1, y: top, width: g.band.x2 - g.band.x1, height: g.axis.y - top },
    svg,
  );
  el('line', { class: 'axis', x1: g.axis.x1, x2: g.axis.x2, y1: g.axis.y, y2: g.axis.y }, svg);
  for (const t of g.ticks) {
    el('line', { class: 'tick', x1: t.x, x2: t.x, y1: g.axis.y, y2: g.axis.y + font / 3 }, svg);
    const label = el('text', { x: t.x, y: g.axis.y + 1.3 * font, 'text-anchor': 'middle' }, svg);
    label.textContent = t.label;
  }
  const right = el(
    'text',
    { class: 'band-label', x: (g.band.x1 + g.band.x2) / 2, y: top + font, 'text-anchor': 'middle' },
    svg,
  );
  right.textContent = 'right';
  for (const d of g.dots) {
    el(
      'circle',
      {
        class: d.beyond ? 'dot beyond' : 'dot',
        cx: d.x,
        cy: d.y,
        r: g.radius,
        fill: d.color,
        'data-kind': d.kind,
      },
      svg,
    );
  }
}

function legendItems(plot) {
  const g = dotPlot(plot.dots, 100, 100);
  return g.legend.map((entry) =>
    h('li', { 'data-legend': entry.kind }, swatch(entry.color), `${entry.label}: ${entry.count}`),
  );
}

/** A legend's colour (set through the style object: the page's CSP allows no style attribute). */
function swatch(color) {
  const s = h('span', { class: 'swatch', 'aria-hidden': 'true' });
  s.style.background = color;
  return s;
}
