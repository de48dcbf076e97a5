// Tandem's translations, shared by the app (index.html) and the operator console (admin.html).
//
// Contract:
//   t(key, params?)        the string for `key` in the current language, `{name}` placeholders
//                          filled from `params`; falls back to English, then to the key itself.
//   language()             the current language code: 'en' or 'zh-CN'.
//   setLanguage(code)      switches, remembers it in localStorage ('tandem.language'), sets
//                          <html lang>, re-translates marked elements, and calls the listeners.
//   onLanguageChange(fn)   fn(code) after every switch; returns an unsubscribe function.
//   addStrings(code, dict) merges more strings (the console adds its own dictionary this way).
//   translate(root)        fills every element under root marked with data-i18n="key"
//                          (optional data-i18n-params='{"n":3}') and data-i18n-attr="aria-label:key;placeholder:key".
//   bindLanguageSelect(select)  makes a <select> list the languages and switch on change.
// The first language comes from localStorage, else from navigator.languages, else English.
import en from './en.js';
import zhCN from './zh-CN.js';

const STORAGE_KEY = 'tandem.language';

export const languages = [
  { code: 'en', name: 'English' },
  { code: 'zh-CN', name: '简体中文' },
];

const dictionaries = { en: { ...en }, 'zh-CN': { ...zhCN } };
const listeners = new Set();
let current = detectLanguage();
applyDocumentLanguage();

/** Picks the best supported language for this browser: stored choice first, then navigator.languages. */
export function detectLanguage() {
  try {
    const stored = window.localStorage.getItem(STORAGE_KEY);
    if (stored && dictionaries[stored]) return stored;
  } catch { /* storage may be blocked; fall through */ }
  const preferred = (navigator.languages && navigator.languages.length) ? navigator.languages : [navigator.language || 'en'];
  for (const tag of preferred) {
    const lower = String(tag).toLowerCase();
    if (lower.startsWith('zh')) return 'zh-CN';
    if (lower.startsWith('en')) return 'en';
  }
  return 'en';
}

export function language() {
  return current;
}

export function t(key, params) {
  let text = dictionaries[current]?.[key];
  if (text === undefined) text = dictionaries.en[key];
  if (text === undefined) return key;
  if (params) {
    text = text.replace(/\{(\w+)\}/g, (whole, name) => (params[name] === undefined || params[name] === null ? whole : String(params[name])));
  }
  return text;
}

export function addStrings(code, strings) {
  dictionaries[code] = { ...(dictionaries[code] || {}), ...strings };
}

export function setLanguage(code) {
  if (!dictionaries[code]) throw new Error(`unsupported language ${code}`);
  current = code;
  try { window.localStorage.setItem(STORAGE_KEY, code); } catch { /* not remembered, still switched */ }
  applyDocumentLanguage();
  translate(document);
  for (const listener of [...listeners]) {
    try { listener(code); } catch (error) { console.error('language listener failed', error); }
  }
}

export function onLanguageChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function translate(root = document) {
  const scope = root.querySelectorAll ? root : document;
  const marked = [...scope.querySelectorAll('[data-i18n], [data-i18n-attr]')];
  if (root.matches && root.matches('[data-i18n], [data-i18n-attr]')) marked.unshift(root);
  for (const element of marked) {
    if (element.dataset.i18n) {
      const params = element.dataset.i18nParams ? JSON.parse(element.dataset.i18nParams) : undefined;
      element.textContent = t(element.dataset.i18n, params);
    }
    if (element.dataset.i18nAttr) {
      for (const pair of element.dataset.i18nAttr.split(';')) {
        const [attribute, key] = pair.split(':');
        if (attribute && key) element.setAttribute(attribute.trim(), t(key.trim()));
      }
    }
  }
}

export function bindLanguageSelect(select) {
  select.replaceChildren(...languages.map(({ code, name }) => {
    const option = document.createElement('option');
    option.value = code;
    option.textContent = name;
    option.lang = code;
    return option;
  }));
  select.value = current;
  select.addEventListener('change', () => setLanguage(select.value));
  onLanguageChange(code => { select.value = code; });
}

function applyDocumentLanguage() {
  if (typeof document !== 'undefined') {
    document.documentElement.lang = current;
  }
}
