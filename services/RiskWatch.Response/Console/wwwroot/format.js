// Pure formatting for the console: no DOM, no network, so it is tested on its own.

/** Minutes, hours and days in words: "14 分", "1 小时 5 分", "2 天 3 小时"; English "14 min", "1 h 5 min", "2 d 3 h". */
export function span(seconds, lang) {
  const zh = lang !== 'en';
  const s = Math.abs(Math.trunc(seconds));
  const days = Math.floor(s / 86400), hours = Math.floor(s / 3600) % 24, minutes = Math.floor(s / 60) % 60;
  if (days > 0) return zh ? `${days} 天 ${hours} 小时` : `${days} d ${hours} h`;
  if (hours > 0) return zh ? `${hours} 小时 ${minutes} 分` : `${hours} h ${minutes} min`;
  if (minutes > 0) return zh ? `${minutes} 分` : `${minutes} min`;
  return zh ? `${s} 秒` : `${s} s`;
}

/**
 * Time left to a deadline, as a responder reads it: "剩余 14 分" or "已超时 3 分" ("14 min left", "overdue by 3 min").
 * Returns the text and whether it is overdue.
 */
export function deadline(dueIso, nowMs, lang) {
  const left = Math.round((Date.parse(dueIso) - nowMs) / 1000);
  const zh = lang !== 'en';
  const words = span(left, lang);
  if (left >= 0) return { text: zh ? `剩余 ${words}` : `${words} left`, overdue: false };
  return { text: zh ? `已超时 ${words}` : `overdue by ${words}`, overdue: true };
}

/** A time in China time (UTC+8, no daylight saving), the way the console shows every time: "11月20日 08:45" / "20 Nov 08:45". */
export function chinaTime(iso, lang) {
  const at = new Date(Date.parse(iso) + 8 * 3600 * 1000);
  const p = (n) => String(n).padStart(2, '0');
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const hm = `${p(at.getUTCHours())}:${p(at.getUTCMinutes())}`;
  return lang === 'en' ? `${at.getUTCDate()} ${months[at.getUTCMonth()]} ${hm}` : `${at.getUTCMonth() + 1}月${at.getUTCDate()}日 ${hm}`;
}

/** Today's date in China time as yyyy-mm-dd, moved by some days. */
export function chinaDate(nowMs, plusDays) {
  const at = new Date(nowMs + 8 * 3600 * 1000 + (plusDays || 0) * 86400 * 1000);
  return at.toISOString().slice(0, 10);
}

/** The next deadline still running for an alert as the list shows it: acknowledge while new, then the first action. */
export function nextDeadline(alert) {
  if (alert.status === 'new' && alert.deadlines.acknowledgeDueAt) return { kind: 'acknowledge', due: alert.deadlines.acknowledgeDueAt };
  if (!alert.handling.firstActionAt && ['new', 'acknowledged'].includes(alert.status) && alert.deadlines.actDueAt) {
    return { kind: 'act', due: alert.deadlines.actDueAt };
  }
  return null;
}

/** The list's state in the address (#/?grade=red&sort=grade): a filter survives a reload and the back button. */
export function readQuery(hash) {
  const at = hash.indexOf('?');
  const params = new URLSearchParams(at >= 0 ? hash.slice(at + 1) : '');
  const q = {};
  for (const key of ['sort', 'status', 'grade', 'tier', 'district', 'q', 'page']) { const v = params.get(key); if (v) q[key] = v; }
  for (const key of ['mine', 'overdue']) { if (params.get(key) === 'true') q[key] = 'true'; }
  return q;
}

export function writeQuery(q) {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) { if (v !== undefined && v !== null && v !== '' && !(k === 'page' && String(v) === '1')) params.set(k, v); }
  const s = params.toString();
  return s ? `#/?${s}` : '#/';
}

/** WCAG 2 contrast ratio of two CSS colours given as rgb()/rgba() strings or #rrggbb. */
export function contrast(foreground, background) {
  const rgb = (c) => {
    const hex = /^#([0-9a-f]{6})$/i.exec(c);
    if (hex) return [0, 2, 4].map((i) => parseInt(hex[1].slice(i, i + 2), 16));
    return (c.match(/[\d.]+/g) || []).slice(0, 3).map(Number);
  };
  const lum = (c) => {
    const [r, g, b] = rgb(c).map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [a, b] = [lum(foreground), lum(background)].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
}
