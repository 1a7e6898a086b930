// The projector's view: the one or two students the teacher spotlit, side by side, live and
// read-only, drawn as on the students' own page.

import { teacherApi } from '../api.js';
import { $, errorBox, h } from '../dom.js';
import { fmt } from '../format.js';
import { Graph } from '../graph.js';
import { openStream } from '../stream.js';
import { outputRange } from '../view.js';
import { applyEvent, displayName, fromSnapshot } from './cards.js';
import { preference, takeKey } from './key.js';

const root = $('#spots');
const classId = root.dataset.classId;
const { key } = takeKey(classId);
const anonymize = preference(classId, 'anonymize');
const shown = new Map(); // student id → {el, graph, caption}
let state = null;

const showError = errorBox($('#error'));

function render() {
  const ids = state.spotlight.filter((id) => state.students.get(id)?.layers.length > 1);
  for (const [id, item] of shown)
    if (!ids.includes(id)) {
      item.el.remove();
      shown.delete(id);
    }
  for (const id of ids) {
    const s = state.students.get(id);
    let item = shown.get(id);
    if (!item) {
      const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
      svg.setAttribute('class', 'graph');
      const caption = h('figcaption', {});
      item = {
        el: h('figure', { class: 'panel spot', 'data-spot': id }, caption, svg),
        graph: new Graph(svg, () => {}),
        caption,
      };
      shown.set(id, item);
    }
    root.append(item.el); // in spotlight order
    const j = s.loss === null || s.loss === undefined ? '' : ` · J = ${fmt(s.loss)}`;
    item.caption.replaceChildren(
      h('strong', { text: displayName(s, anonymize.get()) }),
      `${j} · ${s.updates} updates`,
    );
    item.graph.build(s.layers);
    item.graph.render({
      networkId: s.network_id,
      weights: s.weights,
      biases: s.biases,
      units: new Map(),
      edges: null,
      edgeMode: 'gradient',
      selected: null,
      applied: false,
      rangeFor: () => outputRange('sigmoid'),
    });
  }
  root.classList.toggle('two', ids.length === 2);
  $('#no-spotlight').hidden = ids.length > 0;
}

async function init() {
  if (!key) {
    showError('This browser has no key for this class: open the dashboard first.');
    return;
  }
  const t = teacherApi(classId, key);
  try {
    const snapshot = await t.get();
    $('#class-title').textContent = snapshot.title;
    $('#join-code').textContent = snapshot.join_code;
    $('#join-url').textContent = `${window.location.host}/join`;
    state = fromSnapshot(snapshot);
    render();
  } catch (err) {
    showError(err.detail || String(err));
    return;
  }
  openStream(t.eventsUrl, {
    headers: t.headers,
    onEvent: (e) => {
      if (e.type !== 'student' && e.type !== 'class') return;
      state = applyEvent(state, e.type, JSON.parse(e.data));
      render();
    },
    onState: (s, detail) => showError(s === 'refused' ? detail : ''),
  });
  window.addEventListener('storage', () => render()); // the dashboard's Anonymize switch
}
init();
