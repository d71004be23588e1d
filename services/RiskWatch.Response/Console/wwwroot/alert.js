// One alert: its header (grade, place, the team leading it, deadlines and escalations), the actions that fit its state,
// why the model graded it so, its reports and its timeline in words.
import { $, api, el, explain, field, form, latest, redraw, showProblem } from './core.js';
import { lang, t } from './i18n.js';
import { chinaTime } from './format.js';
import { flags, gradeBadge, place, tick } from './list.js';

const GRADES = ['red', 'orange', 'yellow', 'blue'];
let shown = null;

export function currentAlertId() {
  const m = location.hash.match(/^#\/alerts\/(\d+)$/);
  return m ? Number(m[1]) : null;
}

const begin = latest();
// The last confirmation, kept from the load that announced it: a live refresh that overtakes that load still shows it.
let status = '';

/**
 * Loads and draws an alert; false when the session is gone. Text typed into its forms survives a redraw of the same
 * alert; a live refresh keeps the last status message.
 */
export async function load(id, announce, live = false) {
  if (!live) status = announce || '';
  const current = begin();
  const answer = await api('GET', `/api/v1/alerts/${id}?lang=${lang()}`);
  if (!current()) return true;
  const root = $('detail-body');
  if (answer.status === 401) return false;
  if (answer.status !== 200) {
    root.replaceChildren(el('p', { class: 'error', id: 'not-found', role: 'alert' }, answer.status === 404 ? t('notFound') : explain(answer).message));
    return true;
  }
  const { alert: a, reports, timeline, team, timerEscalations } = answer.body;
  const assignees = ['new', 'acknowledged', 'in_handling'].includes(a.status) ? await api('GET', `/api/v1/alerts/${id}/assignees`) : { ok: false };
  if (!current()) return true;
  const same = shown?.id === a.id;
  shown = a;
  const reasons = [...new Set(reports.flatMap((r) => Array.isArray(r.reasons) ? r.reasons : []))];
  const escalated = timerEscalations > 0 ? 'timer' : a.deadlines.escalations > 0 ? 'manual' : '';
  redraw(root, same,
    el('div', { class: `panel head grade-${a.grade}${escalated === 'timer' ? ' timer-escalated' : ''}`, id: 'alert-head', 'data-alert-id': a.id, 'data-status': a.status, 'data-grade': a.grade, 'data-escalated': escalated },
      el('h2', { id: 'alert-title', tabIndex: -1 }, gradeBadge(a.grade), ' ', el('span', { class: 'subject' }, a.subject), el('span', { class: 'alert-no' }, ` #${a.id}`)),
      el('p', { class: 'flags' }, ...flags(a, timerEscalations)),
      el('dl', { class: 'facts' },
        el('dt', {}, t('place')), el('dd', {}, place(a.place)),
        el('dt', {}, t('tier')), el('dd', { id: 'alert-tier' }, t('tiers')[a.tier] ?? a.tier),
        el('dt', {}, t('team')), el('dd', { id: 'alert-team' }, team ?? '—'),
        el('dt', {}, t('status')), el('dd', {}, el('span', { class: 'status' }, t('statuses')[a.status] ?? a.status)),
        el('dt', {}, t('ackDue')), el('dd', { id: 'ack-deadline' }, deadlineOf(a.deadlines.acknowledgeDueAt, a.handling.acknowledgedAt, a.status === 'new', a.deadlines.acknowledgeMissed)),
        el('dt', {}, t('actDue')), el('dd', { id: 'act-deadline' }, deadlineOf(a.deadlines.actDueAt, a.handling.firstActionAt, ['new', 'acknowledged'].includes(a.status), a.deadlines.actMissed)),
        el('dt', {}, t('reports')), el('dd', {}, String(a.reportCount))),
      el('p', { class: 'muted' }, `${t('model')} ${a.modelVersion} · ${t('policy')} ${a.policyVersion}`),
      el('p', {}, el('a', { id: 'cap-link', href: `/api/v1/alerts/${a.id}/cap`, download: `riskwatch-alert-${a.id}.cap.xml` }, t('cap')))),
    el('p', { id: 'detail-status', role: 'status', class: 'done' }, status),
    actions(a, assignees.ok ? assignees.body : []),
    el('div', { class: 'panel' }, el('h3', {}, t('reasons')), el('ul', { id: 'alert-reasons' }, ...reasons.map((r) => el('li', {}, r)))),
    el('div', { class: 'panel reports' }, el('h3', {}, t('reportsTitle')),
      el('ul', {}, ...reports.map((r) => reportItem(a, r, reports.length)))),
    el('div', { class: 'panel timeline' }, el('h3', {}, t('timeline')),
      el('ol', {}, ...timeline.map((e) => el('li', { 'data-kind': e.kind },
        el('time', { dateTime: e.at }, chinaTime(e.at, lang())), ' ', el('span', { class: 'event' }, e.text))))));
  tick();
  return true;
}

/** A deadline in the header: running (a countdown), met (when), or neither. */
function deadlineOf(due, doneAt, running, missed) {
  if (doneAt) return el('span', { class: 'deadline stopped', 'data-stopped': 'true' }, `${t('met')} ${chinaTime(doneAt, lang())}`);
  if (due && running) return el('span', { class: 'deadline', 'data-due': due }, '');
  return el('span', { class: 'deadline' }, missed ? t('missedWord') : t('noDeadline'));
}

function reportItem(a, r, count) {
  const li = el('li', { 'data-report-id': r.reportId },
    el('p', {}, el('strong', {}, r.reporter), r.trackingCode ? ` · ${r.trackingCode}` : '', ` · ${chinaTime(r.occurredAt, lang())} · `, gradeBadge(r.grade)),
    el('p', { class: 'report-text' }, r.text));
  if (count > 1 && a.status !== 'closed') {
    const id = `split-${r.reportId}`;
    li.append(form(id, t('split'), [field(`${id}-reason`, t('splitReason'), el('input', { name: 'reason', required: true, maxLength: 4000 }))], t('splitButton'),
      (d, f) => post(a.id, 'split', { reportId: r.reportId, reason: d.get('reason') }, f)));
  }
  return li;
}

async function post(id, action, body, formElement) {
  const answer = await api('POST', `/api/v1/alerts/${id}/${action}`, body ?? {});
  if (answer.ok) {
    // A split opens a new alert: go there; everything else stays on this one.
    if (action === 'split') { location.hash = `#/alerts/${answer.body.id}`; return; }
    if (action === 'merge') { location.hash = `#/alerts/${answer.body.id}`; return; }
    formElement?.reset();
    await load(id, t('done'));
    $('alert-title')?.focus();
    return;
  }
  if (answer.status === 409 || answer.status === 404) {
    await load(id);
    const fresh = formElement?.id ? $(formElement.id) : null;
    const target = fresh || $('detail-status');
    if (fresh) showProblem(fresh, answer); else target.textContent = explain(answer).message;
    return;
  }
  if (formElement) showProblem(formElement, answer); else $('detail-status').textContent = explain(answer).message;
}

function actions(a, assignees) {
  const open = ['new', 'acknowledged', 'in_handling'].includes(a.status);
  const box = el('div', { class: 'panel actions', id: 'actions' }, el('h3', {}, t('actions')));
  if (a.status === 'new') {
    const b = el('button', { type: 'button', id: 'acknowledge', class: 'primary' }, t('acknowledge'));
    b.addEventListener('click', () => post(a.id, 'acknowledge'));
    box.append(b);
  }
  if (open) {
    const leading = assignees.filter((p) => p.atLeadingTier), others = assignees.filter((p) => !p.atLeadingTier);
    const people = el('select', { name: 'assignee', required: true },
      el('option', { value: '' }, assignees.length ? '—' : t('noAssignees')),
      leading.length ? el('optgroup', { label: `${t('assigneeLeading')}（${t('tiers')[a.tier]}）` }, ...leading.map((p) => el('option', { value: p.principal, selected: p.principal === a.handling.assignee }, p.principal))) : null,
      others.length ? el('optgroup', { label: t('assigneeOthers') }, ...others.map((p) => el('option', { value: p.principal, selected: p.principal === a.handling.assignee }, `${p.principal}（${t('tiers')[p.tier]}）`))) : null);
    box.append(form('assign-form', t('assign'), [field('assign-who', t('assignee'), people), field('assign-note', t('note'), el('input', { name: 'note', maxLength: 4000 }))],
      t('assign'), (d, f) => post(a.id, 'assign', { assignee: d.get('assignee'), note: d.get('note') || null }, f)));
    box.append(form('escalate-form', t('escalate'), [field('escalate-reason', t('reasonEscalate'), el('input', { name: 'reason', required: true, maxLength: 4000 }))],
      t('escalate'), (d, f) => post(a.id, 'escalate', { reason: d.get('reason') }, f)));
    const outcomes = el('select', { name: 'outcome' }, ...Object.entries(t('outcomes')).map(([k, v]) => el('option', { value: k }, v)));
    box.append(form('resolve-form', t('resolve'), [field('resolve-outcome', t('outcome'), outcomes), field('resolve-note', t('note'), el('input', { name: 'note', maxLength: 4000 }))],
      t('resolve'), (d, f) => post(a.id, 'resolve', { outcome: d.get('outcome'), note: d.get('note') || null }, f)));
  }
  if (a.status !== 'closed') {
    box.append(form('note-form', t('addNote'), [field('note-text', t('note'), el('textarea', { name: 'text', required: true, rows: 2, maxLength: 4000 }))],
      t('addNote'), (d, f) => post(a.id, 'notes', { text: d.get('text') }, f)));
    // The menu starts at the alert's grade: a responder changes it on purpose.
    const grades = el('select', { name: 'grade' }, ...GRADES.map((g) => el('option', { value: g, selected: g === a.grade }, t('grades')[g])));
    box.append(form('regrade-form', t('regrade'), [field('regrade-grade', t('newGrade'), grades), field('regrade-reason', t('reason'), el('input', { name: 'reason', required: true, maxLength: 4000 }))],
      t('regrade'), (d, f) => post(a.id, 'regrade', { grade: d.get('grade'), reason: d.get('reason') }, f)));
    box.append(form('merge-form', t('merge'), [field('merge-into', t('mergeInto'), el('input', { name: 'intoAlertId', required: true, inputMode: 'numeric', pattern: '[0-9]*' })),
      field('merge-reason', t('mergeReason'), el('input', { name: 'reason', required: true, maxLength: 4000 }))],
      t('mergeButton'), (d, f) => post(a.id, 'merge', { intoAlertId: Number(String(d.get('intoAlertId')).replace(/^#/, '')) || null, reason: d.get('reason') }, f)));
  }
  box.append(form('message-form', t('message'), [field('message-text', t('messageText'), el('textarea', { name: 'text', required: true, rows: 2, maxLength: 1000 }))],
    t('sendMessage'), (d, f) => post(a.id, 'messages', { text: d.get('text') }, f)));
  if (a.status === 'resolved') {
    const b = el('button', { type: 'button', id: 'close' }, t('close'));
    b.addEventListener('click', () => post(a.id, 'close', {}));
    box.append(b);
  }
  if (a.status === 'resolved' || a.status === 'closed') {
    box.append(form('reopen-form', t('reopen'), [field('reopen-reason', t('reopenReason'), el('input', { name: 'reason', required: true, maxLength: 4000 }))],
      t('reopen'), (d, f) => post(a.id, 'reopen', { reason: d.get('reason') }, f)));
  }
  return box;
}

export function shownAlert() { return shown; }
