// The team's numbers: how fast alerts were acknowledged and resolved, by grade, tier and district, and the CSV export.
import { $, api, el, explain } from './core.js';
import { lang, t } from './i18n.js';
import { chinaDate, span } from './format.js';

export async function load() {
  const root = $('stats-body');
  const from = $('stats-from')?.value || chinaDate(Date.now(), -29);
  const to = $('stats-to')?.value || chinaDate(Date.now(), 0);
  const answer = await api('GET', `/api/v1/stats/handling?from=${from}&to=${to}`);
  if (answer.status === 401) return false;
  const picker = el('form', { id: 'stats-form', class: 'filters' },
    el('div', { class: 'field' }, el('label', { for: 'stats-from' }, t('statsFrom')), el('input', { id: 'stats-from', type: 'date', value: from, required: true })),
    el('div', { class: 'field' }, el('label', { for: 'stats-to' }, t('statsTo')), el('input', { id: 'stats-to', type: 'date', value: to, required: true })),
    el('div', { class: 'field buttons' }, el('button', { type: 'submit' }, t('statsShow')),
      el('a', { id: 'export-csv', class: 'button', href: `/api/v1/alerts/export?from=${from}&to=${to}&lang=${lang()}`, download: '' }, t('exportCsv'))));
  picker.addEventListener('submit', (e) => { e.preventDefault(); load(); });
  if (!answer.ok) { root.replaceChildren(picker, el('p', { class: 'error', role: 'alert' }, explain(answer).message)); return true; }
  const figures = answer.body.figures;
  const time = (s) => (s === null || s === undefined ? '—' : span(s, lang()));
  const table = (dimension) => {
    const rows = figures.filter((f) => f.dimension === dimension);
    const name = (v) => dimension === 'grade' ? t('grades')[v] ?? v : dimension === 'tier' ? t('tiers')[v] ?? v : v;
    return el('section', { class: 'panel stats', 'data-dimension': dimension },
      el('h3', {}, t('statsBy')[dimension]),
      // A table wider than a phone scrolls sideways: the region takes focus so a keyboard can scroll it too.
      el('div', { class: 'table-wrap', tabIndex: 0, role: 'region', 'aria-label': t('statsBy')[dimension] }, el('table', {},
        el('thead', {}, el('tr', {}, ...t('statsCols').map((c) => el('th', { scope: 'col' }, c)))),
        el('tbody', {}, ...rows.map((f) => el('tr', {},
          el('th', { scope: 'row' }, name(f.value)), el('td', {}, String(f.opened)), el('td', {}, String(f.acknowledged)),
          el('td', {}, time(f.acknowledgeMedian)), el('td', {}, time(f.acknowledgeP90)), el('td', {}, String(f.resolved)),
          el('td', {}, time(f.resolveMedian)), el('td', {}, time(f.resolveP90))))))));
  };
  root.replaceChildren(picker, figures.length === 0 ? el('p', {}, t('statsNone')) : el('div', {}, table('grade'), table('tier'), table('district')));
  return true;
}
