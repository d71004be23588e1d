// The form's errors beside their fields, in the page's language: what the server refused (field by field, from its
// problem details) or what the page itself checks, with focus moved to the first field to fix. Loaded before app.js.
(function () {
  'use strict';

  // Contract field -> the input that holds it.
  var INPUTS = {
    'text': 'text', 'location.city': 'city', 'location.district': 'district', 'location.street': 'street',
    'subject.name': 'subject-name', 'subject.kind': 'subject-kind', 'subject.platform': 'platform', 'category': 'category', 'sector': 'sector',
    'workersAffected': 'workers', 'amountOwedCny': 'amount', 'collectiveAction': 'action', 'collectiveAction.status': 'action',
    'collectiveAction.expectedAt': 'expected', 'occurredAt': 'occurred'
  };

  var WORDS = {
    zh: {
      summary: '报告还没有被接受。请修改下面标出的地方，再点“提交报告”。写的内容都还在。',
      required: '这一项必须填写。', future: '时间不能晚于现在。请检查日期和时间。', tooLong: '太长了，最多 {n} 个字。',
      number: '请填一个数字（0 或更大）。', time: '请选择一个有效的日期和时间。', choice: '请从列表里选择一项。', other: '这一项填写有误，请检查。',
      general: '报告没有被接受：'
    },
    en: {
      summary: 'The report was not accepted yet. Fix what is marked below and press “Send report” again. What you wrote is still here.',
      required: 'This is required.', future: 'The time cannot be later than now. Check the date and time.', tooLong: 'Too long: at most {n} characters.',
      number: 'Enter a number (0 or more).', time: 'Choose a valid date and time.', choice: 'Choose one from the list.', other: 'Please check this field.',
      general: 'The report was not accepted: '
    }
  };

  function words(lang) { return WORDS[lang === 'en' ? 'en' : 'zh']; }

  /** The reason the server gave, in the page's language. */
  function reasonFor(reason, lang) {
    var w = words(lang);
    var r = String(reason || '');
    var most = /at most (\d+) characters/.exec(r);
    if (most) { return w.tooLong.replace('{n}', most[1]); }
    if (/required|must not be empty/.test(r)) { return w.required; }
    if (/future/.test(r)) { return w.future; }
    if (/number/.test(r)) { return w.number; }
    if (/timestamp|ISO 8601/.test(r)) { return w.time; }
    if (/one of/.test(r)) { return w.choice; }
    return w.other;
  }

  function clear() {
    Array.prototype.forEach.call(document.querySelectorAll('.field-error'), function (n) { n.parentNode.removeChild(n); });
    Array.prototype.forEach.call(document.querySelectorAll('[aria-invalid]'), function (n) {
      n.removeAttribute('aria-invalid');
      n.removeAttribute('aria-describedby');
    });
  }

  /** Puts one reason under its input; returns the input. */
  function mark(inputId, text) {
    var input = document.getElementById(inputId);
    if (!input) { return null; }
    var note = document.createElement('p');
    note.className = 'field-error';
    note.id = inputId + '-error';
    note.textContent = text;
    input.setAttribute('aria-invalid', 'true');
    input.setAttribute('aria-describedby', note.id);
    input.parentNode.insertBefore(note, input.nextSibling);
    return input;
  }

  /**
   * Shows the server's refusal (RFC 7807 problem details with errors per field): each field's reason beside its input,
   * a summary where the informant is looking, and focus on the first field to fix. Returns the summary text.
   */
  function showProblem(problem, lang) {
    clear();
    var w = words(lang);
    var errors = (problem && problem.errors) || {};
    var first = null, unplaced = [];
    Object.keys(errors).forEach(function (field) {
      var text = reasonFor((errors[field] || [])[0], lang);
      var input = INPUTS[field] ? mark(INPUTS[field], text) : null;
      if (!input) { unplaced.push(text); }
      if (input && !first) { first = input; }
    });
    if (first) {
      first.focus();
      if (first.scrollIntoView) { first.scrollIntoView({ block: 'center' }); }
      return w.summary + (unplaced.length ? ' ' + unplaced.join(' ') : '');
    }
    return w.general + (unplaced.length ? unplaced.join(' ') : w.other);
  }

  /** The page's own check before sending: a required field left empty is marked and focused. */
  function require(inputId, lang) {
    clear();
    var input = mark(inputId, words(lang).required);
    if (input) { input.focus(); }
  }

  window.RiskWatchFields = { showProblem: showProblem, clear: clear, require: require, reasonFor: reasonFor };
}());
