// RiskWatch responders' console. ES modules from this service only (CSP: script-src 'self'), no inline script; user
// text goes into the page through textContent only.
import { $, api, el, setSession } from './core.js';
import { lang, setLang, t } from './i18n.js';
import * as list from './list.js';
import * as detail from './alert.js';
import * as review from './review.js';
import * as stats from './stats.js';
import * as notify from './notify.js';

let source = null;
let live = 'off';
let refreshTimer = null;

function applyLanguage() {
  document.documentElement.lang = lang() === 'zh' ? 'zh-CN' : 'en';
  document.querySelectorAll('[data-i18n]').forEach((n) => { n.textContent = t(n.getAttribute('data-i18n')); });
  $('lang').textContent = t('switchTo');
  $('lang').lang = lang() === 'zh' ? 'en' : 'zh-CN';
  document.title = t('title');
  drawLive();
  notify.drawControls();
}

/** The live indicator says what the stream is, in the page's language, whenever either changes. */
function drawLive() {
  const n = $('live');
  n.className = `live ${live}`;
  n.setAttribute('data-state', live);
  n.textContent = live === 'on' ? t('online') : live === 'connecting' ? t('connecting') : t('offline');
}

function setLive(state) { live = state; drawLive(); }

function showLogin() {
  $('login').hidden = false;
  for (const id of ['nav', 'list', 'detail', 'review', 'stats']) $(id).hidden = true;
  $('logout').hidden = true;
  $('who').textContent = '';
  if (source) { source.close(); source = null; }
  setLive('off');
  setSession(null);
}

async function start() {
  applyLanguage();
  const answer = await api('GET', '/console/session/');
  if (answer.status !== 200) { showLogin(); return; }
  await enter(answer.body);
}

async function enter(session) {
  setSession(session);
  const j = session.jurisdiction;
  const place = [j.city, j.district, j.street].filter(Boolean).join(' ');
  $('who').textContent = `${session.principal} · ${place || '*'}`;
  $('login').hidden = true;
  $('logout').hidden = false;
  $('nav').hidden = false;
  connect();
  await route();
}

function connect() {
  if (source) source.close();
  setLive('connecting');
  source = new EventSource('/api/v1/alerts/stream');
  source.onopen = () => setLive('on');
  source.onerror = () => setLive(source && source.readyState === EventSource.CONNECTING ? 'connecting' : 'off');
  source.addEventListener('alert', (e) => {
    const change = JSON.parse(e.data);
    notify.consider(change);
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(() => refresh(change.alertId), 200);
  });
}

async function refresh(alertId) {
  const id = detail.currentAlertId();
  if (section() === 'list') await guard(list.load());
  else if (id !== null && id === alertId) await guard(detail.load(id, undefined, true));
  else if (section() === 'review') await guard(review.load(undefined, true));
}

function section() {
  const h = location.hash;
  if (/^#\/alerts\/\d+$/.test(h)) return 'detail';
  if (h.startsWith('#/review')) return 'review';
  if (h.startsWith('#/stats')) return 'stats';
  return 'list';
}

async function guard(loaded) { if ((await loaded) === false) showLogin(); }

async function route() {
  const which = section();
  for (const id of ['list', 'detail', 'review', 'stats']) $(id).hidden = id !== which;
  document.querySelectorAll('#nav a').forEach((a) => {
    if (a.getAttribute('data-section') === (which === 'detail' ? 'list' : which)) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  });
  if (which === 'detail') await guard(detail.load(detail.currentAlertId()));
  else if (which === 'review') await guard(review.load());
  else if (which === 'stats') await guard(stats.load());
  else await guard(list.load());
}

document.addEventListener('DOMContentLoaded', () => {
  notify.init();
  $('lang').addEventListener('click', () => { setLang(lang() === 'zh' ? 'en' : 'zh'); applyLanguage(); if (!$('login').hidden) return; route(); });
  $('logout').addEventListener('click', async () => { await api('DELETE', '/console/session/'); showLogin(); });
  $('login-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const answer = await api('POST', '/console/session/', { apiKey: $('api-key').value });
    $('api-key').value = '';
    if (answer.status === 200) { $('login-error').textContent = ''; await enter(answer.body); return; }
    $('login-error').textContent = answer.status === 403 ? t('forbidden') : t('badKey');
    $('api-key').focus();
  });
  window.addEventListener('hashchange', route);
  setInterval(list.tick, 1000);
  start();
});

export { el };
