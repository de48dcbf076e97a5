// The client's new request: topic (from what experts offer, or typed), mode, brief; and for meeting in
// person only, where the client is and how far they would go.
import { h, field, statusLine, showStatus, setI18n, setText, uniqueId } from './dom.js';
import { errorText, topicLabel, money } from './format.js';
import { placePicker } from './geo.js';
import { currentTopics, loadTopics as readTopics, matchesSearch } from './topics.js';

const TOPIC_PATTERN = /^[a-z][a-z0-9_-]*(\.[a-z][a-z0-9_-]*){0,3}$/;
const ACTIVE_REQUEST_KEY = 'tandem.app.activeRequest';
const DEFAULT_DISTANCE_KM = 5;

export function rememberActiveRequest(requestId) {
  if (requestId) localStorage.setItem(ACTIVE_REQUEST_KEY, requestId);
  else localStorage.removeItem(ACTIVE_REQUEST_KEY);
}

/**
 * #/request; #/request/<topic> from an expert's profile, the topic chosen already; and
 * #/request/<topic>/<expertId> to ask that expert: offered to them alone until the client opens it to everyone.
 */
export function renderNewRequest(ctx, presetTopic, chosenExpert) {
  let preset = presetTopic ? decodeURIComponent(presetTopic) : '';
  let expertId = chosenExpert || null;
  // Who is asked, by name (read from their public profile), with the way to ask anyone instead.
  const chosen = h('div', { class: 'callout', dataTest: 'chosen-expert', hidden: !expertId },
    h('span', { dataTest: 'chosen-expert-name' }), ' ',
    h('button', { type: 'button', class: 'btn btn-small btn-quiet', i18n: 'request.askAnyone',
      on: { click: () => { expertId = null; chosen.hidden = true; } } }));
  if (expertId) {
    ctx.tandem.get(`/api/v1/experts/${encodeURIComponent(expertId)}`, { auth: false })
      .then(expert => setI18n(chosen.firstChild, 'request.askingExpert', { name: expert.displayName }))
      .catch(() => { expertId = null; chosen.hidden = true; });
  }
  // The catalogue's topics: searched by their names in either language, then picked from the list.
  const topicSearch = h('input', { name: 'topicSearch', type: 'search', autocomplete: 'off', maxlength: 64, dataTest: 'topic-search',
    i18nAttr: 'placeholder:request.topicSearchPlaceholder' });
  const topicSelect = h('select', { name: 'topic' });
  // Nothing listed answers the search: the closest topics the server knows, to pick with one tap.
  const topicSuggestions = h('div', { class: 'topic-suggestions', dataTest: 'topic-suggestions', 'aria-live': 'polite', hidden: true });
  // Only where the server takes topics outside its catalogue (topics.listedOnly off).
  const topicOther = h('input', { name: 'topicOther', autocapitalize: 'none', spellcheck: 'false', maxlength: 64, i18nAttr: 'placeholder:request.topicOtherPlaceholder' });
  const topicOtherField = field('request.topicOther', topicOther, 'request.topicOtherHint');
  const topicsNote = h('p', { class: 'hint', 'aria-live': 'polite' });

  const modeRadios = ['chat', 'video', 'in_person'].map(mode => h('input', { type: 'radio', name: 'mode', value: mode, id: uniqueId(`mode-${mode}`), checked: mode === 'chat' }));
  const modeGroup = h('fieldset', { class: 'choice-group' },
    h('legend', { i18n: 'request.mode' }),
    h('div', { class: 'segmented' }, modeRadios.map(radio =>
      h('label', { for: radio.id, class: 'segment' }, radio, h('span', { i18n: `mode.${radio.value}` })))));

  // Chat and video need no location; meeting in person needs where the client is.
  const where = placePicker({ legendKey: 'location.legend', hintKey: 'location.inPersonHint' });
  // Empty means the default distance (the placeholder shows it), so typing never appends to a preset value.
  const maxDistance = h('input', { name: 'maxDistanceKm', type: 'number', min: 0.1, max: 100, step: 'any', inputmode: 'decimal', placeholder: String(DEFAULT_DISTANCE_KM) });
  const distanceField = field('request.maxDistance', maxDistance, 'request.maxDistanceHint');
  // In person only: what to do when nobody is within that distance (the server's fallbackMode).
  const fallback = h('input', { type: 'checkbox', name: 'fallbackVideo', dataTest: 'fallback-video', id: uniqueId('fallback-video') });
  const fallbackField = h('label', { class: 'check', for: fallback.id }, fallback, h('span', { i18n: 'request.fallbackVideo' }));
  const brief = h('textarea', { name: 'brief', rows: 3, maxlength: 500, i18nAttr: 'placeholder:request.briefPlaceholder' });
  // The price of the topic and mode chosen, before asking (GET /api/v1/quotes): what is held when an expert accepts.
  const quoteAmount = h('strong', { class: 'quote-amount', dataTest: 'quote-amount', text: '…' });
  const quoteCovers = h('span', { class: 'quote-covers muted', dataTest: 'quote-covers' });
  const quote = h('div', { class: 'quote', dataTest: 'quote', 'aria-live': 'polite', hidden: true },
    h('span', { class: 'quote-label', i18n: 'request.price' }), ' ', quoteAmount, ' ', quoteCovers,
    h('p', { class: 'hint', i18n: 'request.priceHint' }));
  const status = statusLine('request-status-line');
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block', i18n: 'request.submit' });
  const activeBanner = h('div', { class: 'callout', hidden: true });

  const form = h('form', { class: 'stack', dataTest: 'new-request', novalidate: true },
    chosen,
    h('fieldset', { class: 'plain-group stack-tight' },
      h('legend', { i18n: 'request.topicLegend' }),
      field('request.topicSearch', topicSearch),
      field('request.topic', topicSelect),
      topicSuggestions,
      topicOtherField,
      topicsNote),
    modeGroup,
    where.element,
    distanceField,
    fallbackField,
    field('request.brief', brief, 'request.briefHint'),
    quote,
    status,
    submit);

  const updateModeDependent = () => {
    const inPerson = modeRadios.find(radio => radio.checked)?.value === 'in_person';
    where.element.hidden = !inPerson;
    distanceField.hidden = !inPerson;
    maxDistance.required = inPerson;
    fallbackField.hidden = !inPerson;
  };
  modeRadios.forEach(radio => radio.addEventListener('change', updateModeDependent));
  updateModeDependent();

  // The price follows the topic and the mode as they change; the last answer asked for wins.
  let quoteAsked = 0;
  let quoted = null;
  let quotedFor = null; // topic and mode of the price on screen (or being asked)
  const choice = () => ({ topic: topicOther.value.trim().toLowerCase() || topicSelect.value, mode: modeRadios.find(radio => radio.checked)?.value });
  const updateQuote = async () => {
    const { topic, mode } = choice();
    quotedFor = `${topic}|${mode}`;
    // A topic just chosen makes an old "pick a topic" wrong.
    if (topic && status.dataset.i18n && status.dataset.i18n.startsWith('request.topic')) showStatus(status, '', '');
    if (!topic || !TOPIC_PATTERN.test(topic)) { quote.hidden = true; quoted = null; quoteAsked++; return; }
    const asked = ++quoteAsked;
    try {
      const answer = await ctx.tandem.get(`/api/v1/quotes?topic=${encodeURIComponent(topic)}&mode=${encodeURIComponent(mode)}`);
      if (asked !== quoteAsked || destroyed) return;
      quoted = answer;
      setText(quoteAmount, money(answer.amount, answer.currency));
      if (answer.maxMinutes) setI18n(quoteCovers, 'request.priceCovers', { minutes: answer.maxMinutes });
      quote.dataset.amount = String(answer.amount);
      quote.hidden = false;
    } catch (error) {
      if (asked === quoteAsked) quote.hidden = true;
    }
  };
  let quoteTimer = null;
  const quoteSoon = () => { clearTimeout(quoteTimer); quoteTimer = setTimeout(updateQuote, 250); };
  topicSelect.addEventListener('change', updateQuote);
  topicOther.addEventListener('input', quoteSoon);
  modeRadios.forEach(radio => radio.addEventListener('change', updateQuote));

  let topicsTimer = null;
  let destroyed = false;
  // Picking a suggestion (or a search that leaves one topic) chooses it.
  const choose = topic => {
    topicSearch.value = '';
    showTopics();
    topicSelect.value = topic;
    topicSuggestions.hidden = true;
    updateQuote();
  };
  const showSuggestions = suggestions => {
    topicSuggestions.replaceChildren(h('span', { class: 'muted', i18n: 'request.topicClosest' }), ' ',
      ...suggestions.map(s => h('button', { type: 'button', class: 'btn btn-small topic-suggestion', dataTest: 'topic-suggestion',
        dataset: { topic: s.topic }, i18n: `topic.${s.topic}`, on: { click: () => choose(s.topic) } })));
    topicSuggestions.hidden = suggestions.length === 0;
  };
  let nearAsked = 0;
  const showTopics = () => {
    const { topics, expertsOnline, expertsFree, listedOnly } = currentTopics();
    const search = topicSearch.value.trim();
    const found = topics.filter(entry => matchesSearch(entry, search));
    fillTopics(topicSelect, found, topicsNote, { expertsOnline, expertsFree }, search, topics.length);
    topicOtherField.hidden = listedOnly;
    if (search && found.length === 1 && topicSelect.value !== found[0].topic) {
      topicSelect.value = found[0].topic;
      updateQuote();
    }
    // A search that filtered the chosen topic out leaves no topic chosen: no price for it either.
    const { topic, mode } = choice();
    if (`${topic}|${mode}` !== quotedFor) updateQuote();
    if (search && !found.length) {
      const asked = ++nearAsked;
      readTopics({ near: search }).then(body => { if (asked === nearAsked && !destroyed) showSuggestions(body.closest || []); })
        .catch(() => { /* the list is still there */ });
    } else {
      topicSuggestions.hidden = true;
    }
  };
  const loadTopics = async () => {
    try {
      await readTopics();
      if (destroyed) return;
      showTopics();
      // Once: a topic the catalogue lists is chosen; any other is typed where the server takes it.
      if (preset && [...topicSelect.options].some(option => option.value === preset)) choose(preset);
      else if (preset && !currentTopics().listedOnly) { topicOther.value = preset; updateQuote(); }
      preset = '';
    } catch (error) {
      console.warn('topics unavailable', error);
      if (!topicSelect.options.length) fillTopics(topicSelect, [], topicsNote);
    }
  };
  topicSearch.addEventListener('input', showTopics);
  // Experts come and go: keep the counts fresh, and ask again when the picker is opened.
  loadTopics();
  topicsTimer = setInterval(loadTopics, 5000);
  topicSelect.addEventListener('focus', loadTopics);

  // A client with a request still waiting (from this device or another) is pointed back to it
  // rather than asking twice: the server holds one live request per client.
  const showLive = requestId => {
    activeBanner.replaceChildren(h('span', { i18n: 'request.activeExists' }), ' ',
      h('a', { href: `#/waiting/${requestId}`, i18n: 'request.activeOpen', dataTest: 'open-active-request' }));
    activeBanner.hidden = false;
  };
  ctx.tandem.get('/api/v1/me/requests?limit=1').then(answer => {
    const live = answer.requests?.[0];
    if (destroyed || !live) return;
    if (live.status === 'queued' || live.status === 'offered') {
      rememberActiveRequest(live.id);
      showLive(live.id);
    }
  }).catch(() => { /* the form works without it */ });

  let idempotencyKey = crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random();
  form.addEventListener('input', () => { idempotencyKey = crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random(); });

  form.addEventListener('submit', async event => {
    event.preventDefault();
    const typed = topicOther.value.trim().toLowerCase();
    const topic = typed || topicSelect.value;
    if (!topic || !TOPIC_PATTERN.test(topic)) {
      // Where typed topics are taken, say how to type one; otherwise there is only the list.
      showStatus(status, 'error', typed || !topicOtherField.hidden ? 'request.topicInvalid' : 'request.topicPick');
      (typed ? topicOther : topicSelect).focus();
      return;
    }
    const mode = modeRadios.find(radio => radio.checked).value;
    const body = { topic, mode };
    if (expertId) body.expertId = expertId;
    if (mode === 'in_person') {
      const location = where.read();
      if (!location) {
        showStatus(status, 'error', 'location.missing');
        where.focus();
        return;
      }
      body.location = location;
    }
    const distance = maxDistance.value.trim() === '' ? DEFAULT_DISTANCE_KM : Number(maxDistance.value);
    if (mode === 'in_person') {
      if (!(distance >= 0.1 && distance <= 100)) { showStatus(status, 'error', 'request.maxDistanceInvalid'); maxDistance.focus(); return; }
    }
    if (mode === 'in_person') body.maxDistanceKm = distance;
    if (mode === 'in_person' && fallback.checked) body.fallbackMode = 'video';
    if (brief.value.trim()) body.brief = brief.value.trim();
    submit.disabled = true;
    showStatus(status, '', 'request.sending');
    try {
      const created = await ctx.tandem.post('/api/v1/requests', body, { headers: { 'Idempotency-Key': idempotencyKey } });
      rememberActiveRequest(created.id);
      sessionStorage.setItem(`tandem.app.request.${created.id}`, JSON.stringify({ ...created, topic, mode }));
      ctx.navigate(`#/waiting/${created.id}`);
    } catch (error) {
      showStatus(status, 'error', errorText(error), undefined, { raw: true });
      if (error?.details?.requestId) showLive(error.details.requestId);
      if (error?.details?.reason === 'unknown_topic') showSuggestions(error.details.suggestions || []);
      if (error?.details?.reason === 'insufficient_funds') {
        status.append(' ', h('a', { href: '#/account', i18n: 'request.topUpLink', dataTest: 'top-up-link' }));
      }
      submit.disabled = false;
    }
  });

  const element = h('section', { class: 'card narrow stack' },
    h('h1', { i18n: 'request.title' }),
    h('p', { class: 'muted', i18n: 'request.lead' }),
    activeBanner,
    form);
  return {
    element,
    onLanguageChange() {
      if (quoted) setText(quoteAmount, money(quoted.amount, quoted.currency));
      delete topicSelect.dataset.signature; // its options name topics in the language they were built in
      showTopics();
    },
    destroy() { destroyed = true; clearInterval(topicsTimer); clearTimeout(quoteTimer); },
  };
}

/**
 * Fills the picker keeping the current choice, topics grouped by who could take them: experts free
 * now (online and below their capacity), experts online but all in consultations, nobody online.
 * `expertsOnline`/`expertsFree` are the server's counts of DISTINCT experts (one expert may cover
 * several topics, so the per-topic counts must not be summed); without them no total is shown.
 */
function fillTopics(select, topics, note, totals = {}, search = '', listed = topics.length) {
  const count = value => (value === null || value === undefined || !Number.isFinite(Number(value)) ? null : Number(value));
  const total = count(totals.expertsOnline);
  const free = count(totals.expertsFree);
  // Rebuilding the options closes an open picker: only do it when something changed.
  const signature = JSON.stringify([total, free, search, topics.map(entry => [entry.topic, onlineCount(entry), freeCount(entry)])]);
  if (select.dataset.signature === signature && select.options.length) return;
  select.dataset.signature = signature;
  const previous = select.value;
  const options = [h('option', { value: '', i18n: topics.length ? 'request.topicChoose' : (search ? 'request.topicNoMatch' : 'request.topicNone') })];
  const sorted = [...topics].sort((a, b) => a.topic.localeCompare(b.topic));
  const optionOf = (entry, key) => setI18n(h('option', { value: entry.topic }), key,
    { topic: topicLabel(entry.topic), free: freeCount(entry), online: onlineCount(entry) });
  const groups = [
    ['request.topicsFree', 'request.topicOptionFree', sorted.filter(entry => freeCount(entry) > 0)],
    ['request.topicsBusy', 'request.topicOptionBusy', sorted.filter(entry => onlineCount(entry) > 0 && freeCount(entry) === 0)],
    ['request.topicsOffline', 'request.topicOptionOffline', sorted.filter(entry => onlineCount(entry) === 0)],
  ];
  for (const [label, key, entries] of groups) {
    if (entries.length) options.push(h('optgroup', { i18nAttr: `label:${label}` }, entries.map(entry => optionOf(entry, key))));
  }
  select.replaceChildren(...options);
  if ([...select.options].some(option => option.value === previous)) select.value = previous;
  const anyOnline = sorted.some(entry => onlineCount(entry) > 0);
  note.hidden = false;
  if (!listed || total === 0 || (total === null && !anyOnline)) setI18n(note, 'request.topicsEmpty');
  else if (total === 1 && free !== null) setI18n(note, free ? 'request.topicsSummaryOneFree' : 'request.topicsSummaryOneBusy');
  else if (total !== null && free !== null) setI18n(note, 'request.topicsSummary', { n: total, free });
  else { setText(note, ''); note.hidden = true; }
}

function onlineCount(entry) {
  return Number(entry.online ?? entry.expertsOnline ?? 0);
}

/** Online and below capacity; a server without the count (older) is taken as all online free. */
function freeCount(entry) {
  return Number(entry.free ?? onlineCount(entry));
}
