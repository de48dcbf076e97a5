// Formatting that follows the chosen language. Money travels as integer minor units of an ISO 4217
// currency (CNY's fen, USD's cents: docs/protocol.md); it is shown here in the reader's language
// with the currency's sign and its own number of decimals ("¥20.00", "CN¥20.00", "$20.00").
import { t, language } from '/i18n/i18n.js';

/** The currency the server last named: amounts that come without one are in it. */
let knownCurrency = null;

export function rememberCurrency(currency) {
  if (currency) knownCurrency = currency;
}

/** The currency the server last named, or null before it named one. */
export function knownCurrencyCode() {
  return knownCurrency;
}

function moneyFormat(currency, signDisplay) {
  const code = currency || knownCurrency;
  if (!code) return new Intl.NumberFormat(language(), { minimumFractionDigits: 2, maximumFractionDigits: 2, signDisplay });
  return new Intl.NumberFormat(language(), { style: 'currency', currency: code, signDisplay });
}

function major(minorUnits, format) {
  const digits = format.resolvedOptions().maximumFractionDigits;
  return Number(minorUnits || 0) / 10 ** digits;
}

/** An amount in minor units of `currency` (or of the last currency the server named). */
export function money(minorUnits, currency) {
  rememberCurrency(currency);
  const format = moneyFormat(currency, 'auto');
  return format.format(major(minorUnits, format));
}

/** The same, always with its sign: "+¥50.00", "−¥20.00". */
export function signedMoney(minorUnits, currency) {
  rememberCurrency(currency);
  const format = moneyFormat(currency, 'exceptZero');
  return format.format(major(minorUnits, format));
}

/** Minor units of an amount a person typed in major units ("12.5" of CNY is 1250); null when it is not one. */
export function minorUnits(typed, currency) {
  const text = String(typed ?? '').trim().replace(',', '.');
  if (!/^\d+(\.\d+)?$/.test(text)) return null;
  const digits = moneyFormat(currency, 'auto').resolvedOptions().maximumFractionDigits;
  const [whole, fraction = ''] = text.split('.');
  if (fraction.length > digits) return null;
  return Number(whole) * 10 ** digits + Number(fraction.padEnd(digits, '0') || 0);
}

export function dateTime(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  return new Intl.DateTimeFormat(language(), { dateStyle: 'medium', timeStyle: 'short' }).format(date);
}

export function clockTime(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return new Intl.DateTimeFormat(language(), { hour: '2-digit', minute: '2-digit' }).format(date);
}

/** [key, params] for an ETA in seconds; null or undefined means the server has no estimate. */
export function etaText(seconds) {
  if (seconds === null || seconds === undefined) return ['eta.none'];
  if (seconds < 60) return ['eta.seconds', { n: Math.max(1, Math.round(seconds)) }];
  return ['eta.minutes', { n: Math.round(seconds / 60) }];
}

/**
 * A duration in whole seconds, coarsened as it grows: "42 s", "3 min 5 s", "2 h 10 min", "1 d 3 h";
 * '' for none. The app and the operator console both write durations with it.
 */
export function duration(totalSeconds) {
  if (totalSeconds === null || totalSeconds === undefined) return '';
  const seconds = Math.max(0, Math.floor(Number(totalSeconds) || 0));
  if (seconds < 60) return t('duration.s', { s: seconds });
  if (seconds < 3600) return t('duration.ms', { m: Math.floor(seconds / 60), s: seconds % 60 });
  if (seconds < 86400) return t('duration.hm', { h: Math.floor(seconds / 3600), m: Math.floor((seconds % 3600) / 60) });
  return t('duration.dh', { d: Math.floor(seconds / 86400), h: Math.floor((seconds % 86400) / 3600) });
}

/** A rating's stars as text: "★★★★☆" for 4 of 5. The app and the operator console both show stars with it. */
export function stars(count) {
  return '★'.repeat(count) + '☆'.repeat(5 - count);
}

export function rating(average) {
  if (average === null || average === undefined) return '–';
  return new Intl.NumberFormat(language(), { minimumFractionDigits: 1, maximumFractionDigits: 2 }).format(average);
}

/** The text to show for a failed call: a translated sentence for the code, else the server's message. */
export function errorText(error) {
  if (!error) return t('error.unknown');
  const code = error.code || '';
  const details = error.details || {};
  if (code === 'conflict' && details.reason === 'insufficient_funds' && details.price) {
    return t('error.insufficientFunds', { price: money(details.price.amount, details.price.currency), balance: money(details.balance, details.price.currency) });
  }
  if (code === 'conflict' && details.requestId) return t('error.liveRequest');
  if (code === 'forbidden' && details.reason === 'suspended') return t('error.suspended', { until: dateTime(details.suspendedUntil) });
  if (code === 'disconnected') return t('error.disconnected');
  if (code === 'network') return t('error.network');
  if (code === 'rate_limited') return t('error.rate_limited');
  if (code === 'unavailable') return t('error.unavailable');
  if (code === 'internal') return t('error.internal');
  if (error.message) return error.message;
  return t('error.unknown');
}

/** A human name for a topic slug: "career.interview" stays as is; a translated label if we know one. */
export function topicLabel(slug) {
  const key = `topic.${slug}`;
  const label = t(key);
  return label === key ? slug : label;
}
