// The printable worksheets: one page per student with their own numbers, or the answer key.
// The numbers come from the API with the teacher's key this browser keeps (key.js).

import { teacherApi } from '../api.js';
import { $, errorBox, guard, h } from '../dom.js';
import { takeKey } from './key.js';
import { examplesTable, heading, networkLine, questionLines, weightTables } from './sheet.js';

const root = $('#worksheets');
const classId = root.dataset.classId;
const showError = errorBox($('#error'));

function table(t) {
  return h(
    'table',
    {},
    h('caption', { text: t.caption }),
    h('thead', {}, h('tr', {}, ...t.head.map((c) => h('th', { scope: 'col', text: c })))),
    h('tbody', {}, ...t.rows.map((row) => h('tr', {}, ...row.map((c) => h('td', { text: c }))))),
  );
}

function question(line) {
  const item = h('li', {}, line.text, ' ', h('code', { text: line.path }), ' = ');
  item.append(
    line.answer === null
      ? h('span', { class: 'blank', 'aria-label': 'your answer' })
      : h('strong', { 'data-answer': '', text: line.answer }),
  );
  return item;
}

function sheetView(data, sheet, answerKey) {
  const head = heading(data, sheet, answerKey);
  return h(
    'section',
    { class: 'worksheet', 'data-worksheet': sheet.student_id },
    h('h2', { text: head.title }),
    h('p', { class: 'note', text: head.subtitle }),
    h('p', { text: networkLine(sheet) }),
    ...weightTables(sheet).map(table),
    table(examplesTable(sheet)),
    h(
      'ol',
      { class: 'questions' },
      ...questionLines(data.questions, sheet, answerKey).map(question),
    ),
  );
}

function render(data) {
  const answerKey = $('#answer-key').checked;
  for (const old of root.querySelectorAll('.worksheet')) old.remove();
  for (const sheet of data.students) root.append(sheetView(data, sheet, answerKey));
  document.title = `${data.title} · ${answerKey ? 'Answer key' : 'Worksheets'} · Backprop Lab`;
  root.dataset.ready = String(data.students.length);
}

async function init() {
  const { key } = takeKey(classId);
  if (!key) {
    showError('This page needs the class’s key: open the dashboard from its link first.');
    return;
  }
  const t = teacherApi(classId, key);
  await guard(showError, async () => {
    const data = await t.worksheets();
    $('#answer-key').checked = /(?:^|&)answers=1/.test(window.location.search.slice(1));
    $('#answer-key').addEventListener('change', () => render(data));
    render(data);
  });
}

$('#print').addEventListener('click', () => window.print());
init();
