// How the console writes durations, times, money and ids, in the current language.
import { t, language } from '/i18n/i18n.js';
import { money, minorUnits, knownCurrencyCode, duration } from '/app/format.js';


/** "12 s ago" for a past moment given in epoch milliseconds ("just now" under 2 s). */
export function ago(epochMs, now = Date.now()) {
  const seconds = Math.floor((now - epochMs) / 1000);
  if (seconds < 2) return t('admin.justNow');
  return t('admin.ago', { duration: duration(seconds) });
}

/** Whole seconds from an ISO-8601 instant to now (never negative, whatever the clocks say). */
export function secondsSince(iso, now = Date.now()) {
  const at = Date.parse(iso);
  return Number.isNaN(at) ? 0 : Math.max(0, Math.floor((now - at) / 1000));
}

/** Local wall-clock time of an ISO instant, with the date when it is not today. */
export function clock(iso) {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return '';
  const sameDay = at.toDateString() === new Date().toDateString();
  const options = sameDay
    ? { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false }
    : { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false };
  return new Intl.DateTimeFormat(language(), options).format(at);
}

/** Money (ledger minor units as currency units with two decimals and grouping) and durations: written as the app writes them. */
export { money, minorUnits, knownCurrencyCode, duration };

export function count(n) {
  return new Intl.NumberFormat(language()).format(Number(n) || 0);
}

/** The first block of a UUID: enough to tell sessions apart on screen; the full id goes in a title. */
export function shortId(id) {
  return id ? String(id).split('-')[0] : '';
}

/** The translation of `${prefix}.${value}`, or the value itself when there is none (a state a newer server added). */
export function translated(prefix, value) {
  const key = `${prefix}.${value}`;
  const text = t(key);
  return text === key ? String(value) : text;
}

/** What an audited action did, in a few words beside its name: the amount, the outcome, the end of a suspension. */
export function auditDetail({ action, details = {} }) {
  switch (action) {
    case 'session.refund':
    case 'wallet.credit':
      return details.amount != null ? money(details.amount) : '';
    case 'session.end':
      return details.outcome ? translated('admin.session', details.outcome) : '';
    case 'user.suspend':
      return details.until ? t('admin.audit.until', { time: clock(details.until) }) : '';
    case 'penalty.waive':
      return details.feeRefunded ? t('admin.audit.feeBack', { amount: money(details.feeRefunded) }) : '';
    default:
      return '';
  }
}

/** Whom an audited action concerned: their name when the server knows it, and what it was. */
export function auditSubject(subject) {
  const what = `${translated('admin.audit.subject', subject?.type)} ${shortId(subject?.id)}`;
  return subject?.name ? `${subject.name} (${what})` : what;
}
