// RiskWatch responders' console. No inline script anywhere (CSP: script-src 'self'); all text goes in via textContent.
'use strict';

const TEXT = {
  zh: {
    title: 'RiskWatch 211 预警处置台', offline: '未连接', online: '实时', logout: '退出', apiKey: '应急先锋队员 API 密钥', login: '登录',
    alerts: '辖区预警', grade: '等级', subject: '对象', place: '地点', tier: '牵头层级', status: '状态', reports: '报告', deadline: '确认时限',
    back: '← 返回列表', notFound: '未找到该预警,或不在您的辖区内。', badKey: '密钥无效或已吊销。', forbidden: '控制台仅供应急先锋队员和管理员使用。',
    acknowledged: '已确认', overdue: '已超时', noDeadline: '—', reasons: '模型依据', timeline: '处置记录', reportsTitle: '报告(信息员以化名显示)',
    acknowledge: '确认接收', assign: '指派', assignee: '负责人', note: '备注', addNote: '添加备注', regrade: '调整等级', reason: '理由',
    escalate: '上报上一层级', resolve: '办结', outcome: '结果', close: '关闭', reopen: '重新打开', cap: 'CAP 1.2 导出', actDue: '处置时限',
    grades: { red: '红色', orange: '橙色', yellow: '黄色', blue: '蓝色', none: '无' },
    tiers: { street: '街道', district: '区', city: '市', joint: '市联动机制' },
    statuses: { new: '新', acknowledged: '已确认', in_handling: '处置中', resolved: '已办结', closed: '已关闭' },
    outcomes: { mediated: '调解成功', wages_paid: '工资已支付', referred_to_labour_inspection: '移交劳动监察', false_alarm: '误报', other: '其他' },
    failed: '操作未完成:'
  },
  en: {
    title: 'RiskWatch 211 response console', offline: 'offline', online: 'live', logout: 'Log out', apiKey: 'Responder API key', login: 'Log in',
    alerts: 'Alerts in your jurisdiction', grade: 'Grade', subject: 'Subject', place: 'Place', tier: 'Leading tier', status: 'Status', reports: 'Reports', deadline: 'Acknowledge by',
    back: '← Back to the list', notFound: 'No such alert, or it is outside your jurisdiction.', badKey: 'The key is unknown or revoked.', forbidden: 'The console is for responders and admins.',
    acknowledged: 'acknowledged', overdue: 'overdue', noDeadline: '—', reasons: 'Model reasons', timeline: 'Timeline', reportsTitle: 'Reports (informants by pseudonym)',
    acknowledge: 'Acknowledge', assign: 'Assign', assignee: 'Assignee', note: 'Note', addNote: 'Add note', regrade: 'Regrade', reason: 'Reason',
    escalate: 'Escalate', resolve: 'Resolve', outcome: 'Outcome', close: 'Close', reopen: 'Reopen', cap: 'CAP 1.2 export', actDue: 'Act by',
    grades: { red: 'red', orange: 'orange', yellow: 'yellow', blue: 'blue', none: 'none' },
    tiers: { street: 'street', district: 'district', city: 'city', joint: 'joint mechanism' },
    statuses: { new: 'new', acknowledged: 'acknowledged', in_handling: 'in handling', resolved: 'resolved', closed: 'closed' },
    outcomes: { mediated: 'mediated', wages_paid: 'wages paid', referred_to_labour_inspection: 'referred to labour inspection', false_alarm: 'false alarm', other: 'other' },
    failed: 'Not done: '
  }
};

let lang = localStorage.getItem('riskwatch.lang') === 'en' ? 'en' : 'zh';
let csrf = null;
let alerts = [];
let source = null;
let refreshTimer = null;

const $ = (id) => document.getElementById(id);
const t = (key) => TEXT[lang][key] ?? key;

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') node.className = v; else if (k.startsWith('data-')) node.setAttribute(k, v); else node[k] = v;
  }
  for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(child ?? ''));
  return node;
}

function applyLanguage() {
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  document.querySelectorAll('[data-i18n]').forEach((n) => { n.textContent = t(n.getAttribute('data-i18n')); });
  $('lang').textContent = lang === 'zh' ? 'English' : '中文';
  document.title = t('title');
}

async function api(method, url, body) {
  const headers = { 'Accept': 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrf) headers['X-CSRF-Token'] = csrf;
  const response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
  return response;
}

function showLogin() {
  $('login').hidden = false; $('list').hidden = true; $('detail').hidden = true; $('logout').hidden = true; $('who').textContent = '';
  if (source) { source.close(); source = null; }
}

async function start() {
  applyLanguage();
  const response = await api('GET', '/console/session/');
  if (response.status !== 200) { showLogin(); return; }
  await enter(await response.json());
}

async function enter(session) {
  csrf = session.csrfToken;
  const place = [session.jurisdiction.city, session.jurisdiction.district, session.jurisdiction.street].filter(Boolean).join(' ');
  $('who').textContent = `${session.principal} · ${place || '*'}`;
  $('login').hidden = true; $('logout').hidden = false;
  connect();
  await route();
}

function connect() {
  if (source) source.close();
  source = new EventSource('/api/v1/alerts/stream');
  source.onopen = () => { $('live').className = 'live on'; $('live').textContent = t('online'); };
  source.onerror = () => { $('live').className = 'live off'; $('live').textContent = t('offline'); };
  source.addEventListener('alert', (e) => {
    const change = JSON.parse(e.data);
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(() => refresh(change.alertId), 150);
  });
}

async function refresh(alertId) {
  const open = currentAlertId();
  if (open === null) await loadList(); else if (open === alertId) await loadDetail(open);
}

function currentAlertId() {
  const m = location.hash.match(/^#\/alerts\/(\d+)$/);
  return m ? Number(m[1]) : null;
}

async function route() {
  const id = currentAlertId();
  if (id === null) { $('detail').hidden = true; $('list').hidden = false; await loadList(); } else { $('list').hidden = true; $('detail').hidden = false; await loadDetail(id); }
}

async function loadList() {
  const response = await api('GET', '/api/v1/alerts/?limit=200&status=open');
  if (response.status === 401) { showLogin(); return; }
  alerts = await response.json();
  const body = $('alerts');
  body.replaceChildren(...alerts.map((a) => {
    const row = el('tr', { class: 'alert-row', 'data-alert-id': String(a.id), 'data-grade': a.grade },
      el('td', {}, el('span', { class: `grade grade-${a.grade}` }, TEXT[lang].grades[a.grade] ?? a.grade)),
      el('td', {}, a.subject),
      el('td', {}, [a.place.city, a.place.district, a.place.street].filter(Boolean).join(' ')),
      el('td', {}, TEXT[lang].tiers[a.tier] ?? a.tier),
      el('td', { class: 'status' }, TEXT[lang].statuses[a.status] ?? a.status),
      el('td', {}, String(a.reportCount)),
      el('td', {}, deadlineCell(a.deadlines.acknowledgeDueAt, a.handling.acknowledgedAt)));
    row.addEventListener('click', () => { location.hash = `#/alerts/${a.id}`; });
    return row;
  }));
  tick();
}

function deadlineCell(due, doneAt) {
  if (doneAt) return el('span', { class: 'deadline stopped', 'data-stopped': 'true' }, `${t('acknowledged')} ${new Date(doneAt).toLocaleTimeString()}`);
  if (!due) return el('span', { class: 'deadline' }, t('noDeadline'));
  return el('span', { class: 'deadline', 'data-due': due }, '');
}

function tick() {
  const now = Date.now();
  document.querySelectorAll('.deadline[data-due]').forEach((n) => {
    const left = Math.round((Date.parse(n.getAttribute('data-due')) - now) / 1000);
    const abs = Math.abs(left);
    const text = `${Math.floor(abs / 3600)}:${String(Math.floor(abs / 60) % 60).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
    n.textContent = left >= 0 ? text : `${t('overdue')} ${text}`;
    n.classList.toggle('overdue', left < 0);
  });
}

async function loadDetail(id) {
  const response = await api('GET', `/api/v1/alerts/${id}`);
  const root = $('detail-body');
  if (response.status === 401) { showLogin(); return; }
  if (response.status !== 200) { root.replaceChildren(el('p', { class: 'error', id: 'not-found' }, t('notFound'))); return; }
  const { alert: a, reports, timeline } = await response.json();
  const reasons = [...new Set(reports.flatMap((r) => Array.isArray(r.reasons) ? r.reasons : []))];
  root.replaceChildren(
    el('div', { class: 'panel', id: 'alert-head', 'data-alert-id': String(a.id), 'data-status': a.status },
      el('h2', {}, el('span', { class: `grade grade-${a.grade}` }, TEXT[lang].grades[a.grade]), ' ', a.subject),
      el('p', {}, [a.place.city, a.place.district, a.place.street].filter(Boolean).join(' '), ' · ', `${t('tier')}: ${TEXT[lang].tiers[a.tier] ?? a.tier}`,
        ' · ', `${t('status')}: `, el('span', { class: 'status' }, TEXT[lang].statuses[a.status] ?? a.status)),
      el('p', {}, `${t('deadline')}: `, deadlineCell(a.deadlines.acknowledgeDueAt, a.handling.acknowledgedAt), ' · ', `${t('actDue')}: `,
        deadlineCell(a.deadlines.actDueAt, a.handling.firstActionAt)),
      el('p', { class: 'muted' }, `model ${a.modelVersion} · policy ${a.policyVersion}`),
      el('a', { href: `/api/v1/alerts/${a.id}/cap` }, t('cap'))),
    actions(a),
    el('div', { class: 'panel' }, el('h3', {}, t('reasons')), el('ul', {}, ...reasons.map((r) => el('li', {}, r)))),
    el('div', { class: 'panel reports' }, el('h3', {}, t('reportsTitle')),
      el('ul', {}, ...reports.map((r) => el('li', {}, el('strong', {}, r.reporter), ` · ${new Date(r.occurredAt).toLocaleString()} · `,
        el('span', { class: `grade grade-${r.grade}` }, TEXT[lang].grades[r.grade] ?? r.grade), ' ', r.text)))),
    el('div', { class: 'panel timeline' }, el('h3', {}, t('timeline')),
      el('ol', {}, ...timeline.map((e) => el('li', { 'data-kind': e.kind }, `${new Date(e.at).toLocaleString()} · ${e.actor} · ${e.kind} `,
        el('span', { class: 'muted' }, JSON.stringify(e.detail)))))));
  tick();
}

function actions(a) {
  const box = el('div', { class: 'panel actions' });
  const post = async (path, body) => {
    const response = await api('POST', `/api/v1/alerts/${a.id}/${path}`, body ?? {});
    if (!response.ok) {
      const problem = await response.json().catch(() => ({}));
      window.alert(t('failed') + (problem.detail ?? response.status));
    }
    await loadDetail(a.id);
  };
  const button = (id, label, onClick) => { const b = el('button', { type: 'button', id }, label); b.addEventListener('click', onClick); return b; };
  const form = (id, fields, label, submit) => {
    const f = el('form', { id }, ...fields, el('button', { type: 'submit' }, label));
    f.addEventListener('submit', (e) => { e.preventDefault(); submit(new FormData(f)); });
    return f;
  };
  const open = ['new', 'acknowledged', 'in_handling'].includes(a.status);
  if (a.status === 'new') box.append(button('acknowledge', t('acknowledge'), () => post('acknowledge')));
  if (open) {
    box.append(form('assign-form', [el('input', { name: 'assignee', placeholder: t('assignee'), required: true })], t('assign'),
      (d) => post('assign', { assignee: d.get('assignee') })));
    // Escalating needs a reason (issue 14, finding 9): the tier above is told why.
    box.append(form('escalate-form', [el('input', { name: 'reason', placeholder: t('reason'), required: true })], t('escalate'),
      (d) => post('escalate', { reason: d.get('reason') })));
    const outcomes = el('select', { name: 'outcome' }, ...Object.entries(TEXT[lang].outcomes).map(([k, v]) => el('option', { value: k }, v)));
    box.append(form('resolve-form', [outcomes, el('input', { name: 'note', placeholder: t('note') })], t('resolve'),
      (d) => post('resolve', { outcome: d.get('outcome'), note: d.get('note') })));
  }

  if (a.status !== 'closed') {
    box.append(form('note-form', [el('input', { name: 'text', placeholder: t('note'), required: true })], t('addNote'),
      (d) => post('notes', { text: d.get('text') })));
    const grades = el('select', { name: 'grade' }, ...['red', 'orange', 'yellow', 'blue'].map((g) => el('option', { value: g }, TEXT[lang].grades[g])));
    box.append(form('regrade-form', [grades, el('input', { name: 'reason', placeholder: t('reason'), required: true })], t('regrade'),
      (d) => post('regrade', { grade: d.get('grade'), reason: d.get('reason') })));
  }

  if (a.status === 'resolved') box.append(button('close', t('close'), () => post('close', {})));
  if (a.status === 'resolved' || a.status === 'closed') {
    box.append(form('reopen-form', [el('input', { name: 'reason', placeholder: t('reason'), required: true })], t('reopen'),
      (d) => post('reopen', { reason: d.get('reason') })));
  }

  return box;
}

document.addEventListener('DOMContentLoaded', () => {
  $('lang').addEventListener('click', () => { lang = lang === 'zh' ? 'en' : 'zh'; localStorage.setItem('riskwatch.lang', lang); applyLanguage(); route(); });
  $('logout').addEventListener('click', async () => { await api('DELETE', '/console/session/'); csrf = null; showLogin(); });
  $('login-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const response = await api('POST', '/console/session/', { apiKey: $('api-key').value });
    $('api-key').value = '';
    if (response.status === 200) { $('login-error').textContent = ''; await enter(await response.json()); return; }
    $('login-error').textContent = response.status === 403 ? t('forbidden') : t('badKey');
  });
  window.addEventListener('hashchange', route);
  setInterval(tick, 1000);
  start();
});
