// RiskWatch informant form and follow-up page. No framework, no CDN, no inline script (the CSP forbids it).
// Every report gets its reportId when it is composed and waits in an outbox in localStorage until the server
// answers 202: a report typed offline is sent when the connection returns, and a retry of a report whose answer
// was lost is a no-op on the server (same reportId), so each report arrives exactly once.
(function () {
  'use strict';

  var OUTBOX = 'riskwatch.outbox.v1';
  var RECEIPTS = 'riskwatch.receipts.v1';
  var LANG = 'riskwatch.lang';

  var T = {
    zh: {
      title: '劳动风险报告', 'switch': 'English', intro: '只有“发生了什么”和“城市”必须填写。没有网络也可以提交：报告会保存在手机上，联网后自动发送，只发送一次。',
      receiptTitle: '已收到您的报告', receiptKeep: '请记下查询码，用它查看处理进展或补充信息：', followUpLink: '查看进展 / 补充信息', another: '再报告一件事',
      text: '发生了什么？', required: '（必填）', textHint: '例如：站点拖欠骑手10月工资，约30人，有人说周五去区政府讨薪。',
      where: '在哪里？', city: '城市', cityHint: '例如：深圳市', district: '区 / 县', districtHint: '例如：龙岗区', street: '街道 / 乡镇', streetHint: '例如：坂田街道',
      who: '涉及谁？', subjectName: '单位、站点或平台的名称', subjectHint: '例如：某外卖平台坂田配送站', subjectKind: '这是', platform: '为哪个平台干活（如有）',
      'kind.other': '不清楚 / 其他', 'kind.site': '站点（配送站、网点）', 'kind.platform': '平台公司', 'kind.enterprise': '企业 / 工厂', 'kind.agent': '外包公司或劳务派遣',
      details: '更多情况（可不填）', category: '什么问题？', unknown: '不清楚',
      'cat.wage_arrears': '拖欠工资', 'cat.collective_action': '集体停工、聚集、讨薪', 'cat.pay_rule_change': '单价、计费规则改变', 'cat.account_deactivation': '封号、停单',
      'cat.safety_incident': '事故、受伤', 'cat.working_hours': '工作时间过长', 'cat.social_insurance': '社保、工伤保险', 'cat.outsourcing_dispute': '外包、派遣纠纷',
      'cat.closure_relocation': '站点关闭、搬迁', 'cat.other': '其他',
      sector: '哪个行业？', 'sec.food_delivery': '外卖配送', 'sec.courier': '快递', 'sec.ride_hailing': '网约车', 'sec.freight': '货运', 'sec.domestic_service': '家政',
      'sec.manufacturing': '制造业', 'sec.construction': '建筑业', 'sec.other': '其他',
      workers: '大约涉及多少工人？', amount: '拖欠金额大约多少元？', action: '有人打算集体行动吗（停工、聚集、讨薪）？',
      'act.none': '没有', 'act.rumoured': '有人在说', 'act.planned': '已经约好了', 'act.underway': '正在发生', expected: '打算什么时候？', occurred: '事情发生的时间',
      privacy: '请不要写自己的真实姓名或电话。报告内容只给工会应急处置人员看。', submit: '提交报告',
      outboxWaiting: '等待发送的报告：', receiptsTitle: '已发送报告的查询码', clearReceipts: '从本手机删除这些查询码',
      needText: '请写下发生了什么。', needCity: '请填写城市。', sending: '正在发送……',
      savedOffline: '现在没有网络。报告已保存在本手机上，联网后会自动发送。', sentLater: '保存的报告已发送，查询码：',
      refused: '报告没有被接受：', retryLater: '服务器暂时无法接收，报告已保存，稍后自动重试。', unnamed: '（未填写）',
      followUpTitle: '查看进展 / 补充信息', codeLabel: '查询码', lookup: '查询', statusLabel: '状态：', receivedAt: '收到时间：', additions: '已补充：',
      addLabel: '补充信息（新的情况、人数、时间……）', addSubmit: '提交补充信息', backToForm: '报告新的情况',
      needCode: '请输入查询码，例如 RW-3K7QD-M2X9A。', notFound: '没有找到这个查询码，请检查后再试。',
      'st.received': '已收到', 'st.being_handled': '正在处理', 'st.closed': '已结束',
      'ex.received': '报告已收到，等待工会应急处置人员查看。', 'ex.being_handled': '工会应急处置人员正在处理。', 'ex.closed': '这件事已处理完毕。',
      addSent: '补充信息已发送。', needAddition: '请写下要补充的信息。', times: '次',
      keepCode: '在这部手机上保存查询码（借来的手机请不要勾选）'
    },
    en: {
      title: 'Report a labour risk', 'switch': '中文', intro: 'Only "what happened" and the city are required. You can send without a connection: the report stays on this phone and is sent once, when the connection returns.',
      receiptTitle: 'Your report was received', receiptKeep: 'Keep this tracking code to see progress or add information:', followUpLink: 'Progress / add information', another: 'Report something else',
      text: 'What happened?', required: '(required)', textHint: 'e.g. The station has not paid about 30 riders for October; some say they will go to the district government on Friday.',
      where: 'Where?', city: 'City', cityHint: 'e.g. Shenzhen', district: 'District / county', districtHint: 'e.g. Longgang', street: 'Street / town', streetHint: 'e.g. Bantian',
      who: 'Who is involved?', subjectName: 'Name of the company, station or platform', subjectHint: 'e.g. Bantian delivery station', subjectKind: 'It is', platform: 'Platform they work for (if any)',
      'kind.other': 'Not sure / other', 'kind.site': 'A station or depot', 'kind.platform': 'A platform company', 'kind.enterprise': 'A company or factory', 'kind.agent': 'An outsourcer or labour dispatcher',
      details: 'More (optional)', category: 'What is the problem?', unknown: 'Not sure',
      'cat.wage_arrears': 'Unpaid wages', 'cat.collective_action': 'Strike, gathering, protest', 'cat.pay_rule_change': 'Pay rates or rules changed', 'cat.account_deactivation': 'Accounts blocked',
      'cat.safety_incident': 'Accident or injury', 'cat.working_hours': 'Excessive hours', 'cat.social_insurance': 'Social or injury insurance', 'cat.outsourcing_dispute': 'Outsourcing or dispatch dispute',
      'cat.closure_relocation': 'Closure or relocation', 'cat.other': 'Other',
      sector: 'Which sector?', 'sec.food_delivery': 'Food delivery', 'sec.courier': 'Courier', 'sec.ride_hailing': 'Ride-hailing', 'sec.freight': 'Freight', 'sec.domestic_service': 'Domestic service',
      'sec.manufacturing': 'Manufacturing', 'sec.construction': 'Construction', 'sec.other': 'Other',
      workers: 'About how many workers?', amount: 'About how much is owed (CNY)?', action: 'Do people plan to act together (strike, gather, protest)?',
      'act.none': 'No', 'act.rumoured': 'People talk about it', 'act.planned': 'It is planned', 'act.underway': 'It is happening now', expected: 'When?', occurred: 'When did it happen?',
      privacy: 'Do not write your real name or phone number. Only the union response team reads reports.', submit: 'Send report',
      outboxWaiting: 'Reports waiting to be sent:', receiptsTitle: 'Tracking codes of reports sent', clearReceipts: 'Delete these codes from this phone',
      needText: 'Please write what happened.', needCity: 'Please give the city.', sending: 'Sending…',
      savedOffline: 'No connection now. The report is saved on this phone and will be sent when the connection returns.', sentLater: 'A saved report was sent; tracking code: ',
      refused: 'The report was not accepted: ', retryLater: 'The server cannot take reports right now; the report is saved and will be retried.', unnamed: '(not given)',
      followUpTitle: 'Progress / add information', codeLabel: 'Tracking code', lookup: 'Look up', statusLabel: 'Status:', receivedAt: 'Received:', additions: 'Additions:',
      addLabel: 'Add information (what is new, how many, when…)', addSubmit: 'Send addition', backToForm: 'Report something new',
      needCode: 'Enter the tracking code, e.g. RW-3K7QD-M2X9A.', notFound: 'No report has this tracking code; check it and try again.',
      'st.received': 'Received', 'st.being_handled': 'Being handled', 'st.closed': 'Closed',
      'ex.received': 'Your report was received and waits for the union response team.', 'ex.being_handled': 'The union response team is handling it.', 'ex.closed': 'This matter has been dealt with.',
      addSent: 'Your addition was sent.', needAddition: 'Please write what you want to add.', times: '',
      keepCode: 'Keep the tracking code on this phone (leave unticked on a borrowed phone)'
    }
  };

  // Issue 15: a report kept until it is accepted, the waiting notice, the review states and the history.
  Object.assign(T.zh, {
    whereHint: '点输入框可以从列表里选；列表里没有的地方，直接填写。',
    waitingTitle: '报告已保存在本手机上，还没有发出', waitingText: '现在没有网络（或服务器暂时收不到）。报告会自动发送，只发送一次，不需要再填一遍。发出后这里会显示查询码。',
    'st.in_review': '等待复核', 'st.not_taken_up': '未列为劳动风险',
    'ex.in_review': '系统没有把它列为劳动风险。工会人员会复核这份报告，再决定是否处理。',
    'ex.not_taken_up': '工会人员复核后，没有把它列为劳动关系风险。如果情况有变化，请补充信息。',
    'ex.received': '报告已收到，已转给工会应急处置人员，等待他们接手。'
  });
  Object.assign(T.en, {
    whereHint: 'Tap a field to pick from the list; type a place the list does not have.',
    waitingTitle: 'Your report is saved on this phone and not sent yet', waitingText: 'There is no connection now (or the server cannot take it yet). It will be sent by itself, once: no need to fill it in again. The tracking code will show here when it is sent.',
    'st.in_review': 'Waiting for review', 'st.not_taken_up': 'Not taken up as a labour risk',
    'ex.in_review': 'The system did not flag it as a labour risk. Union staff will review the report and decide whether to take it up.',
    'ex.not_taken_up': 'Union staff reviewed it and did not take it up as a labour-relations risk. If things change, add information.',
    'ex.received': 'Your report was received and passed to the union response team; it waits for them to take it up.'
  });

  var lang = read(LANG, 'zh') === 'en' ? 'en' : 'zh';
  var flushing = false;

  function $(id) { return document.getElementById(id); }
  function t(key) { return (T[lang] && T[lang][key]) || T.zh[key] || key; }
  function read(key, fallback) {
    try { var v = localStorage.getItem(key); return v === null ? fallback : JSON.parse(v); } catch (e) { return fallback; }
  }
  function write(key, value) { try { localStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* storage full or disabled */ } }

  function applyLanguage() {
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
    document.title = t(document.body.dataset.page === 'report' ? 'title' : 'followUpTitle') + ' · RiskWatch';
    Array.prototype.forEach.call(document.querySelectorAll('[data-i18n]'), function (el) { el.textContent = t(el.dataset.i18n); });
    Array.prototype.forEach.call(document.querySelectorAll('[data-i18n-placeholder]'), function (el) { el.placeholder = t(el.dataset.i18nPlaceholder); });
  }

  function say(message, kind) {
    var el = $('status');
    if (!el) { return; }
    el.textContent = message;
    el.className = kind || '';
  }

  function uuid() {
    if (window.crypto && typeof window.crypto.randomUUID === 'function') { return window.crypto.randomUUID(); }
    // randomUUID needs a secure context; getRandomValues does not.
    var b = new Uint8Array(16);
    window.crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join('');
    return h.slice(0, 8) + '-' + h.slice(8, 12) + '-' + h.slice(12, 16) + '-' + h.slice(16, 20) + '-' + h.slice(20);
  }

  // ISO 8601 with this phone's offset, as the contract asks: 2026-11-20T08:30:00+08:00.
  function isoWithOffset(date) {
    function p(n) { return (n < 10 ? '0' : '') + n; }
    var off = -date.getTimezoneOffset();
    var sign = off >= 0 ? '+' : '-';
    off = Math.abs(off);
    return date.getFullYear() + '-' + p(date.getMonth() + 1) + '-' + p(date.getDate()) + 'T' + p(date.getHours()) + ':' + p(date.getMinutes()) + ':' + p(date.getSeconds()) +
      sign + p(Math.floor(off / 60)) + ':' + p(off % 60);
  }
  function localInput(value) { return value ? new Date(value) : null; }

  // ---- outbox ---------------------------------------------------------------------------------------------
  function outbox() { return read(OUTBOX, []); }
  function enqueue(item) { var box = outbox(); box.push(item); write(OUTBOX, box); showOutbox(); }
  function remove(id) { write(OUTBOX, outbox().filter(function (i) { return i.id !== id; })); showOutbox(); }
  function showOutbox() {
    var box = outbox(), section = $('outbox');
    if (!section) { return; }
    section.hidden = box.length === 0;
    $('outbox-count').textContent = String(box.length);
  }

  // Sends what waits, one at a time, oldest first. An item leaves the outbox only on 202, or on a refusal that a
  // retry cannot fix (a 4xx other than 408 and 429); network errors and 5xx keep it for the next try.
  function flush() {
    if (flushing) { return Promise.resolve(); }
    var box = outbox();
    if (box.length === 0) { return Promise.resolve(); }
    flushing = true;
    var item = box[0];
    return fetch(item.url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(item.body), credentials: 'omit' })
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (answer) {
          if (response.status === 202) {
            remove(item.id);
            // Issue 14, finding 12: a code stays on the phone only when the informant asked (a borrowed phone keeps nothing).
            if (item.keep === true) { remember(answer.trackingCode); }
            if (item.current || waitingFor(item)) { accepted(item, answer.trackingCode); } else if (item.kind === 'followup') { say(t('addSent'), 'ok'); } else { say(t('sentLater') + answer.trackingCode, 'ok'); }
            return true;
          }
          if (response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429) {
            remove(item.id);
            refused(item, answer);
            return true;
          }
          if (item.current) { say(t('retryLater')); }
          return false;
        });
      }, function () {
        if (item.current) { say(t('savedOffline')); }
        return false;
      })
      .then(function (progressed) {
        flushing = false;
        markNotCurrent();
        if (progressed) { return flush(); }
      });
  }
  // ---- a report stays in the form until it is accepted (issue 15) ------------------------------------------
  // The form is cleared only on the server's 202. A refusal puts the report back in the form (when it had left it, as a
  // report sent from the outbox later) and each reason beside its field, in the page's language, with focus there.
  function waitingFor(item) { var w = $('waiting'); return !!(w && !w.hidden && item.kind === 'report'); }

  function accepted(item, code) {
    if (item.kind !== 'report' || !$('report-form')) { say(t('addSent'), 'ok'); return; }
    $('report-form').reset();
    window.RiskWatchFields.clear();
    $('waiting').hidden = true;
    showReceipt(code);
  }

  function refused(item, problem) {
    if (item.kind !== 'report' || !$('report-form') || !window.RiskWatchFields) { say(t('refused') + reasons(problem), 'error'); return; }
    if (item.fields && !$('text').value.trim()) { restore(item.fields); }
    $('waiting').hidden = true;
    $('receipt').hidden = true;
    $('report-form').hidden = false;
    say(window.RiskWatchFields.showProblem(problem, lang), 'error');
  }

  var FORM_FIELDS = ['text', 'city', 'district', 'street', 'subject-name', 'subject-kind', 'platform', 'category', 'sector', 'workers', 'amount', 'action', 'expected', 'occurred'];
  function snapshot() { var f = {}; FORM_FIELDS.forEach(function (id) { f[id] = $(id).value; }); return f; }
  function restore(fields) { FORM_FIELDS.forEach(function (id) { if (fields[id] !== undefined) { $(id).value = fields[id]; } }); }

  function markNotCurrent() { write(OUTBOX, outbox().map(function (i) { i.current = false; return i; })); }
  function reasons(problem) {
    if (problem && problem.errors) {
      return Object.keys(problem.errors).map(function (k) { return k + ': ' + problem.errors[k].join(', '); }).join('; ');
    }
    return (problem && (problem.detail || problem.title)) || '';
  }

  function remember(code) {
    if (!code) { return; }
    var list = read(RECEIPTS, []).filter(function (r) { return r.code !== code; });
    list.unshift({ code: code, at: isoWithOffset(new Date()) });
    write(RECEIPTS, list.slice(0, 10));
    showReceipts();
  }
  function showReceipts() {
    var section = $('receipts');
    if (!section) { return; }
    var list = read(RECEIPTS, []);
    section.hidden = list.length === 0;
    var ul = $('receipts-list');
    ul.textContent = '';
    list.forEach(function (r) {
      var li = document.createElement('li');
      var a = document.createElement('a');
      a.href = '/report/follow-up#' + encodeURIComponent(r.code);
      a.textContent = r.code;
      li.appendChild(a);
      li.appendChild(document.createTextNode(' · ' + r.at.slice(0, 16).replace('T', ' ')));
      ul.appendChild(li);
    });
  }

  // ---- the report form ------------------------------------------------------------------------------------
  function showReceipt(code) {
    say('');
    $('report-form').hidden = true;
    $('receipt').hidden = false;
    $('receipt-code').textContent = code;
    $('receipt-link').href = '/report/follow-up#' + encodeURIComponent(code);
  }

  function compose() {
    var text = $('text').value.trim(), city = $('city').value.trim();
    if (!text) { say(t('needText'), 'error'); window.RiskWatchFields.require('text', lang); return null; }
    if (!city) { say(t('needCity'), 'error'); window.RiskWatchFields.require('city', lang); return null; }
    var occurred = localInput($('occurred').value) || new Date();
    var report = {
      reportId: uuid(),
      source: 'informant',
      reporter: 'anonymous',
      occurredAt: isoWithOffset(occurred),
      location: { city: city },
      subject: { kind: $('subject-kind').value || 'other', name: $('subject-name').value.trim() || t('unnamed') },
      text: text,
      language: lang
    };
    if ($('district').value.trim()) { report.location.district = $('district').value.trim(); }
    if ($('street').value.trim()) { report.location.street = $('street').value.trim(); }
    if ($('platform').value.trim()) { report.subject.platform = $('platform').value.trim(); }
    if ($('category').value) { report.category = $('category').value; }
    if ($('sector').value) { report.sector = $('sector').value; }
    var workers = parseInt($('workers').value, 10);
    if (!isNaN(workers) && workers >= 0) { report.workersAffected = workers; }
    var amount = parseFloat($('amount').value);
    if (!isNaN(amount) && amount >= 0) { report.amountOwedCny = amount; }
    if ($('action').value) {
      report.collectiveAction = { status: $('action').value };
      var expected = localInput($('expected').value);
      if (expected) { report.collectiveAction.expectedAt = isoWithOffset(expected); }
    }
    return report;
  }

  // Offline (or the server away): the report waits in the outbox; the form makes way for a notice at the top of the
  // page, where the informant is looking, that says so. It comes back, filled in, only if the server refuses the report.
  function showWaiting() {
    say('');
    $('report-form').reset();
    $('report-form').hidden = true;
    $('receipt').hidden = true;
    $('waiting').hidden = false;
    window.scrollTo(0, 0);
    $('waiting').focus();
  }

  function initReport() {
    $('report-form').addEventListener('submit', function (e) {
      e.preventDefault();
      var report = compose();
      if (!report) { return; }
      markNotCurrent();
      var keep = document.getElementById('keep-code');
      window.RiskWatchFields.clear();
      enqueue({ id: report.reportId, kind: 'report', url: '/api/v1/form/reports', body: report, current: true, fields: snapshot(), keep: !!(keep && keep.checked) });
      if (navigator.onLine === false) { showWaiting(); } else { say(t('sending')); }
      flush().then(function () { if (outbox().some(function (i) { return i.id === report.reportId; })) { showWaiting(); } });
    });
    $('another').addEventListener('click', function () {
      $('receipt').hidden = true;
      $('waiting').hidden = true;
      $('report-form').hidden = false;
      say('');
    });
    // Forget: the codes leave the phone, not only the page.
    $('clear-receipts').addEventListener('click', function () { try { localStorage.removeItem(RECEIPTS); } catch (e) { /* storage disabled */ } showReceipts(); });
    showReceipts();
  }

  // ---- the follow-up page ---------------------------------------------------------------------------------
  var currentCode = null;

  function lookup(code) {
    currentCode = code;
    return fetch('/api/v1/follow-ups/' + encodeURIComponent(code), { credentials: 'omit' })
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (answer) {
          if (response.status === 200) {
            $('report-status').hidden = false;
            $('status-text').textContent = t('st.' + answer.status);
            $('status-explain').textContent = t('ex.' + answer.status);
            $('received-at').textContent = new Date(answer.receivedAt).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en');
            $('additions').textContent = answer.additions + (lang === 'zh' ? t('times') : '');
            if (window.RiskWatchHistory) { window.RiskWatchHistory.show(answer.history, lang); }
            $('report-status').setAttribute('data-status', answer.status);
            currentCode = answer.trackingCode;
          } else {
            $('report-status').hidden = true;
            say(response.status === 404 ? t('notFound') : reasons(answer), 'error');
          }
        });
      }, function () { say(t('savedOffline').split('。')[0], 'error'); });
  }

  function initFollowUp() {
    var initial = decodeURIComponent((location.hash || '').slice(1));
    if (initial) { $('code').value = initial; lookup(initial); }
    $('lookup-form').addEventListener('submit', function (e) {
      e.preventDefault();
      var code = $('code').value.trim();
      if (!code) { say(t('needCode'), 'error'); return; }
      say('');
      lookup(code);
    });
    $('add-form').addEventListener('submit', function (e) {
      e.preventDefault();
      var text = $('add-text').value.trim();
      if (!text) { say(t('needAddition'), 'error'); return; }
      var id = uuid();
      markNotCurrent();
      enqueue({ id: id, kind: 'followup', url: '/api/v1/follow-ups/' + encodeURIComponent(currentCode), body: { reportId: id, text: text, language: lang }, current: false });
      $('add-text').value = '';
      say(t('sending'));
      flush().then(function () { if (currentCode) { lookup(currentCode); } });
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    applyLanguage();
    $('lang').addEventListener('click', function () { lang = lang === 'zh' ? 'en' : 'zh'; write(LANG, lang); applyLanguage(); });
    if (document.body.dataset.page === 'report') { initReport(); } else { initFollowUp(); }
    showOutbox();
    window.addEventListener('online', function () { flush(); });
    // Phones do not always fire "online"; try again now and then while something waits.
    setInterval(function () { if (outbox().length > 0 && navigator.onLine !== false) { flush(); } }, 15000);
    flush();
  });
}());
