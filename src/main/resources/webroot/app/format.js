// Formatting that follows the chosen language. Money is integer minor units (cents) shown as a
// currency-neutral number with two decimals: the server does not say which currency it is.
import { t, language } from '/i18n/i18n.js';

export function money(cents) {
  const value = Number(cents || 0) / 100;
  return new Intl.NumberFormat(language(), { minimumFractionDigits: 2, maximumFractionDigits: 2, signDisplay: 'auto' }).format(value);
}

export function signedMoney(cents) {
  const value = Number(cents || 0) / 100;
  return new Intl.NumberFormat(language(), { minimumFractionDigits: 2, maximumFractionDigits: 2, signDisplay: 'exceptZero' }).format(value);
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

export function duration(seconds) {
  if (seconds === null || seconds === undefined) return '';
  const minutes = Math.floor(seconds / 60);
  const rest = Math.round(seconds % 60);
  return t('duration.ms', { m: minutes, s: rest });
}

export function rating(average) {
  if (average === null || average === undefined) return '–';
  return new Intl.NumberFormat(language(), { minimumFractionDigits: 1, maximumFractionDigits: 2 }).format(average);
}

/** The text to show for a failed call: a translated sentence for the code, else the server's message. */
export function errorText(error) {
  if (!error) return t('error.unknown');
  const code = error.code || '';
  if (code === 'disconnected') return t('error.disconnected');
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
