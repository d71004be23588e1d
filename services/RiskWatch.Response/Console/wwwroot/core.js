// What every part of the console shares: building elements (text only through textContent), calling the API with the
// session's CSRF token, and putting a refusal in the page in the page's language.
import { t } from './i18n.js';

export const $ = (id) => document.getElementById(id);

const session = { csrf: null, principal: null };

export function setSession(value) { session.csrf = value?.csrfToken ?? null; session.principal = value?.principal ?? null; }

export function principal() { return session.principal; }

/**
 * Redraws a region, keeping where the responder's focus was and, with <keepTyped>, what they typed or chose in fields
 * still on the page: a live refresh (an alert changed somewhere in their place) must not take a half-written reason
 * from them. A form just submitted is reset by its caller first, so what it sent is not offered for sending twice.
 */
export function redraw(root, keepTyped, ...children) {
  const typed = keepTyped ? [...root.querySelectorAll('input[id], select[id], textarea[id]')].map((n) => [n.id, n.value]) : [];
  const focused = document.activeElement?.id;
  root.replaceChildren(...children);
  for (const [id, value] of typed) { const n = $(id); if (n && root.contains(n)) n.value = value; }
  if (focused && $(focused)) $(focused).focus();
}

/** The latest of overlapping loads of one region wins: an answer that arrives after a newer request is dropped. */
export function latest() {
  let current = null;
  return () => { const mine = Symbol('load'); current = mine; return () => current === mine; };
}

/** An element with attributes and children; strings become text nodes, never HTML. */
export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k.startsWith('data-') || k.startsWith('aria-') || k === 'role' || k === 'for' || k === 'list') node.setAttribute(k, v === true ? '' : String(v));
    else node[k] = v;
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** A request to RiskWatch: JSON in and out, the CSRF token on every change; a network failure answers status 0. */
export async function api(method, url, body) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && session.csrf) headers['X-CSRF-Token'] = session.csrf;
  try {
    const response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
    const type = response.headers.get('Content-Type') || '';
    const data = type.includes('json') ? await response.json().catch(() => null) : null;
    return { status: response.status, ok: response.ok, body: data };
  } catch {
    return { status: 0, ok: false, body: null };
  }
}

/** A refusal in words of the page: what went wrong, and a reason per field the server named. */
export function explain(answer) {
  const errors = t('errors');
  const message = answer.status === 0 ? errors.network : errors[answer.status] ?? (answer.status >= 500 ? errors[500] : errors[400]);
  const fields = {};
  const named = answer.body?.errors ?? {};
  for (const [field, reasons] of Object.entries(named)) {
    const reason = String((reasons || [])[0] ?? '');
    const why = /required/.test(reason) ? 'required' : /at most|too long/.test(reason) ? 'tooLong' : /another alert/.test(reason) ? 'sameAlert' : 'invalid';
    fields[field] = `${t('fields')[field] ?? field}${/^[a-z]/.test(t('fieldReasons')[why]) ? ' ' : ''}${t('fieldReasons')[why]}`;
  }
  return { message, fields };
}

/**
 * Shows a refusal inside a form: the message in the form's alert region, each named field's reason beside its input
 * (aria-describedby), and focus on the first wrong input or else the message.
 */
export function showProblem(form, answer) {
  const { message, fields } = explain(answer);
  clearProblem(form);
  const region = form.querySelector('.form-error');
  if (region) region.textContent = message;
  let first = null;
  for (const [field, reason] of Object.entries(fields)) {
    const input = form.querySelector(`[name="${field}"]`);
    if (!input) { if (region) region.textContent = `${message} ${reason}`; continue; }
    const note = el('span', { class: 'field-error', id: `${input.id}-error` }, reason);
    input.setAttribute('aria-invalid', 'true');
    input.setAttribute('aria-describedby', note.id);
    input.after(note);
    first = first || input;
  }
  (first || region)?.focus();
}

export function clearProblem(form) {
  form.querySelectorAll('.field-error').forEach((n) => n.remove());
  form.querySelectorAll('[aria-invalid]').forEach((n) => { n.removeAttribute('aria-invalid'); n.removeAttribute('aria-describedby'); });
  const region = form.querySelector('.form-error');
  if (region) region.textContent = '';
}

/** A form with visible labels for each field, an alert region for refusals, and a submit button. */
export function form(id, legend, fields, submitLabel, onSubmit) {
  const region = el('p', { class: 'form-error', role: 'alert', tabIndex: -1 });
  const f = el('form', { id, class: 'action-form', noValidate: true },
    el('fieldset', {}, el('legend', {}, legend), ...fields, region, el('button', { type: 'submit' }, submitLabel)));
  f.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearProblem(f);
    const missing = [...f.querySelectorAll('[required]')].find((n) => !n.value.trim());
    if (missing) {
      showProblem(f, { status: 400, body: { errors: { [missing.name]: ['is required'] } } });
      return;
    }
    const button = f.querySelector('button[type=submit]');
    button.disabled = true;
    try { await onSubmit(new FormData(f), f); } finally { button.disabled = false; }
  });
  return f;
}

/** A labelled input (or select / textarea given as <paramref name="control"/>). */
export function field(id, label, control) {
  control.id = id;
  return el('div', { class: 'field' }, el('label', { for: id }, label), control);
}

/** A short notice for everyone, read out by screen readers. */
export function toast(text, kind) {
  const box = $('toasts');
  const item = el('p', { class: `toast ${kind || ''}`.trim(), role: 'status' }, text);
  box.append(item);
  setTimeout(() => item.remove(), 12000);
}
