// The review queue: reports the model graded none, which opened no alert. A responder of the place dismisses one or
// promotes it to an alert of the grade they choose (stored as feedback for the model).
import { $, api, el, explain, field, form, latest, redraw, showProblem } from './core.js';
import { lang, t } from './i18n.js';
import { chinaTime } from './format.js';
import { place } from './list.js';

const begin = latest();
// The last confirmation, kept from the load that announced it: a live refresh that overtakes that load still shows it.
let status = '';

/** Loads and draws the queue; false when the session is gone. A live refresh keeps the last status message. */
export async function load(announce, live = false) {
  if (!live) status = announce || '';
  const current = begin();
  const answer = await api('GET', `/api/v1/reviews/?pageSize=100&lang=${lang()}`);
  if (!current()) return true;
  if (answer.status === 401) return false;
  const root = $('review-body');
  if (!answer.ok) { root.replaceChildren(el('p', { class: 'error', role: 'alert' }, explain(answer).message)); return true; }
  const page = answer.body;
  redraw(root, true,
    el('p', { id: 'review-status', role: 'status', class: 'done' }, status),
    el('p', { id: 'review-summary' }, page.total === 0 ? t('reviewEmpty') : t('showing')(1, page.items.length, page.total)),
    el('ol', { id: 'reviews', class: 'cards' }, ...page.items.map(item)));
  return true;
}

function item(r) {
  const none = Math.round((r.probabilities.none ?? 0) * 100);
  const grades = el('select', { name: 'grade' }, ...['blue', 'yellow', 'orange', 'red'].map((g) => el('option', { value: g }, t('grades')[g])));
  const id = r.reportId;
  return el('li', { class: 'review-card', 'data-report-id': id },
    el('h3', {}, r.subject),
    el('p', { class: 'place' }, [place(r.place), `${t('received')} ${chinaTime(r.queuedAt, lang())}`, r.trackingCode && `${t('trackingCode')} ${r.trackingCode}`, r.reporter].filter(Boolean).join(' · ')),
    el('p', { class: 'report-text' }, r.text),
    el('p', { class: 'muted' }, t('reviewModel')(none)),
    // A sign the model flagged but is unsure of is among the reasons: the one thing a reviewer must not miss.
    (r.reasons || []).length ? el('ul', { class: 'reasons' }, ...r.reasons.map((x) => el('li', {}, x))) : null,
    el('div', { class: 'review-actions' },
      form(`promote-${id}`, t('reviewPromote'), [field(`promote-${id}-grade`, t('reviewPromoteGrade'), grades),
        field(`promote-${id}-reason`, t('reviewReason'), el('input', { name: 'reason', required: true, maxLength: 4000 }))], t('reviewPromote'),
      async (d, f) => decide(id, 'promote', { grade: d.get('grade'), reason: d.get('reason') }, f, t('reviewDone')(t('grades')[d.get('grade')]))),
      form(`dismiss-${id}`, t('reviewDismiss'), [field(`dismiss-${id}-reason`, t('reviewDismissReason'), el('input', { name: 'reason', maxLength: 4000 }))], t('reviewDismiss'),
        async (d, f) => decide(id, 'dismiss', { reason: d.get('reason') || null }, f, t('reviewDismissed')))));
}

async function decide(id, what, body, f, done) {
  const answer = await api('POST', `/api/v1/reviews/${id}/${what}`, body);
  if (answer.ok) {
    f.reset();
    await load(done);
    $('review-status')?.focus();
    return;
  }
  if (answer.status === 409 || answer.status === 404) { await load(explain(answer).message); return; }
  showProblem(f, answer);
}
