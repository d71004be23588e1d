// The triage list: most urgent deadline first by default; filters, search, counts per grade and district, and pages
// fetched from the server, so ten thousand open alerts cost the browser one page. The list's state lives in the address.
import { $, api, el, explain, latest, redraw, toast } from './core.js';
import { lang, t } from './i18n.js';
import { deadline, nextDeadline, readQuery, writeQuery } from './format.js';

const GRADES = ['red', 'orange', 'yellow', 'blue'];
const TIERS = ['street', 'district', 'city', 'joint'];
const STATUSES = ['open', 'new', 'acknowledged', 'in_handling', 'resolved', 'closed', 'all'];
const selected = new Set();
let lastDistricts = [];
const begin = latest();

export function place(p) { return [p.city, p.district, p.street].filter(Boolean).join(' '); }

export function gradeBadge(grade, extra) {
  return el('span', { class: `badge grade grade-${grade}${extra ? ' ' + extra : ''}`, 'data-grade': grade }, t('gradeBadge')[grade] ?? grade);
}

/** The deadline cell: a countdown the page ticks every second, or why no deadline runs. */
export function deadlineCell(alert) {
  const next = nextDeadline(alert);
  if (next) return el('span', { class: 'deadline', 'data-due': next.due, 'data-kind': next.kind, title: next.kind === 'act' ? t('actDue') : t('ackDue') }, '');
  if (alert.handling.acknowledgedAt) return el('span', { class: 'deadline stopped', 'data-stopped': 'true' }, t('acknowledged'));
  return el('span', { class: 'deadline' }, t('noDeadline'));
}

/** Marks a responder must not miss: missed deadlines, escalations, and whether the timer did them. */
export function flags(alert, timerEscalations) {
  const out = [];
  if (alert.deadlines.acknowledgeMissed) out.push(el('span', { class: 'badge flag missed' }, t('ackMissed')));
  if (alert.deadlines.actMissed) out.push(el('span', { class: 'badge flag missed' }, t('actMissed')));
  if (timerEscalations > 0) out.push(el('span', { class: 'badge flag timer' }, t('timerEscalatedTimes')(timerEscalations)));
  else if (alert.deadlines.escalations > 0) out.push(el('span', { class: 'badge flag escalated' }, t('escalatedTimes')(alert.deadlines.escalations)));
  return out;
}

export function tick() {
  const now = Date.now();
  document.querySelectorAll('.deadline[data-due]').forEach((n) => {
    const d = deadline(n.getAttribute('data-due'), now, lang());
    if (n.textContent !== d.text) n.textContent = d.text;
    n.classList.toggle('overdue', d.overdue);
  });
}

function query() { return readQuery(location.hash); }

function go(changes) {
  const q = { ...query(), ...changes };
  if (!('page' in changes)) delete q.page;
  location.hash = writeQuery(q);
}

function select(id, label, value, options) {
  const s = el('select', { id, name: id },
    ...options.map(([v, text]) => el('option', { value: v, selected: v === value }, text)));
  return el('div', { class: 'field' }, el('label', { for: id }, label), s);
}

function filters(q) {
  const search = el('input', { id: 'q', name: 'q', type: 'search', value: q.q ?? '', autocomplete: 'off' });
  const form = el('form', { id: 'filters', role: 'search', class: 'filters' },
    el('div', { class: 'field search' }, el('label', { for: 'q' }, t('search')), search),
    select('sort', t('sort'), q.sort ?? 'deadline', [['deadline', t('sortDeadline')], ['grade', t('sortGrade')], ['newest', t('sortNewest')]]),
    select('f-grade', t('filterGrade'), q.grade ?? '', [['', t('all')], ...GRADES.map((g) => [g, t('grades')[g]])]),
    select('f-status', t('filterStatus'), q.status ?? 'open', STATUSES.map((s) => [s, s === 'open' ? t('statusOpen') : s === 'all' ? t('statusAll') : t('statuses')[s]])),
    select('f-tier', t('filterTier'), q.tier ?? '', [['', t('all')], ...TIERS.map((x) => [x, t('tiers')[x]])]),
    select('f-district', t('filterDistrict'), q.district ?? '', [['', t('all')], ...lastDistricts.filter((d) => d.district).map((d) => [d.district, d.district])]),
    el('div', { class: 'field check' }, el('input', { id: 'f-mine', type: 'checkbox', checked: q.mine === 'true' }), el('label', { for: 'f-mine' }, t('mine'))),
    el('div', { class: 'field check' }, el('input', { id: 'f-overdue', type: 'checkbox', checked: q.overdue === 'true' }), el('label', { for: 'f-overdue' }, t('overdueOnly'))),
    el('div', { class: 'field buttons' }, el('button', { type: 'submit' }, t('searchButton')), el('button', { type: 'button', id: 'clear-filters', class: 'secondary' }, t('clearFilters'))));
  const apply = () => go({
    q: search.value.trim(), sort: $('sort').value, grade: $('f-grade').value, status: $('f-status').value === 'open' ? '' : $('f-status').value,
    tier: $('f-tier').value, district: $('f-district').value, mine: $('f-mine').checked ? 'true' : '', overdue: $('f-overdue').checked ? 'true' : ''
  });
  form.addEventListener('submit', (e) => { e.preventDefault(); apply(); });
  form.addEventListener('change', (e) => { if (e.target !== search) apply(); });
  form.querySelector('#clear-filters').addEventListener('click', () => { location.hash = '#/'; });
  return form;
}

function counts(view, q) {
  const grades = el('div', { class: 'counts', role: 'group', 'aria-label': t('counts') },
    el('span', { class: 'counts-label' }, t('counts')),
    ...GRADES.map((g) => {
      const b = el('button', { type: 'button', class: `count count-${g}`, 'data-grade': g, 'aria-pressed': q.grade === g ? 'true' : 'false' },
        gradeBadge(g), ` ${view.gradeCounts[g] ?? 0}`);
      b.addEventListener('click', () => go({ grade: q.grade === g ? '' : g }));
      return b;
    }));
  const districts = el('div', { class: 'counts', role: 'group', 'aria-label': t('districts') },
    el('span', { class: 'counts-label' }, t('districts')),
    ...view.districtCounts.slice(0, 12).map((d) => {
      const name = d.district || '—';
      const b = el('button', { type: 'button', class: 'count count-district', 'data-district': name, 'aria-pressed': q.district === d.district ? 'true' : 'false' }, `${name} ${d.count}`);
      b.addEventListener('click', () => go({ district: q.district === d.district ? '' : d.district }));
      return b;
    }));
  return el('div', { id: 'counts' }, grades, districts);
}

function card(item) {
  const a = item.alert;
  const escalated = item.timerEscalations > 0 ? 'timer' : a.deadlines.escalations > 0 ? 'manual' : '';
  const overdue = a.deadlines.acknowledgeMissed || a.deadlines.actMissed;
  const box = el('input', { type: 'checkbox', class: 'pick', 'aria-label': t('selectAlert')(a.subject), checked: selected.has(a.id), disabled: a.status !== 'new' });
  box.addEventListener('change', () => { if (box.checked) selected.add(a.id); else selected.delete(a.id); bulkButton(); });
  const link = el('a', { class: 'subject', href: `#/alerts/${a.id}` }, a.subject);
  const li = el('li', {
    class: `alert-card grade-${a.grade}${escalated === 'timer' ? ' timer-escalated' : ''}${overdue ? ' missed' : ''}`,
    'data-alert-id': a.id, 'data-grade': a.grade, 'data-status': a.status, 'data-escalated': escalated, 'data-overdue': overdue ? 'true' : 'false'
  },
  el('div', { class: 'pick-cell' }, box),
  el('div', { class: 'grade-cell' }, gradeBadge(a.grade), el('span', { class: 'alert-no' }, `#${a.id}`)),
  el('div', { class: 'subject-cell' }, link, el('span', { class: 'place' }, place(a.place))),
  el('div', { class: 'tier-cell' }, el('span', { class: 'tier' }, t('tiers')[a.tier] ?? a.tier), item.team ? el('span', { class: 'team' }, item.team) : null),
  el('div', { class: 'status-cell' }, el('span', { class: `status status-${a.status}` }, t('statuses')[a.status] ?? a.status),
    el('span', { class: 'reports' }, lang() === 'en' ? `${a.reportCount} report(s)` : `${a.reportCount} 份报告`)),
  el('div', { class: 'deadline-cell' }, deadlineCell(a)),
  el('div', { class: 'flags-cell' }, ...flags(a, item.timerEscalations)));
  li.addEventListener('click', (e) => { if (e.target === li || (e.target.closest('div') && !e.target.closest('a, input, button'))) location.hash = `#/alerts/${a.id}`; });
  return li;
}

function bulkButton() {
  const b = $('bulk-ack');
  if (!b) return;
  b.textContent = t('bulkAck')(selected.size);
  b.disabled = selected.size === 0;
}

function pager(view) {
  const pages = Math.max(1, Math.ceil(view.total / view.pageSize));
  const prev = el('button', { type: 'button', id: 'page-prev', disabled: view.page <= 1 }, t('previous'));
  const next = el('button', { type: 'button', id: 'page-next', disabled: view.page >= pages }, t('next'));
  prev.addEventListener('click', () => go({ page: String(view.page - 1) }));
  next.addEventListener('click', () => go({ page: String(view.page + 1) }));
  return el('nav', { id: 'pager', 'aria-label': t('page')(view.page, pages) }, prev, el('span', { id: 'page-label' }, t('page')(view.page, pages)), next);
}

/** Fetches and draws the list for the address's filters. Returns false when the session is gone. */
export async function load() {
  const q = query();
  const params = new URLSearchParams({ pageSize: '50' });
  for (const [k, v] of Object.entries(q)) params.set(k, v);
  const current = begin();
  const answer = await api('GET', `/api/v1/alerts/triage?${params}`);
  if (!current()) return true;
  if (answer.status === 401) return false;
  const root = $('list-body');
  if (!answer.ok) {
    root.replaceChildren(filters(q), el('p', { class: 'error', role: 'alert' }, explain(answer).message));
    return true;
  }
  const view = answer.body;
  lastDistricts = view.districtCounts;
  const bulk = el('div', { id: 'bulk' }, el('button', { type: 'button', id: 'bulk-ack' }, ''), el('span', { id: 'bulk-result', role: 'status' }));
  bulk.querySelector('#bulk-ack').addEventListener('click', acknowledgeSelected);
  // The filters are drawn from the address, not kept from the page: a field typed into but not applied must not slip
  // into the next filter change.
  redraw(root, false,
    filters(q),
    counts(view, q),
    el('p', { id: 'summary', 'aria-live': 'polite' }, t('showing')(view.from, view.to, view.total)),
    bulk,
    el('ol', { id: 'alerts', class: 'cards' }, ...view.items.map(card)),
    pager(view));
  for (const id of [...selected]) if (!view.items.some((i) => i.alert.id === id && i.alert.status === 'new')) selected.delete(id);
  bulkButton();
  tick();
  return true;
}

async function acknowledgeSelected() {
  const ids = [...selected];
  const answer = await api('POST', '/api/v1/alerts/acknowledge', { alertIds: ids });
  if (!answer.ok) { toast(explain(answer).message, 'error'); return; }
  selected.clear();
  const failed = answer.body.results.length - answer.body.acknowledged;
  await load();
  $('bulk-result').textContent = t('bulkDone')(answer.body.acknowledged, failed);
}
