// The expert's profile: topics, modes, capacity, bio, languages; and where they meet clients, when
// they meet in person (chat and video need no location).
// Prefilled from GET /api/v1/experts/me (404 before the first save); saved with PUT, which replaces it.
import { h, field, statusLine, showStatus, uniqueId, setI18n } from './dom.js';
import { errorText } from './format.js';
import { placePicker } from './geo.js';
import { availabilityCard } from './availability.js';
import { currentTopics, loadTopics, matchesSearch } from './topics.js';

const TOPIC_PATTERN = /^[a-z][a-z0-9_-]*(\.[a-z][a-z0-9_-]*){0,3}$/;

export function renderProfile(ctx) {
  // Topics are ticked in the catalogue, found by searching their names in either language.
  const topicSearch = h('input', { name: 'topicSearch', type: 'search', autocomplete: 'off', maxlength: 64, dataTest: 'topic-search',
    i18nAttr: 'placeholder:request.topicSearchPlaceholder' });
  const topicList = h('div', { class: 'topic-list', dataTest: 'topic-list', role: 'group' });
  const topicsChosen = h('p', { class: 'hint', dataTest: 'topics-chosen', 'aria-live': 'polite' });
  const chosen = new Set();
  // Topics outside the catalogue, typed: only where the server takes them (topics.listedOnly off).
  const topics = h('input', { name: 'topics', autocapitalize: 'none', spellcheck: 'false', i18nAttr: 'placeholder:profile.topicsPlaceholder' });
  const otherTopics = field('profile.otherTopics', topics, 'profile.topicsHint');
  const modeBoxes = ['chat', 'video', 'in_person'].map(mode => h('input', { type: 'checkbox', name: 'modes', value: mode, id: uniqueId(`pmode-${mode}`) }));
  // The meeting point must be a spot: check-in is within a few hundred metres of it.
  const where = placePicker({ legendKey: 'profile.location', hintKey: 'profile.locationHint', exact: true });
  // Empty means 1 (the hint says so): a pre-filled value would turn a typed "2" into "12", and a
  // grey "1" placeholder reads as a value already given.
  const capacity = h('input', { name: 'capacity', type: 'number', min: 1, max: 10, step: 1, inputmode: 'numeric' });
  const bio = h('textarea', { name: 'bio', rows: 4, maxlength: 2000 });
  const languages = h('input', { name: 'languages', autocapitalize: 'none', spellcheck: 'false', i18nAttr: 'placeholder:profile.languagesPlaceholder' });
  const status = statusLine('profile-status');
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block', i18n: 'profile.save' });
  // After a save while offline, the way online is here, where the save was pressed: on a phone the
  // presence bar is a long scroll up. Once the expert is online (from here or the bar), style.css hides it.
  const goOnline = h('button', { type: 'button', class: 'btn btn-primary btn-block go-online-after-save', dataTest: 'profile-go-online',
    i18n: 'presence.goOnline', hidden: true, on: { click: () => { goOnline.hidden = true; ctx.goOnline?.(); } } });
  const intro = h('p', { class: 'muted', i18n: 'profile.lead' });

  const form = h('form', { class: 'stack', dataTest: 'profile', novalidate: true },
    h('fieldset', { class: 'plain-group stack-tight' },
      h('legend', { i18n: 'profile.topics' }),
      field('request.topicSearch', topicSearch),
      topicList,
      topicsChosen,
      otherTopics),
    h('fieldset', { class: 'choice-group' },
      h('legend', { i18n: 'profile.modes' }),
      h('div', { class: 'segmented' }, modeBoxes.map(box => h('label', { for: box.id, class: 'segment' }, box, h('span', { i18n: `mode.${box.value}` }))))),
    where.element,
    field('profile.capacity', capacity, 'profile.capacityHint'),
    field('profile.bio', bio),
    field('profile.languages', languages, 'profile.languagesHint'),
    status,
    goOnline,
    submit);

  // The catalogue, parents first, each child under its parent; a search keeps what matches (and what is ticked).
  const renderTopics = () => {
    const { topics: listed, listedOnly } = currentTopics();
    const search = topicSearch.value.trim();
    const entries = listed.filter(entry => entry.listed !== false);
    topicList.replaceChildren(...entries
      .filter(entry => chosen.has(entry.topic) || matchesSearch(entry, search))
      .map(entry => {
        const box = h('input', { type: 'checkbox', name: 'catalogueTopic', value: entry.topic, id: uniqueId('topic'), checked: chosen.has(entry.topic),
          on: { change: event => { if (event.target.checked) chosen.add(entry.topic); else chosen.delete(entry.topic); showChosen(); } } });
        return h('label', { for: box.id, class: `check topic-choice${entry.parent ? ' topic-child' : ''}`, dataTest: 'topic-choice' },
          box, h('span', { i18n: `topic.${entry.topic}` }));
      }));
    if (!topicList.children.length) topicList.append(h('p', { class: 'muted', i18n: 'request.topicNoMatch' }));
    otherTopics.hidden = listedOnly;
  };
  const showChosen = () => {
    if (!chosen.size) setI18n(topicsChosen, 'profile.topicsNoneChosen');
    else if (chosen.size === 1) setI18n(topicsChosen, 'profile.topicsChosenOne');
    else setI18n(topicsChosen, 'profile.topicsChosen', { n: chosen.size });
  };
  topicSearch.addEventListener('input', renderTopics);
  loadTopics().then(() => { if (!destroyed) renderTopics(); }).catch(() => renderTopics());
  renderTopics();
  showChosen();

  const inPerson = modeBoxes.find(box => box.value === 'in_person');
  const showWhere = () => { where.element.hidden = !inPerson.checked; };
  inPerson.addEventListener('change', showWhere);
  showWhere();

  let destroyed = false;
  // The saved profile fills the form unless the expert has started typing already.
  let edited = false;
  form.addEventListener('input', () => { edited = true; }, { once: true });
  form.addEventListener('input', () => submit.classList.add('btn-primary'));
  form.addEventListener('change', () => submit.classList.add('btn-primary'));
  ctx.tandem.get('/api/v1/experts/me').then(profile => {
    if (destroyed || edited) return;
    // Catalogue topics are ticked; any other (an open server's) stays typed.
    const listed = new Set(currentTopics().topics.filter(entry => entry.listed !== false).map(entry => entry.topic));
    chosen.clear();
    (profile.topics || []).filter(topic => listed.has(topic)).forEach(topic => chosen.add(topic));
    topics.value = (profile.topics || []).filter(topic => !listed.has(topic)).join(', ');
    renderTopics();
    showChosen();
    modeBoxes.forEach(box => { box.checked = (profile.modes || []).includes(box.value); });
    where.set(profile.location);
    showWhere();
    capacity.value = profile.capacity ? String(profile.capacity) : '';
    bio.value = profile.bio || '';
    languages.value = (profile.languages || []).join(', ');
  }).catch(error => {
    if (destroyed) return;
    if (error?.code === 'not_found' || error?.status === 404) {
      setI18n(intro, 'profile.firstTime');
      intro.classList.add('callout');
    } else {
      showStatus(status, 'error', errorText(error), undefined, { raw: true });
    }
  });

  form.addEventListener('submit', async event => {
    event.preventDefault();
    const typed = splitList(topics.value).map(topic => topic.toLowerCase());
    const chosenTopics = [...new Set([...chosen, ...typed])];
    if (!chosenTopics.length || typed.some(topic => !TOPIC_PATTERN.test(topic))) {
      showStatus(status, 'error', 'profile.topicsInvalid'); (typed.length ? topics : topicSearch).focus(); return;
    }
    const modes = modeBoxes.filter(box => box.checked).map(box => box.value);
    if (!modes.length) { showStatus(status, 'error', 'profile.modesMissing'); modeBoxes[0].focus(); return; }
    // Only meeting in person needs a place; one given anyway is kept (it ranks them for nearby clients).
    const location = where.read();
    if (modes.includes('in_person') && !location) { showStatus(status, 'error', 'profile.locationMissing'); where.focus(); return; }
    const capacityValue = Number(capacity.value || 1);
    if (!Number.isInteger(capacityValue) || capacityValue < 1 || capacityValue > 10) { showStatus(status, 'error', 'profile.capacityInvalid'); capacity.focus(); return; }
    const body = { topics: chosenTopics, modes, capacity: capacityValue, bio: bio.value.trim(), languages: splitList(languages.value) };
    if (location) body.location = location;
    submit.disabled = true;
    showStatus(status, '', 'profile.saving');
    try {
      const saving = ctx.tandem.put('/api/v1/experts/me', body);
      ctx.profileSaving?.(saving.then(() => true, () => false));
      await saving;
      // The form shows what was saved: "Career Interview" is two topics, career and interview.
      topics.value = typed.join(', ');
      languages.value = body.languages.join(', ');
      showStatus(status, 'ok', 'profile.saved');
      goOnline.hidden = !ctx.canGoOnline?.();
      // Saved: "Save profile" is not the next step (going online is), until the form changes again.
      submit.classList.remove('btn-primary');
      where.clearStatus(); // an old "location could not be found" no longer applies
      ctx.profileSaved?.();
      setI18n(intro, 'profile.lead');
      intro.classList.remove('callout');
    } catch (error) {
      showStatus(status, 'error', errorText(error), undefined, { raw: true });
    } finally {
      submit.disabled = false;
    }
  });

  const hours = availabilityCard(ctx);
  const element = h('div', { class: 'stack' },
    h('section', { class: 'card narrow stack' },
      h('h1', { i18n: 'profile.title' }),
      intro,
      form),
    hours.element);
  return { element, destroy() { destroyed = true; hours.destroy(); } };
}

function splitList(text) {
  return text.split(/[,，、\s]+/).map(item => item.trim()).filter(Boolean);
}
