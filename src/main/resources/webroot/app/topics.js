// The topic catalogue as the app knows it: GET /api/v1/topics (no sign-in needed), read at start and
// again while a picker is on screen. Every topic's names become the strings topic.<slug> in both
// languages (a child after its parent's name), so topicLabel() and language switches need nothing
// more; pickers search the names in both languages and the slugs.
import { addStrings, translate } from '/i18n/i18n.js';

let catalogue = { listedOnly: false, expertsOnline: null, expertsFree: null, topics: [] };
/** The SDK that reads it (main.js gives it once, at start). */
let server = null;

/** The SDK instance the catalogue is read through: without a token, since anyone may read it. */
export function readTopicsThrough(tandem) {
  server = tandem;
}

/** The catalogue last read: {listedOnly, expertsOnline, expertsFree, topics: [{topic, parent, name, names, listed, experts, online, free}]}. */
export function currentTopics() {
  return catalogue;
}

/** Reads the catalogue again; {near}: also the listed topics closest to what was typed (`closest`). */
export async function loadTopics({ near } = {}) {
  const query = near ? `?near=${encodeURIComponent(near.slice(0, 64))}` : '';
  const body = await server.get(`/api/v1/topics${query}`, { auth: false });
  catalogue = { listedOnly: Boolean(body.listedOnly), expertsOnline: body.expertsOnline ?? null, expertsFree: body.expertsFree ?? null,
    topics: body.topics || [] };
  registerNames(catalogue.topics);
  return body;
}

let registered = '';

function registerNames(topics) {
  // Re-translating the page is only worth it when a name changed (the list is read every few seconds).
  const signature = JSON.stringify(topics.map(entry => [entry.topic, entry.names]));
  if (signature === registered) return;
  registered = signature;
  const bySlug = new Map(topics.map(entry => [entry.topic, entry]));
  const strings = { en: {}, 'zh-CN': {} };
  for (const entry of topics) {
    if (!entry.names) continue;
    const parent = entry.parent ? bySlug.get(entry.parent) : null;
    // Not a colon: the label often follows one ("Topics: Career · Job interviews").
    strings.en[`topic.${entry.topic}`] = parent?.names ? `${parent.names.en} · ${entry.names.en}` : entry.names.en;
    strings['zh-CN'][`topic.${entry.topic}`] = parent?.names ? `${parent.names['zh-CN']} · ${entry.names['zh-CN']}` : entry.names['zh-CN'];
  }
  addStrings('en', strings.en);
  addStrings('zh-CN', strings['zh-CN']);
  translate(document);
}

/** Whether a topic answers a search: its slug or either of its names holds every word typed (any case). */
export function matchesSearch(entry, text) {
  const words = String(text || '').toLowerCase().split(/[\s.,;:·]+/).filter(Boolean);
  if (!words.length) return true;
  const haystack = [entry.topic, entry.name, ...Object.values(entry.names || {})].join(' ').toLowerCase();
  return words.every(word => haystack.includes(word));
}
