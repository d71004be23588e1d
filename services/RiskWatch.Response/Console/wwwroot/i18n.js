// The console's words in Simplified Chinese and English. Every string a responder reads comes from here (or, for the
// timeline, from the server in the language asked for), so a language switch changes the whole page.
export const TEXT = {
  zh: {
    title: 'RiskWatch 211 预警处置台', skip: '跳到主要内容', offline: '未连接', online: '实时更新中', connecting: '正在连接…', logout: '退出', apiKey: '应急先锋队员 API 密钥', login: '登录',
    switchTo: 'English', navAlerts: '预警', navReview: '待复核', navStats: '数据',
    alerts: '辖区预警', grade: '等级', subject: '对象', place: '地点', tier: '牵头层级', status: '状态', reports: '报告', deadline: '时限',
    back: '← 返回列表', notFound: '未找到该预警，或不在您的辖区内。', badKey: '密钥无效或已吊销。', forbidden: '控制台仅供应急先锋队员和管理员使用。',
    acknowledged: '已确认', noDeadline: '—', reasons: '模型依据', timeline: '处置记录', reportsTitle: '报告（信息员以化名显示）',
    left: '剩余', overdueBy: '已超时', ackDue: '确认时限', actDue: '处置时限', ackMissed: '确认超时', actMissed: '处置超时', met: '已完成于', missedWord: '已错过',
    timerEscalated: '计时器升级', escalatedTimes: (n) => `已升级 ${n} 次`, timerEscalatedTimes: (n) => `超时自动升级 ${n} 次`,
    minutes: '分', hours: '小时', days: '天', seconds: '秒',
    search: '搜索对象、查询码或预警编号', searchButton: '搜索', filterGrade: '等级', filterStatus: '状态', filterTier: '层级', filterDistrict: '区',
    all: '全部', mine: '只看我的', overdueOnly: '只看超时', sort: '排序', sortDeadline: '时限最紧的在前', sortGrade: '等级最高的在前', sortNewest: '最新的在前',
    statusOpen: '未办结', statusAll: '全部状态', counts: '按等级', districts: '按区', showing: (from, to, total) => total === 0 ? '没有符合条件的预警' : `共 ${total} 条，显示第 ${from}–${to} 条`,
    previous: '上一页', next: '下一页', page: (p, n) => `第 ${p} / ${n} 页`, clearFilters: '清除筛选',
    select: '选择', selectAlert: (s) => `选择预警：${s}`, bulkAck: (n) => `确认接收所选（${n}）`, bulkDone: (n, m) => `已确认 ${n} 条${m > 0 ? `，${m} 条未能确认（状态已变化或不在辖区）` : ''}`,
    open: '打开', alertNo: (id) => `预警 #${id}`, team: '负责团队', model: '模型', policy: '处置策略',
    acknowledge: '确认接收', assign: '指派', assignee: '指派给', assigneeLeading: '本层级人员', assigneeOthers: '其他可处理人员', noAssignees: '没有找到本辖区的应急先锋队员',
    note: '备注', addNote: '添加备注', regrade: '调整等级', newGrade: '新等级', reason: '理由', reasonEscalate: '上报理由（必填）',
    escalate: '上报上一层级', resolve: '办结', outcome: '办结结果', close: '关闭预警', reopen: '重新打开', reopenReason: '重新打开的理由',
    message: '给信息员发消息', messageText: '消息内容（信息员在查询页面可以看到）', sendMessage: '发送消息',
    merge: '与另一条预警合并', mergeInto: '并入的预警编号', mergeReason: '合并理由', mergeButton: '合并',
    split: '拆出为新预警', splitReason: '拆出理由', splitButton: '拆出',
    cap: '下载 CAP 1.2 预警消息（XML，供其他系统使用）', actions: '处置操作',
    grades: { red: '红色', orange: '橙色', yellow: '黄色', blue: '蓝色', none: '无风险' },
    gradeBadge: { red: '红色 Ⅰ级', orange: '橙色 Ⅱ级', yellow: '黄色 Ⅲ级', blue: '蓝色 Ⅳ级', none: '无风险' },
    tiers: { street: '街道', district: '区级', city: '市级', joint: '市联动机制' },
    statuses: { new: '新', acknowledged: '已确认', in_handling: '处置中', resolved: '已办结', closed: '已关闭' },
    outcomes: { mediated: '调解成功', wages_paid: '工资已支付', referred_to_labour_inspection: '移交劳动监察', false_alarm: '误报', other: '其他' },
    failed: '操作未完成：', done: '已完成。', required: '请填写此项。',
    errors: {
      400: '输入有误，请检查标出的内容。', 401: '登录已过期，请重新登录。', 403: '您没有权限执行此操作。', 404: '未找到该预警，或不在您的辖区内。',
      409: '当前状态不允许此操作（可能刚被其他人处理过），页面已刷新。', 413: '内容太长。', 429: '操作太频繁，请稍后再试。', 500: '服务器出错，请稍后再试。', network: '网络连接失败，请检查网络后再试。'
    },
    fields: { reason: '理由', text: '内容', assignee: '指派对象', grade: '等级', outcome: '结果', note: '备注', intoAlertId: '预警编号', reportId: '报告', alertIds: '所选预警' },
    fieldReasons: { required: '必须填写', tooLong: '太长了', notFound: '不存在或不在辖区内', sameAlert: '不能与本预警相同', invalid: '格式不正确' },
    notifyOn: '开启桌面提醒', notifyOff: '桌面提醒已开启', notifyDenied: '浏览器已拒绝提醒', mute: '静音', unmute: '取消静音',
    newRed: '新的红色预警', escalation: '预警已升级', toastNewRed: (s) => `新的红色预警：${s}`, toastEscalated: (s) => `预警已升级：${s}`,
    reviewTitle: '待复核报告（模型判定无风险，尚未开启预警）', reviewEmpty: '没有待复核的报告。', reviewDismiss: '不予处理', reviewPromote: '转为预警',
    reviewPromoteGrade: '定级', reviewReason: '理由', reviewDismissReason: '理由（可不填）', reviewDone: (g) => `已转为${g}预警`, reviewDismissed: '已标记为不予处理',
    reviewModel: (p) => `模型判定无风险的概率 ${p}%`, received: '收到时间', trackingCode: '查询码', openAlert: '查看预警',
    statsTitle: '处置数据', statsFrom: '开始日期', statsTo: '结束日期', statsShow: '查看', statsBy: { grade: '按等级', tier: '按层级', district: '按区' },
    statsCols: ['类别', '开启', '已确认', '确认用时（中位数）', '确认用时（90%）', '已办结', '办结用时（中位数）', '办结用时（90%）'],
    exportCsv: '导出 CSV（含处置记录）', statsNone: '该期间没有预警。'
  },
  en: {
    title: 'RiskWatch 211 response console', skip: 'Skip to main content', offline: 'offline', online: 'live', connecting: 'connecting…', logout: 'Log out', apiKey: 'Responder API key', login: 'Log in',
    switchTo: '中文', navAlerts: 'Alerts', navReview: 'To review', navStats: 'Figures',
    alerts: 'Alerts in your jurisdiction', grade: 'Grade', subject: 'Subject', place: 'Place', tier: 'Leading tier', status: 'Status', reports: 'Reports', deadline: 'Deadline',
    back: '← Back to the list', notFound: 'No such alert, or it is outside your jurisdiction.', badKey: 'The key is unknown or revoked.', forbidden: 'The console is for responders and admins.',
    acknowledged: 'acknowledged', noDeadline: '—', reasons: 'Model reasons', timeline: 'Timeline', reportsTitle: 'Reports (informants by pseudonym)',
    left: 'left', overdueBy: 'overdue by', ackDue: 'Acknowledge by', actDue: 'Act by', ackMissed: 'acknowledge deadline missed', actMissed: 'action deadline missed', met: 'met at', missedWord: 'missed',
    timerEscalated: 'escalated by timer', escalatedTimes: (n) => `escalated ${n}×`, timerEscalatedTimes: (n) => `escalated by the timer ${n}×`,
    minutes: 'min', hours: 'h', days: 'd', seconds: 's',
    search: 'Search subject, tracking code or alert number', searchButton: 'Search', filterGrade: 'Grade', filterStatus: 'Status', filterTier: 'Tier', filterDistrict: 'District',
    all: 'All', mine: 'Only mine', overdueOnly: 'Only overdue', sort: 'Sort', sortDeadline: 'Most urgent deadline first', sortGrade: 'Highest grade first', sortNewest: 'Newest first',
    statusOpen: 'Open', statusAll: 'Any status', counts: 'By grade', districts: 'By district', showing: (from, to, total) => total === 0 ? 'No alert matches' : `${total} alerts, showing ${from}–${to}`,
    previous: 'Previous', next: 'Next', page: (p, n) => `Page ${p} of ${n}`, clearFilters: 'Clear filters',
    select: 'Select', selectAlert: (s) => `Select alert: ${s}`, bulkAck: (n) => `Acknowledge selected (${n})`, bulkDone: (n, m) => `${n} acknowledged${m > 0 ? `, ${m} could not be (status changed or outside your jurisdiction)` : ''}`,
    open: 'Open', alertNo: (id) => `Alert #${id}`, team: 'Team', model: 'model', policy: 'policy',
    acknowledge: 'Acknowledge', assign: 'Assign', assignee: 'Assign to', assigneeLeading: 'Leading tier', assigneeOthers: 'Others who may handle it', noAssignees: 'No responder of this place was found',
    note: 'Note', addNote: 'Add note', regrade: 'Regrade', newGrade: 'New grade', reason: 'Reason', reasonEscalate: 'Why escalate (required)',
    escalate: 'Escalate', resolve: 'Resolve', outcome: 'Outcome', close: 'Close', reopen: 'Reopen', reopenReason: 'Why reopen',
    message: 'Message the informants', messageText: 'Message (informants see it on their follow-up page)', sendMessage: 'Send message',
    merge: 'Merge with another alert', mergeInto: 'Alert number to merge into', mergeReason: 'Why merge', mergeButton: 'Merge',
    split: 'Split out as a new alert', splitReason: 'Why split it out', splitButton: 'Split out',
    cap: 'Download the CAP 1.2 alert message (XML, for other systems)', actions: 'Actions',
    grades: { red: 'red', orange: 'orange', yellow: 'yellow', blue: 'blue', none: 'no risk' },
    gradeBadge: { red: 'Red I', orange: 'Orange II', yellow: 'Yellow III', blue: 'Blue IV', none: 'No risk' },
    tiers: { street: 'street', district: 'district', city: 'city', joint: 'joint mechanism' },
    statuses: { new: 'new', acknowledged: 'acknowledged', in_handling: 'in handling', resolved: 'resolved', closed: 'closed' },
    outcomes: { mediated: 'mediated', wages_paid: 'wages paid', referred_to_labour_inspection: 'referred to labour inspection', false_alarm: 'false alarm', other: 'other' },
    failed: 'Not done: ', done: 'Done.', required: 'Please fill this in.',
    errors: {
      400: 'Something is wrong with the input; see the marked fields.', 401: 'Your session expired; log in again.', 403: 'You may not do this.', 404: 'No such alert, or it is outside your jurisdiction.',
      409: 'The alert\'s status does not allow this (someone may have just handled it); the page was refreshed.', 413: 'That is too long.', 429: 'Too many requests; try again shortly.', 500: 'The server failed; try again shortly.', network: 'The network failed; check the connection and try again.'
    },
    fields: { reason: 'Reason', text: 'Text', assignee: 'Assignee', grade: 'Grade', outcome: 'Outcome', note: 'Note', intoAlertId: 'Alert number', reportId: 'Report', alertIds: 'Selected alerts' },
    fieldReasons: { required: 'is required', tooLong: 'is too long', notFound: 'does not exist or is outside your jurisdiction', sameAlert: 'must be another alert', invalid: 'is not valid' },
    notifyOn: 'Turn on desktop alerts', notifyOff: 'Desktop alerts on', notifyDenied: 'The browser blocked alerts', mute: 'Mute', unmute: 'Unmute',
    newRed: 'New red alert', escalation: 'Alert escalated', toastNewRed: (s) => `New red alert: ${s}`, toastEscalated: (s) => `Alert escalated: ${s}`,
    reviewTitle: 'Reports to review (the model saw no risk; no alert opened)', reviewEmpty: 'No report waits for review.', reviewDismiss: 'Not a risk', reviewPromote: 'Open an alert',
    reviewPromoteGrade: 'Grade', reviewReason: 'Reason', reviewDismissReason: 'Reason (optional)', reviewDone: (g) => `Opened as a ${g} alert`, reviewDismissed: 'Marked as not a risk',
    reviewModel: (p) => `The model gave ${p}% for no risk`, received: 'Received', trackingCode: 'Tracking code', openAlert: 'Open the alert',
    statsTitle: 'Handling figures', statsFrom: 'From', statsTo: 'To', statsShow: 'Show', statsBy: { grade: 'By grade', tier: 'By tier', district: 'By district' },
    statsCols: ['Group', 'Opened', 'Acknowledged', 'To acknowledge (median)', 'To acknowledge (90%)', 'Resolved', 'To resolve (median)', 'To resolve (90%)'],
    exportCsv: 'Export CSV (with timelines)', statsNone: 'No alert in this period.'
  }
};

let current = localStorage.getItem('riskwatch.lang') === 'en' ? 'en' : 'zh';

export function lang() { return current; }

export function setLang(value) {
  current = value === 'en' ? 'en' : 'zh';
  localStorage.setItem('riskwatch.lang', current);
}

/** The word for a key in the current language; a function entry is returned as it is (call it with its arguments). */
export function t(key) {
  return TEXT[current][key] ?? TEXT.zh[key] ?? key;
}
