// The follow-up page's history: what happened to the report, in plain words and China time, and the messages the union
// chose to send back. Never notes, never who. Loaded before app.js.
(function () {
  'use strict';

  var WORDS = {
    zh: {
      title: '进展', received: '报告已收到', added: '您补充了信息', in_review: '系统没有把它列为劳动风险，已交给工会人员复核',
      dismissed: '工会人员复核后，没有把它列为劳动关系风险。如果情况有变化，请在下面补充信息。', promoted: '工会人员复核后，已转给应急处置人员处理',
      alerted: '已转给工会应急处置人员', acknowledged: '工会应急处置人员已接手', assigned: '已安排专人处理', escalated: '已交由上一级工会处理',
      resolved: '已处理完毕', closed: '这件事已结束', reopened: '重新开始处理', message: '工会给您的消息：',
      outcome: { mediated: '调解成功', wages_paid: '工资已支付', referred_to_labour_inspection: '已移交劳动监察', false_alarm: '经核实不属于劳动风险', other: '' }
    },
    en: {
      title: 'Progress', received: 'Report received', added: 'You added information', in_review: 'Not flagged as a labour risk by the system; passed to union staff to review',
      dismissed: 'Union staff reviewed it and did not take it up as a labour-relations risk. If things change, add information below.', promoted: 'Union staff reviewed it and passed it to the response team',
      alerted: 'Passed to the union response team', acknowledged: 'The union response team took it up', assigned: 'Someone was assigned to it', escalated: 'Passed up to the next level of the union',
      resolved: 'Dealt with', closed: 'Closed', reopened: 'Taken up again', message: 'Message from the union: ',
      outcome: { mediated: 'settled by mediation', wages_paid: 'wages were paid', referred_to_labour_inspection: 'referred to labour inspection', false_alarm: 'found not to be a labour risk', other: '' }
    }
  };

  // China time (UTC+8), as every time in RiskWatch's pages.
  function time(iso, lang) {
    var at = new Date(Date.parse(iso) + 8 * 3600 * 1000);
    function p(n) { return (n < 10 ? '0' : '') + n; }
    var hm = p(at.getUTCHours()) + ':' + p(at.getUTCMinutes());
    return lang === 'en'
      ? at.getUTCFullYear() + '-' + p(at.getUTCMonth() + 1) + '-' + p(at.getUTCDate()) + ' ' + hm
      : (at.getUTCMonth() + 1) + '月' + at.getUTCDate() + '日 ' + hm;
  }

  function text(step, w) {
    if (step.kind === 'message') { return w.message + (step.text || ''); }
    if (step.kind === 'resolved' && step.text && w.outcome[step.text]) { return w.resolved + (w === WORDS.en ? ': ' : '：') + w.outcome[step.text]; }
    return w[step.kind] || '';
  }

  /** Draws the steps into the list #history (newest last), each with its time; messages stand out. */
  function show(steps, lang) {
    var list = document.getElementById('history');
    if (!list) { return; }
    var w = WORDS[lang === 'en' ? 'en' : 'zh'];
    list.textContent = '';
    (steps || []).forEach(function (step) {
      var words = text(step, w);
      if (!words) { return; }
      var li = document.createElement('li');
      li.className = step.kind === 'message' ? 'message' : '';
      li.setAttribute('data-kind', step.kind);
      var when = document.createElement('time');
      when.dateTime = step.at;
      when.textContent = time(step.at, lang);
      li.appendChild(when);
      li.appendChild(document.createTextNode(' ' + words));
      list.appendChild(li);
    });
    var title = document.getElementById('history-title');
    if (title) { title.textContent = w.title; }
  }

  window.RiskWatchHistory = { show: show };
}());
