// The expert's presence bar (online/offline switch, status, incoming offers with their countdown),
// shown above every expert view, and the expert's home view.
import { t } from '/i18n/i18n.js';
import { h, setI18n, setText, statusLine, showStatus } from './dom.js';
import { errorText, dateTime, topicLabel, rating, money } from './format.js';

const DESIRED_ONLINE_KEY = 'tandem.app.wantOnline';

export function mountExpertBar(ctx, root) {
  const tandem = ctx.tandem;
  const toggle = h('button', { type: 'button', class: 'btn online-toggle', dataTest: 'online-toggle', 'aria-pressed': 'false', i18n: 'presence.goOnline' });
  const statusText = h('span', { class: 'presence-status', dataTest: 'presence-status', 'aria-live': 'polite', i18n: 'presence.offline', dataset: { status: 'offline' } });
  const line = statusLine('presence-error');
  // Shown while the expert has no saved profile: going online needs one (the server answers
  // presence.online with a bad_request until then), so the way to the form is the bar's primary
  // button then, and "Go online" is not (style.css, by the bar's data-profile).
  const profileLink = h('a', { class: 'btn btn-primary', href: '#/profile', dataTest: 'presence-open-profile', i18n: 'presence.openProfile' });
  const profileHint = h('p', { class: 'profile-hint', dataTest: 'presence-profile-hint', id: 'presence-profile-hint', hidden: true },
    setI18n(h('span'), 'presence.needProfile'), ' ', profileLink);
  // On the profile page itself the way there is not needed.
  const onProfilePage = () => { profileLink.hidden = location.hash === '#/profile'; };
  window.addEventListener('hashchange', onProfilePage);
  onProfilePage();
  const offers = h('div', { class: 'offers', dataTest: 'offers', 'aria-live': 'assertive' });
  root.replaceChildren(
    h('div', { class: 'expert-bar-inner' },
      h('div', { class: 'presence' }, h('span', { class: 'presence-label' }, h('span', { class: 'presence-light', 'aria-hidden': 'true' }), statusText), toggle),
      profileHint,
      line),
    offers);
  root.hidden = false;
  root.dataset.presence = 'offline';

  let presence = 'offline';
  let busy = false;
  let destroyed = false;
  // true / false once GET /api/v1/experts/me has answered (404 = no profile); null while unknown.
  let hasProfile = null;
  // The profile form's save in flight, if any (it tells through profileSaving): a click on "Go
  // online" meanwhile waits for it, instead of asking the server before the profile exists.
  let profileSave = null;
  const subscriptions = [];

  const setHasProfile = value => {
    hasProfile = value;
    profileHint.hidden = value !== false;
    if (value === false) toggle.setAttribute('aria-describedby', profileHint.id);
    else toggle.removeAttribute('aria-describedby');
    root.dataset.profile = value === false ? 'missing' : 'saved';
  };
  /** Asks the server whether a profile is saved; resolves true/false, or null when it cannot tell. */
  const checkProfile = () => tandem.get('/api/v1/experts/me').then(() => true, error =>
    (error?.code === 'not_found' || error?.status === 404 ? false : null)).then(value => {
    if (!destroyed && value !== null) setHasProfile(value);
    return value;
  });
  checkProfile();

  const showPresence = (status, event = {}) => {
    presence = status;
    root.dataset.presence = status;
    statusText.dataset.status = status;
    if (status === 'suspended') {
      setI18n(statusText, event.suspendedUntil ? 'presence.suspendedUntil' : 'presence.suspended', { time: dateTime(event.suspendedUntil) });
    } else if (status === 'offline' && event.reason) {
      setI18n(statusText, 'presence.offlineBecause', { reason: reasonText(event.reason) });
    } else {
      setI18n(statusText, `presence.${status}`);
    }
    const online = status === 'online';
    toggle.setAttribute('aria-pressed', String(online));
    setI18n(toggle, online ? 'presence.goOffline' : 'presence.goOnline');
    toggle.disabled = status === 'suspended';
  };

  const reasonText = reason => {
    const key = `presence.reason.${reason}`;
    const text = t(key);
    return text === key ? reason : text;
  };

  const goOnline = async () => {
    busy = true;
    toggle.disabled = true;
    showStatus(line, '', '');
    try {
      const ack = await tandem.send('presence.online', {});
      sessionStorage.setItem(DESIRED_ONLINE_KEY, 'true');
      setHasProfile(true);
      showPresence(ack?.status || 'online');
    } catch (error) {
      sessionStorage.removeItem(DESIRED_ONLINE_KEY);
      if (error?.code === 'forbidden' && presence === 'suspended') { /* the status already says why */ }
      else if (isMissingProfile(error)) { setHasProfile(false); showStatus(line, '', ''); }
      else showStatus(line, 'error', presenceErrorText(error), undefined, { raw: true });
      if (presence !== 'suspended') showPresence('offline');
    } finally {
      busy = false;
      toggle.disabled = presence === 'suspended';
    }
  };

  const goOffline = async () => {
    busy = true;
    toggle.disabled = true;
    showStatus(line, '', '');
    sessionStorage.removeItem(DESIRED_ONLINE_KEY);
    try {
      const ack = await tandem.send('presence.offline', {});
      showPresence(ack?.status || 'offline');
    } catch (error) {
      showStatus(line, 'error', errorText(error), undefined, { raw: true });
    } finally {
      busy = false;
      toggle.disabled = presence === 'suspended';
    }
  };

  /** Whether "Go online" would do something now: offline (not suspended) and not already switching. */
  const canGoOnline = () => presence === 'offline' && !busy;
  /** What "Go online" does: waits for a profile save in flight, sends to the profile form without one. */
  const wantOnline = async () => {
    if (hasProfile !== true && profileSave) {
      busy = true;
      toggle.disabled = true;
      const saved = await profileSave.finally(() => { busy = false; toggle.disabled = presence === 'suspended'; });
      if (destroyed) return;
      if (saved) setHasProfile(true);
    }
    // No profile yet: the button leads to the profile form instead of a server error. Asked again
    // on every click, since the profile may have been saved elsewhere (another tab, the API).
    if (hasProfile === false) {
      busy = true;
      const saved = await checkProfile().finally(() => { busy = false; });
      if (saved === false) {
        showStatus(line, '', '');
        if (location.hash !== '#/profile') ctx.navigate('#/profile');
        return;
      }
    }
    goOnline();
  };
  toggle.addEventListener('click', () => {
    if (busy) return;
    if (presence === 'online') goOffline();
    else wantOnline();
  });

  const onPresenceStatus = event => {
    if (event.status !== 'online') sessionStorage.removeItem(DESIRED_ONLINE_KEY);
    showPresence(event.status, event);
  };
  subscriptions.push(tandem.on('presence.status', onPresenceStatus));
  // The connection may have been told its status before this bar was mounted (the bar is mounted
  // again on every sign-in, while the socket may stay open): start from what it was told.
  if (tandem.presenceStatus) onPresenceStatus(tandem.presenceStatus);
  // Online is the expert's wish: say it again after a reload or a reconnect (the server keeps it
  // through a short drop anyway, and sends presence.status when it has set the expert offline).
  subscriptions.push(tandem.on('connection', ({ state }) => {
    if (state === 'open' && sessionStorage.getItem(DESIRED_ONLINE_KEY) === 'true' && !busy) goOnline();
  }));
  if (tandem.connection === 'open' && sessionStorage.getItem(DESIRED_ONLINE_KEY) === 'true') goOnline();

  // ---- offers ----
  const cards = new Map(); // offerId -> {card, finish}
  // Each offer is the SDK's Offer: its countdown, its 'revoked' event, accept and decline.
  subscriptions.push(tandem.on('offer', offer => showOffer(offer)));
  // Accepted on another of the expert's devices: the session.ready reaches every connection, and
  // the card here must not stay clickable until its countdown runs out.
  subscriptions.push(tandem.on('session.ready', event => {
    for (const entry of cards.values()) if (entry.requestId === event.requestId) entry.revoked('accepted_elsewhere');
  }));

  const showOffer = offer => {
    if (cards.has(offer.offerId)) return;
    const remaining = () => offer.remainingMs();
    const countdown = h('span', { class: 'countdown-number', dataTest: 'offer-countdown', text: String(Math.max(0, Math.ceil(remaining() / 1000))) });
    const bar = h('span', { class: 'countdown-bar' });
    const totalMs = Math.max(1000, remaining());
    const accept = h('button', { type: 'button', class: 'btn btn-primary', dataTest: 'offer-accept', i18n: 'offer.accept' });
    const decline = h('button', { type: 'button', class: 'btn', dataTest: 'offer-decline', i18n: 'offer.decline' });
    const status = statusLine('offer-status');
    const heading = h('h2', { class: 'offer-title' }, setI18n(h('span'), 'offer.title'), ' ', h('span', { class: 'offer-topic', text: topicLabel(offer.topic) }));
    const details = h('dl', { class: 'offer-details' },
      h('dt', { i18n: 'offer.client' }), h('dd', { text: offer.client?.displayName || '' }),
      h('dt', { i18n: 'offer.mode' }), h('dd', { i18n: `mode.${offer.mode}` }),
      // How far only matters for meeting in person; online it would only tell where the client is.
      offer.mode === 'in_person' && offer.distanceKm !== undefined && offer.distanceKm !== null
        ? [h('dt', { i18n: 'offer.distance' }), h('dd', { i18n: ['offer.km', { n: formatKm(offer.distanceKm) }] })] : null,
      offer.earns ? [h('dt', { i18n: 'offer.earns' }), h('dd', { class: 'offer-earns', dataTest: 'offer-earns', text: money(offer.earns.amount, offer.earns.currency) })] : null,
      offer.brief ? [h('dt', { i18n: 'offer.brief' }), h('dd', { class: 'offer-brief', text: offer.brief })] : null);
    const card = h('article', { class: 'offer-card', dataTest: 'offer', dataset: { offerId: offer.offerId }, 'aria-labelledby': '' },
      h('div', { class: 'offer-head' }, heading,
        h('div', { class: 'countdown', role: 'timer' }, countdown, setI18n(h('span', { class: 'countdown-unit' }), 'offer.secondsLeft'))),
      h('div', { class: 'countdown-track', 'aria-hidden': 'true' }, bar),
      details, status,
      h('div', { class: 'row offer-actions' }, accept, decline));
    heading.id = `offer-${offer.offerId}`;
    card.setAttribute('aria-labelledby', heading.id);

    let finished = false;
    const tick = () => {
      if (finished && card.classList.contains('revoked')) return; // withdrawn: the count stays at 0
      const ms = Math.max(0, remaining());
      setText(countdown, String(Math.ceil(ms / 1000)));
      bar.style.width = `${Math.min(100, (ms / totalMs) * 100)}%`;
      card.classList.toggle('urgent', ms < 5000);
      if (ms <= 0 && !finished) {
        showStatus(status, 'error', 'offer.timeUp');
        accept.disabled = true;
        decline.disabled = true;
        setTimeout(() => remove(), 4000);
      }
    };
    const timer = setInterval(tick, 250);
    const offTick = offer.on('tick', tick);
    tick();

    const remove = () => {
      clearInterval(timer);
      offTick();
      card.remove();
      cards.delete(offer.offerId);
    };
    const finish = () => { finished = true; clearInterval(timer); accept.disabled = true; decline.disabled = true; };
    const revoked = reason => {
      if (finished && !card.isConnected) return;
      if (finished && reason === 'accepted_elsewhere') return; // accepted here: the room opens

      finish();
      setText(countdown, '0');
      bar.style.width = '0%';
      card.classList.add('revoked');
      // Accepted elsewhere is good news, not a failure.
      showStatus(status, reason === 'accepted_elsewhere' ? 'ok' : 'error', `offer.revoked.${reason || 'other'}`);
      setTimeout(remove, 5000);
    };
    offer.on('revoked', event => revoked(event?.reason));

    accept.addEventListener('click', async () => {
      finish();
      showStatus(status, '', 'offer.accepting');
      try {
        const result = await offer.accept();
        remove();
        ctx.navigate(`#/room/${result.sessionId}`);
      } catch (error) {
        showStatus(status, 'error', error?.code === 'conflict' ? 'offer.gone' : errorText(error), undefined, { raw: error?.code !== 'conflict' });
        setTimeout(remove, 5000);
      }
    });
    decline.addEventListener('click', async () => {
      finish();
      try {
        await offer.decline();
        // Said, not only gone: the expert sees that the decline was taken, and what it means.
        ctx.toast('offer.declined', { kind: 'info', timeoutMs: 5000 });
      } catch (error) {
        if (error?.code !== 'conflict') console.warn('decline failed', error);
      }
      remove();
    });

    cards.set(offer.offerId, { card, revoked, requestId: offer.requestId });
    offers.prepend(card);
    accept.focus({ preventScroll: true });
    card.scrollIntoView({ block: 'nearest' });
  };

  return {
    /** The profile form calls this as a save starts, with a promise of whether it saved (never rejected). */
    profileSaving(saved) {
      const save = saved.finally(() => { if (profileSave === save) profileSave = null; });
      profileSave = save;
    },
    /** The profile form calls this after a successful save: going online works from now on. */
    profileSaved() {
      setHasProfile(true);
      showStatus(line, '', '');
    },
    canGoOnline,
    /** "Go online", pressed from elsewhere than the bar (the profile form, after a save). */
    goOnline() {
      if (canGoOnline()) wantOnline();
    },
    destroy() {
      destroyed = true;
      subscriptions.forEach(off => off());
      window.removeEventListener('hashchange', onProfilePage);
      root.replaceChildren();
      root.hidden = true;
    },
  };
}

/** presence.online before a profile exists: bad_request "topics is required (or save an expert profile ...)". */
function isMissingProfile(error) {
  return error?.code === 'bad_request' && /required/.test(error?.message || '') && /profile|topics|modes|location/.test(error?.message || '');
}

/** A translated sentence for the presence errors we know; errorText (the server's words) otherwise. */
function presenceErrorText(error) {
  if (isMissingProfile(error)) return t('presence.needProfile');
  if (error?.code === 'forbidden') return t('presence.forbidden');
  return errorText(error);
}

function formatKm(km) {
  return Math.round(Number(km) * 10) / 10;
}

export function renderExpertHome(ctx) {
  const profileBox = h('div', { class: 'stack-tight' }, h('p', { class: 'muted', i18n: 'app.loading' }));
  const ratingBox = h('p', { class: 'muted' });
  const statsBox = h('div', { class: 'stack-tight', dataTest: 'expert-stats' });
  const nextBooking = h('p', { class: 'callout', dataTest: 'next-booking', hidden: true });
  const element = h('section', { class: 'card narrow stack' },
    h('h1', { i18n: 'expertHome.title' }),
    // Only while offline with a saved profile (style.css hides it by the bar's data-presence/data-profile).
    h('p', { class: 'callout go-online-hint', dataTest: 'go-online-hint', i18n: 'expertHome.goOnlineHint' }),
    h('p', { class: 'muted', i18n: 'expertHome.lead' }),
    h('ol', { class: 'steps' },
      h('li', { i18n: 'expertHome.step1' }), h('li', { i18n: 'expertHome.step2' }), h('li', { i18n: 'expertHome.step3' })),
    profileBox,
    nextBooking,
    ratingBox,
    statsBox,
    h('div', { class: 'row' },
      h('a', { class: 'btn', href: '#/profile', i18n: 'expertHome.editProfile' }),
      h('a', { class: 'btn btn-quiet', href: '#/account', i18n: 'expertHome.seeAccount' })));

  let destroyed = false;
  ctx.tandem.get('/api/v1/experts/me').then(profile => {
    if (destroyed) return;
    profileBox.replaceChildren(
      h('h2', { i18n: 'expertHome.yourProfile' }),
      h('p', {}, setI18n(h('span', { class: 'muted' }), 'profile.topics'), h('span', { i18n: 'punct.colon' }),
        (profile.topics || []).flatMap((topic, index) => [index ? h('span', { i18n: 'punct.listSeparator' }) : '', h('span', { text: topicLabel(topic) })])),
      h('p', {}, setI18n(h('span', { class: 'muted' }), 'profile.modes'), h('span', { i18n: 'punct.colon' }),
        (profile.modes || []).flatMap((mode, index) => [index ? h('span', { i18n: 'punct.listSeparator' }) : '', setI18n(h('span'), `mode.${mode}`)])));
    // The average starts at a prior (4.0) before any rating: with none received, say so instead.
    if (profile.rating && Number(profile.rating.count) > 0) setI18n(ratingBox, 'expertHome.rating', { average: rating(profile.rating.average), count: profile.rating.count });
    else if (profile.rating) setI18n(ratingBox, 'expertHome.noRatings');
  }).catch(error => {
    if (destroyed) return;
    if (error?.code === 'not_found' || error?.status === 404) {
      // The presence bar above says it, with the way to the form: said once, not twice.
      profileBox.replaceChildren();
    } else {
      profileBox.replaceChildren(h('p', { class: 'form-status error', text: errorText(error) }));
    }
  });
  // The next booking still to come, if any: who and when, and the way to all of them.
  ctx.tandem.get('/api/v1/me/bookings?limit=50').then(({ bookings }) => {
    if (destroyed) return;
    const upcoming = bookings.filter(b => b.status === 'confirmed');
    if (!upcoming.length) return;
    nextBooking.replaceChildren(setI18n(h('span'), 'expertHome.nextBooking',
      { name: upcoming[0].client.displayName, when: dateTime(upcoming[0].startAt), count: upcoming.length }), ' ',
    h('a', { href: '#/bookings', i18n: 'nav.bookings' }));
    nextBooking.hidden = false;
  }).catch(() => { /* the home view stands without it */ });
  // How the expert is judged: their offers over the window, the acceptance rate, the thresholds.
  ctx.tandem.get('/api/v1/me/stats').then(stats => {
    if (destroyed) return;
    const offers = stats.offers || {};
    const cell = (key, value, test) => h('div', { dataTest: test }, h('dt', { i18n: key }), h('dd', { text: String(value) }));
    const rate = stats.acceptanceRate === null || stats.acceptanceRate === undefined ? '–' : `${Math.round(stats.acceptanceRate * 100)}%`;
    const limits = stats.thresholds || {};
    statsBox.replaceChildren(
      setI18n(h('h2'), 'expertStats.title', { days: stats.windowDays }),
      // Before the first offer a grid of zeros says nothing a sentence would not.
      !offers.shown ? h('p', { dataTest: 'stats-none', i18n: 'expertStats.none' }) : h('dl', { class: 'stats-grid' },
        cell('expertStats.shown', offers.shown ?? 0, 'stat-shown'),
        cell('expertStats.accepted', offers.accepted ?? 0, 'stat-accepted'),
        cell('expertStats.declined', offers.declined ?? 0, 'stat-declined'),
        cell('expertStats.missed', offers.missed ?? 0, 'stat-missed'),
        cell('expertStats.missedWhileAway', offers.missedWhileAway ?? 0, 'stat-away'),
        cell('expertStats.acceptanceRate', rate, 'stat-rate')),
      setI18n(h('p', { class: 'muted' }), 'expertStats.howJudged', {
        missed: limits.missedInARowGoOffline, points: limits.suspendAtPoints, days: stats.windowDays, hours: limits.suspendHours,
      }));
  }).catch(() => { /* the home view stands without the numbers */ });
  return { element, destroy() { destroyed = true; } };
}
