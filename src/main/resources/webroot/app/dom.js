// Small DOM helpers. Everything user-supplied goes in as text nodes, never as HTML.
import { t } from '/i18n/i18n.js';

/**
 * h('button', {class: 'btn', i18n: 'room.end', dataTest: 'end-session', on: {click}}, ...children)
 * Props: class, text, i18n (key or [key, params]), i18nAttr ('aria-label:key;placeholder:key'),
 * dataTest, on ({event: handler}), hidden/disabled/checked/value/... (set as properties when the
 * element has such a property), anything else as an attribute. Children: nodes, strings, arrays, null.
 */
export function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') element.className = value;
    else if (name === 'text') element.textContent = value;
    else if (name === 'i18n') setI18n(element, ...(Array.isArray(value) ? value : [value]));
    else if (name === 'i18nAttr') setI18nAttr(element, value);
    else if (name === 'dataTest') element.dataset.test = value;
    else if (name === 'on') for (const [event, handler] of Object.entries(value)) element.addEventListener(event, handler);
    else if (name === 'dataset') Object.assign(element.dataset, value);
    else if (['hidden', 'disabled', 'checked', 'value', 'required', 'selected', 'multiple', 'muted', 'autoplay', 'playsInline', 'readOnly'].includes(name)) element[name] = value;
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

export function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

/** Sets a translated text that follows language switches (see translate() in i18n.js). */
export function setI18n(element, key, params) {
  element.dataset.i18n = key;
  if (params) element.dataset.i18nParams = JSON.stringify(params);
  else delete element.dataset.i18nParams;
  element.textContent = t(key, params);
  return element;
}

export function setI18nAttr(element, spec) {
  element.dataset.i18nAttr = spec;
  for (const pair of spec.split(';')) {
    const [attribute, key] = pair.split(':');
    element.setAttribute(attribute.trim(), t(key.trim()));
  }
  return element;
}

/**
 * An attribute translated from {@code key}: without {@code params} it follows language switches
 * (as setI18nAttr); with them it is set once (translate() does not re-translate attributes with
 * parameters).
 */
export function setI18nAttribute(element, attribute, key, params) {
  if (!params) return setI18nAttr(element, `${attribute}:${key}`);
  element.setAttribute(attribute, t(key, params));
  return element;
}

/**
 * Plain (untranslated, or translated by the caller) text, e.g. a number or a name; drops any
 * translation marker, so that a language switch does not write the element's old key over it.
 * Writes only when the text changed: the console's 2-second refresh must touch nothing unchanged.
 * The app and the operator console both write text with it.
 */
export function setText(element, text) {
  delete element.dataset.i18n;
  delete element.dataset.i18nParams;
  const value = text === undefined || text === null ? '' : String(text);
  if (element.textContent !== value) element.textContent = value;
  return element;
}

let uniqueCounter = 0;
export function uniqueId(prefix) {
  uniqueCounter += 1;
  return `${prefix}-${uniqueCounter}`;
}

/** A labelled form field: label + control (+ optional hint), wired with for/id and aria-describedby. */
export function field(labelKey, control, hintKey) {
  if (!control.id) control.id = uniqueId(control.name || 'field');
  const label = h('label', { for: control.id, i18n: labelKey });
  const parts = [label, control];
  if (hintKey) {
    const hint = h('p', { class: 'hint', id: uniqueId('hint'), i18n: hintKey });
    control.setAttribute('aria-describedby', hint.id);
    parts.push(hint);
  }
  return h('div', { class: 'field' }, parts);
}

/** A status line for a form: role=status so screen readers hear it. kind: 'error' | 'ok' | ''. */
export function statusLine(dataTest) {
  return h('p', { class: 'form-status', role: 'status', 'aria-live': 'polite', dataTest });
}

export function showStatus(line, kind, keyOrText, params, { raw = false } = {}) {
  line.classList.toggle('error', kind === 'error');
  line.classList.toggle('ok', kind === 'ok');
  if (!keyOrText) setText(line, '');
  else if (raw) setText(line, keyOrText);
  else setI18n(line, keyOrText, params);
}
