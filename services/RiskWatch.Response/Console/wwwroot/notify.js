// Noticing what matters without watching the list: a new red alert or an escalation in the responder's scope raises a
// notice in the page, a desktop notification (once the responder allowed it) and a short sound (unless muted).
import { $, toast } from './core.js';
import { t } from './i18n.js';

const MUTED = 'riskwatch.console.muted';
let audio = null;

export function muted() { return localStorage.getItem(MUTED) === 'true'; }

export function drawControls() {
  const notifyButton = $('notify');
  const muteButton = $('mute');
  const permission = 'Notification' in window ? Notification.permission : 'denied';
  notifyButton.textContent = permission === 'granted' ? t('notifyOff') : permission === 'denied' ? t('notifyDenied') : t('notifyOn');
  notifyButton.disabled = permission !== 'default';
  notifyButton.setAttribute('aria-pressed', permission === 'granted' ? 'true' : 'false');
  muteButton.textContent = muted() ? t('unmute') : t('mute');
  muteButton.setAttribute('aria-pressed', muted() ? 'true' : 'false');
}

export function init() {
  $('notify').addEventListener('click', async () => {
    if ('Notification' in window && Notification.permission === 'default') await Notification.requestPermission();
    unlockSound();
    drawControls();
  });
  $('mute').addEventListener('click', () => { localStorage.setItem(MUTED, muted() ? 'false' : 'true'); unlockSound(); drawControls(); });
  // Browsers start sound only after a gesture on the page: the first click or key press unlocks it.
  document.addEventListener('pointerdown', unlockSound, { once: true });
  document.addEventListener('keydown', unlockSound, { once: true });
  drawControls();
}

function unlockSound() {
  if (!audio && (window.AudioContext || window.webkitAudioContext)) audio = new (window.AudioContext || window.webkitAudioContext)();
  if (audio && audio.state === 'suspended') audio.resume();
}

/** Two short tones, made in the page (no sound file to fetch). */
function beep() {
  if (muted()) return false;
  unlockSound();
  if (!audio) return false;
  const start = audio.currentTime;
  for (const [offset, frequency] of [[0, 880], [0.22, 660]]) {
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.frequency.value = frequency;
    gain.gain.setValueAtTime(0.001, start + offset);
    gain.gain.exponentialRampToValueAtTime(0.3, start + offset + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.001, start + offset + 0.2);
    osc.connect(gain).connect(audio.destination);
    osc.start(start + offset);
    osc.stop(start + offset + 0.21);
  }
  return true;
}

const told = new Set();

/** What an event from the live stream means for the responder: a new red, an escalation, or nothing to shout about. */
export function consider(change) {
  const red = change.grade === 'red' && ['opened', 'regraded', 'corroborated', 'promoted', 'merged_in', 'split_from'].includes(change.kind);
  const escalated = change.kind === 'escalated';
  if (!red && !escalated) return;
  const key = `${change.alertId}:${escalated ? 'escalated:' + change.eventId : 'red'}`;
  if (told.has(key)) return;
  told.add(key);
  const title = escalated ? t('escalation') : t('newRed');
  const text = escalated ? t('toastEscalated')(change.subject) : t('toastNewRed')(change.subject);
  toast(text, escalated ? 'escalated' : 'red');
  beep();
  if ('Notification' in window && Notification.permission === 'granted') {
    const notice = new Notification(title, { body: change.subject, tag: key, requireInteraction: change.grade === 'red' });
    notice.onclick = () => { window.focus(); location.hash = `#/alerts/${change.alertId}`; notice.close(); };
  }
}
