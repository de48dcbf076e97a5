// The expert directory, readable before signing in: a topic's experts (GET /api/v1/experts), online
// first and best rated, and an expert's public profile with their prices and newest reviews
// (GET /api/v1/experts/{id}). From a profile a client asks for a consultation on one of its topics.
import { h, setI18nAttribute, setText, showStatus, statusLine, uniqueId } from './dom.js';
import { language, t } from '/i18n/i18n.js';
import { dateTime, errorText, money, rating, stars } from './format.js';
import { currentTopics, loadTopics } from './topics.js';
import { bookingPanel } from './bookings.js';

const PAGE_SIZE = 20;
const BIO_PREVIEW = 180;

/** #/browse and #/browse/<topic>: pick a topic, see who answers it, a page at a time. */
export function renderBrowse(ctx, topicParam) {
  let topic = topicParam ? decodeURIComponent(topicParam) : '';
  const topicSelect = h('select', { name: 'topic', id: uniqueId('browse-topic'), dataTest: 'browse-topic' });
  const onlineOnly = h('input', { type: 'checkbox', name: 'online', id: uniqueId('browse-online'), dataTest: 'browse-online' });
  const list = h('ul', { class: 'expert-list', dataTest: 'expert-list' });
  const status = statusLine('browse-status');
  const more = h('button', { type: 'button', class: 'btn btn-block', i18n: 'browse.more', dataTest: 'browse-more', hidden: true });
  let asked = 0;
  let page = 1;
  let destroyed = false;

  const load = async ({ next = false } = {}) => {
    page = next ? page + 1 : 1;
    const mine = ++asked;
    if (!next) list.replaceChildren();
    more.hidden = true;
    if (!topic) { showStatus(status, '', 'browse.pickTopic'); return; }
    showStatus(status, '', 'browse.loading');
    try {
      const query = `topic=${encodeURIComponent(topic)}&page=${page}&pageSize=${PAGE_SIZE}${onlineOnly.checked ? '&online=true' : ''}`;
      const answer = await ctx.tandem.get(`/api/v1/experts?${query}`, { auth: false });
      if (mine !== asked || destroyed) return;
      list.append(...answer.experts.map(expert => expertCard(expert, topic)));
      more.hidden = !answer.more;
      if (list.children.length) showStatus(status, '', '');
      else showStatus(status, '', onlineOnly.checked ? 'browse.emptyOnline' : 'browse.empty');
    } catch (error) {
      if (mine === asked && !destroyed) showStatus(status, 'error', errorText(error), undefined, { raw: true });
    }
  };

  const fillTopics = () => {
    const { topics } = currentTopics();
    const options = topics.filter(entry => entry.listed !== false || entry.topic === topic)
      .map(entry => h('option', { value: entry.topic, ...topicName(entry.topic), selected: entry.topic === topic }));
    topicSelect.replaceChildren(h('option', { value: '', i18n: 'browse.chooseTopic' }), ...options);
    topicSelect.value = topic;
  };
  topicSelect.addEventListener('change', () => {
    topic = topicSelect.value;
    // The address follows the topic (a link to share, Back returns), without routing again.
    history.replaceState(null, '', topic ? `#/browse/${encodeURIComponent(topic)}` : '#/browse');
    load();
  });
  onlineOnly.addEventListener('change', () => load());
  more.addEventListener('click', () => load({ next: true }));
  loadTopics().then(() => { if (!destroyed) fillTopics(); }).catch(() => { /* the list below still loads */ });
  fillTopics();
  load();

  const element = h('section', { class: 'card stack', dataTest: 'browse' },
    h('h1', { i18n: 'browse.title' }),
    h('p', { class: 'muted', i18n: 'browse.lead' }),
    h('div', { class: 'browse-filters' },
      h('div', { class: 'field' }, h('label', { for: topicSelect.id, i18n: 'browse.topic' }), topicSelect),
      h('label', { class: 'check', for: onlineOnly.id }, onlineOnly, h('span', { i18n: 'browse.onlineOnly' }))),
    status,
    list,
    more);
  return { element, destroy: () => { destroyed = true; } };
}

/** One expert in the list: name, badge, whether online, rating, the start of their bio, and the way to their profile. */
function expertCard(expert, topic) {
  const price = expert.prices?.[topic];
  const bio = expert.bio.length > BIO_PREVIEW ? `${expert.bio.slice(0, BIO_PREVIEW).trimEnd()}…` : expert.bio;
  return h('li', { class: 'expert-card', dataTest: 'expert-card', dataset: { expertId: expert.id } },
    h('div', { class: 'expert-card-head' },
      h('a', { class: 'expert-name', href: `#/experts/${expert.id}`, text: expert.displayName, dataTest: 'expert-link' }),
      badges(expert)),
    standingLine(expert),
    bio ? h('p', { class: 'expert-bio', text: bio }) : null,
    h('p', { class: 'muted small expert-offer' },
      ...expert.modes.flatMap((mode, i) => [i ? ' · ' : '', h('span', { i18n: `mode.${mode}` })]),
      price ? h('span', { class: 'expert-price', dataTest: 'expert-price' }, ' · ', priceText(price, expert.currency)) : null));
}

/** The online dot and the badge (new, reliable), as pills. */
function badges(expert) {
  return h('span', { class: 'expert-badges' },
    h('span', { class: `badge ${expert.online ? 'badge-ok' : ''}`, dataTest: 'expert-online', i18n: expert.online ? 'experts.online' : 'experts.offline' }),
    expert.badge ? h('span', { class: `badge ${expert.badge === 'reliable' ? 'badge-ok' : 'badge-warning'}`, dataTest: 'expert-badge',
      i18n: `experts.badge.${expert.badge}` }) : null);
}

/** "★ 4.17 from 3 ratings · 2 written reviews", or that there are no ratings yet. */
function standingLine(expert) {
  const { average, count } = expert.rating;
  if (!count) return h('p', { class: 'expert-standing muted', i18n: 'experts.noRatings' });
  return h('p', { class: 'expert-standing' },
    h('span', { class: 'stars-small', 'aria-hidden': 'true', text: '★ ' }),
    h('span', { i18n: [count === 1 ? 'experts.ratingOne' : 'experts.rating', { average: rating(average), count }] }),
    ' · ',
    h('span', { dataTest: 'expert-reviews',
      i18n: [expert.reviews === 0 ? 'experts.reviewsNone' : expert.reviews === 1 ? 'experts.reviewsOne' : 'experts.reviews', { count: expert.reviews }] }));
}

/** The cheapest and dearest of a topic's modes: "¥20.00" or "¥15.00–¥25.00". */
function priceText(byMode, currency) {
  const amounts = Object.values(byMode);
  const low = Math.min(...amounts);
  const high = Math.max(...amounts);
  return low === high ? money(low, currency) : `${money(low, currency)}–${money(high, currency)}`;
}

/** #/experts/<id>: the public profile: who they are, what they cost per topic and mode, what clients wrote. */
export function renderExpertProfile(ctx, id) {
  const body = h('div', { class: 'stack' });
  const status = statusLine('expert-profile-status');
  let destroyed = false;
  showStatus(status, '', 'browse.loading');
  ctx.tandem.get(`/api/v1/experts/${encodeURIComponent(id)}`, { auth: false }).then(expert => {
    if (destroyed) return;
    showStatus(status, '', '');
    body.replaceChildren(...profileParts(ctx, expert).filter(Boolean));
    setText(heading, expert.displayName);
  }).catch(error => {
    if (!destroyed) showStatus(status, 'error', error?.code === 'not_found' ? 'experts.notFound' : errorText(error), undefined,
      { raw: error?.code !== 'not_found' });
  });
  const heading = h('h1', { i18n: 'experts.profileTitle', dataTest: 'expert-profile-name' });
  const element = h('section', { class: 'card stack', dataTest: 'expert-profile' },
    h('p', {}, h('a', { href: '#/browse', class: 'small', i18n: 'experts.backToBrowse' })),
    heading, status, body);
  return { element, destroy: () => { destroyed = true; } };
}

function profileParts(ctx, expert) {
  const canAsk = !ctx.me || ctx.me.role === 'client';
  const topics = h('ul', { class: 'expert-topics', dataTest: 'expert-topics' }, ...expert.topics.map(topic => {
    const prices = expert.prices?.[topic] ?? {};
    return h('li', { class: 'expert-topic' },
      h('span', { class: 'expert-topic-name', ...topicName(topic) }),
      h('span', { class: 'muted' }, ...Object.entries(prices).flatMap(([mode, amount], i) =>
        [i ? ' · ' : '', h('span', { i18n: `mode.${mode}` }), ' ', money(amount, expert.currency)])),
      canAsk ? askLink(ctx, `#/request/${encodeURIComponent(topic)}/${expert.id}`, 'ask-expert', 'experts.askThisExpert') : null,
      canAsk ? askLink(ctx, `#/request/${encodeURIComponent(topic)}`, 'ask-topic', 'experts.ask') : null);
  }));
  const reviews = expert.recentReviews.length
    ? h('ul', { class: 'review-list', dataTest: 'review-list' }, ...expert.recentReviews.map(review =>
      h('li', { class: 'review', dataTest: 'review' },
        h('p', { class: 'review-head' },
          setI18nAttribute(h('span', { class: 'stars-small', role: 'img', text: stars(review.stars) }),
            'aria-label', 'rate.starLabel', { n: review.stars }),
          ' ', h('span', { class: 'muted small', ...topicName(review.topic) }), ' · ',
          h('time', { class: 'muted small', datetime: review.at, text: dateTime(review.at) })),
        h('p', { class: 'review-text', text: review.comment }))))
    : h('p', { class: 'muted', i18n: 'experts.noReviews' });
  const languages = expert.languages.length
    ? h('p', { class: 'muted' }, h('span', { i18n: 'experts.languages' }), ' ', expert.languages.map(languageName).join(', ')) : null;
  const reliability = h('p', { class: 'muted small', i18n: ['experts.reliability', { score: Math.round(expert.reliability.score * 100) }] });
  return [
    h('div', { class: 'expert-card-head' }, badges(expert)),
    standingLine(expert),
    expert.rating.count ? h('p', { class: 'hint', i18n: 'account.ratingHint' }) : null,
    reliability,
    expert.bio ? h('p', { class: 'expert-bio', text: expert.bio }) : null,
    languages,
    h('h2', { i18n: 'experts.topicsHeading' }),
    canAsk ? h('p', { class: 'hint', i18n: 'experts.askHint' }) : null,
    topics,
    canAsk && expert.modes.length ? bookingPanel(ctx, expert) : null,
    h('h2', { i18n: 'experts.reviewsHeading' }),
    reviews,
  ];
}

/**
 * A way to ask: signed in, straight to the request form; signed out, to sign-in, and once signed in
 * (or up) back to the request form with the same choices.
 */
function askLink(ctx, hash, test, key) {
  return h('a', { class: 'btn btn-small', href: ctx.me ? hash : '#/signin', dataTest: test, i18n: ctx.me ? key : `${key}SignIn`,
    on: { click: () => { if (!ctx.me) ctx.returnAfterSignIn(hash); } } });
}

/** A language tag ("zh-Hans", "pt-BR") by its name in the reader's language, or as given when unknown. */
function languageName(tag) {
  try {
    return new Intl.DisplayNames([language()], { type: 'language' }).of(tag) ?? tag;
  } catch {
    return tag;
  }
}

/** A topic's name as h() props: translated (and following language switches) when the catalogue names it, else its slug. */
function topicName(slug) {
  const key = `topic.${slug}`;
  return t(key) === key ? { text: slug } : { i18n: key };
}
