// Booking an expert for later. On an expert's profile: their free slots for a topic and mode
// (GET /api/v1/experts/{id}/slots), the price and the cancellation terms before booking
// (GET /api/v1/booking-terms), then POST /api/v1/bookings. On #/bookings: the user's bookings
// (GET /api/v1/me/bookings) with a countdown, what cancelling costs now, and the way into the room
// once the session is open (a booking's session has the booking's id).
import { h, setI18n, setText, showStatus, statusLine, uniqueId } from './dom.js';
import { language, t } from '/i18n/i18n.js';
import { dateTime, duration, errorText, money, topicLabel } from './format.js';

const DAYS_SHOWN = 7;
/** The time a visitor chose before signing in to book it: {expertId, topic, mode, startAt, brief}, for this tab only. */
const CHOICE_KEY = 'tandem.app.bookingChoice';
/** How often the bookings page reads the list again: a booking that opened or was cancelled by the other side shows up. */
const REFRESH_MS = 30000;

/** The "Book a time" part of an expert's profile, for clients and visitors. */
export function bookingPanel(ctx, expert) {
  const modes = expert.modes;
  const topicSelect = h('select', { name: 'topic', id: uniqueId('book-topic'), dataTest: 'book-topic' },
    ...expert.topics.map(topic => h('option', { value: topic, text: topicLabel(topic) })));
  const modeSelect = h('select', { name: 'mode', id: uniqueId('book-mode'), dataTest: 'book-mode' },
    ...modes.map(mode => h('option', { value: mode, i18n: `mode.${mode}` })));
  const days = h('div', { class: 'slot-days', dataTest: 'slot-days' });
  const status = statusLine('book-status');
  const confirm = h('div', { class: 'book-confirm stack', dataTest: 'book-confirm', hidden: true });
  let terms = null;
  let asked = 0;
  let dayShown = null; // the day picked, kept when the times are read again
  // A visitor who chose a time and signed in to book it comes back to that time.
  let remembered = null;
  try { remembered = JSON.parse(sessionStorage.getItem(CHOICE_KEY) || 'null'); } catch { /* none */ }
  if (remembered?.expertId === expert.id && ctx.me) {
    sessionStorage.removeItem(CHOICE_KEY);
    if (expert.topics.includes(remembered.topic)) topicSelect.value = remembered.topic;
    if (modes.includes(remembered.mode)) modeSelect.value = remembered.mode;
  } else {
    remembered = null;
  }

  const loadSlots = async ({ afterwards } = {}) => {
    const mine = ++asked;
    confirm.hidden = true;
    days.replaceChildren();
    showStatus(status, '', 'browse.loading');
    try {
      const from = new Date().toISOString();
      const to = new Date(Date.now() + DAYS_SHOWN * 86400000).toISOString();
      const [answer, currentTerms] = await Promise.all([
        ctx.tandem.get(`/api/v1/experts/${expert.id}/slots?mode=${modeSelect.value}&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`,
          { auth: false }),
        terms ? Promise.resolve(terms) : ctx.tandem.get('/api/v1/booking-terms', { auth: false }),
      ]);
      if (mine !== asked) return;
      terms = currentTerms;
      if (!answer.slots.length) { showStatus(status, '', 'book.noSlots'); return; }
      showStatus(status, '', '');
      // One day at a time (a week of all-day hours is hundreds of times): a day picker, then its times.
      const grouped = byDay(answer.slots);
      const back = remembered && answer.slots.find(slot => slot.startAt === remembered.startAt);
      if (back) dayShown = grouped.find(([, slots]) => slots.includes(back))[0];
      const daySelect = h('select', { name: 'day', id: uniqueId('book-day'), dataTest: 'book-day' },
        ...grouped.map(([day, slots], i) => h('option', { value: String(i), i18n: ['book.dayOption', { day, count: slots.length }] })));
      const kept = grouped.findIndex(([day]) => day === dayShown);
      daySelect.value = String(Math.max(0, kept));
      const times = h('div', { class: 'slot-list', dataTest: 'slot-list' });
      const showDay = () => {
        confirm.hidden = true;
        dayShown = grouped[Number(daySelect.value)][0];
        times.replaceChildren(...grouped[Number(daySelect.value)][1].map(slot => h('button', {
          type: 'button', class: 'btn btn-small slot', dataTest: 'slot', dataset: { startAt: slot.startAt },
          text: timeOfDay(slot.startAt), on: { click: () => choose(slot) } })));
      };
      daySelect.addEventListener('change', showDay);
      days.append(h('div', { class: 'field' }, h('label', { for: daySelect.id, i18n: 'book.day' }), daySelect),
        h('p', { class: 'hint', dataTest: 'book-zone', i18n: ['book.zone', { zone: Intl.DateTimeFormat().resolvedOptions().timeZone }] }), times);
      showDay();
      afterwards?.();
      if (back) {
        choose(back);
        confirm.querySelector('textarea').value = remembered.brief || '';
      }
      remembered = null;
    } catch (error) {
      if (mine === asked) showStatus(status, 'error', errorText(error), undefined, { raw: true });
    }
  };

  /** The chosen slot: what it costs, what cancelling costs, a brief, and the button that books it. */
  const choose = slot => {
    const price = expert.prices?.[topicSelect.value]?.[modeSelect.value];
    const freeUntil = new Date(new Date(slot.startAt).getTime() - terms.freeCancelHours * 3600000);
    const brief = h('textarea', { name: 'brief', id: uniqueId('book-brief'), maxlength: 500, rows: 2, dataTest: 'book-brief' });
    const book = h('button', { type: 'button', class: 'btn btn-primary', dataTest: 'book-submit', i18n: ctx.me ? 'book.submit' : 'book.signIn' });
    const bookStatus = statusLine('book-submit-status');
    book.addEventListener('click', async () => {
      if (!ctx.me) {
        sessionStorage.setItem(CHOICE_KEY, JSON.stringify({ expertId: expert.id, topic: topicSelect.value, mode: modeSelect.value,
          startAt: slot.startAt, brief: brief.value }));
        ctx.returnAfterSignIn(`#/experts/${expert.id}`);
        ctx.navigate('#/signin');
        return;
      }
      book.disabled = true;
      showStatus(bookStatus, '', 'book.booking');
      try {
        await ctx.tandem.post('/api/v1/bookings', { expertId: expert.id, topic: topicSelect.value, mode: modeSelect.value,
          startAt: slot.startAt, brief: brief.value.trim() });
        // The bookings page says it is confirmed, with its countdown: no toast over the screen as well.
        ctx.navigate('#/bookings');
      } catch (error) {
        book.disabled = false;
        if (error?.details?.reason === 'slot_taken') {
          // The times are read again (that one is gone); the news stays in view above them.
          loadSlots({ afterwards: () => showStatus(status, 'error', 'book.taken') });
        } else {
          showStatus(bookStatus, 'error', errorText(error), undefined, { raw: true });
        }
      }
    });
    confirm.replaceChildren(
      h('p', { class: 'book-when', dataTest: 'book-when', i18n: ['book.when', { when: dateTime(slot.startAt), end: timeOfDay(slot.endAt) }] }),
      price === undefined ? null : h('p', { dataTest: 'book-price', i18n: ['book.price', { price: money(price, expert.currency) }] }),
      h('p', { class: 'hint', dataTest: 'book-terms', i18n: freeUntil > new Date()
        ? ['book.terms', { until: dateTime(freeUntil.toISOString()), percent: terms.lateCancelFeePercent }]
        : ['book.termsLate', { percent: terms.lateCancelFeePercent }] }),
      h('div', { class: 'field' }, h('label', { for: brief.id, i18n: 'book.brief' }), brief),
      book, bookStatus);
    confirm.hidden = false;
    for (const button of days.querySelectorAll('button.slot')) button.classList.toggle('chosen', button.dataset.startAt === slot.startAt);
    confirm.scrollIntoView?.({ block: 'nearest' });
  };

  topicSelect.addEventListener('change', () => { confirm.hidden = true; });
  modeSelect.addEventListener('change', loadSlots);
  loadSlots();
  return h('section', { class: 'stack book-panel', dataTest: 'book-panel' },
    h('h2', { i18n: 'book.heading' }),
    h('p', { class: 'hint', i18n: 'book.lead' }),
    h('div', { class: 'browse-filters' },
      h('div', { class: 'field' }, h('label', { for: topicSelect.id, i18n: 'browse.topic' }), topicSelect),
      h('div', { class: 'field' }, h('label', { for: modeSelect.id, i18n: 'book.mode' }), modeSelect)),
    status, days, confirm);
}

/** Slots grouped by the reader's local day, in order: [["Mon, 21 Dec", [slot…]], …]. */
function byDay(slots) {
  const format = new Intl.DateTimeFormat(language(), { weekday: 'short', month: 'short', day: 'numeric' });
  const groups = new Map();
  for (const slot of slots) {
    const day = format.format(new Date(slot.startAt));
    if (!groups.has(day)) groups.set(day, []);
    groups.get(day).push(slot);
  }
  return [...groups.entries()];
}

function timeOfDay(iso) {
  return new Intl.DateTimeFormat(language(), { hour: '2-digit', minute: '2-digit' }).format(new Date(iso));
}

/** #/bookings: the user's bookings, soonest first, each with its countdown and what can be done with it. */
export function renderBookings(ctx) {
  const list = h('ul', { class: 'booking-list', dataTest: 'booking-list' });
  const status = statusLine('bookings-status');
  const ticks = [];
  let destroyed = false;

  let shown = null;
  const load = async () => {
    try {
      const { bookings } = await ctx.tandem.get('/api/v1/me/bookings');
      if (destroyed) return;
      // Unchanged: the rows stay (a click on one is not lost to a redraw); their countdowns tick on.
      const text = JSON.stringify(bookings);
      if (text === shown) return;
      shown = text;
      ticks.length = 0;
      list.replaceChildren(...bookings.map(b => bookingItem(ctx, b, ticks, load)));
      showStatus(status, '', bookings.length ? '' : ctx.me.role === 'client' ? 'bookings.emptyClient' : 'bookings.emptyExpert');
    } catch (error) {
      if (!destroyed) showStatus(status, 'error', errorText(error), undefined, { raw: true });
    }
  };
  const tick = () => { for (const update of ticks) update(); };
  const timer = setInterval(tick, 1000);
  const refresher = setInterval(load, REFRESH_MS);
  // The session opened: the row becomes the way into the room at once.
  const off = ctx.tandem.on('session.ready', event => { if (event.bookingId) load(); });
  load();
  const element = h('div', { class: 'stack' },
    h('section', { class: 'card stack', dataTest: 'bookings' },
      h('h1', { i18n: 'bookings.title' }),
      h('p', { class: 'muted', i18n: ctx.me.role === 'client' ? 'bookings.leadClient' : 'bookings.leadExpert' }),
      status, list,
      ctx.me.role === 'client' ? h('p', {}, h('a', { class: 'btn', href: '#/browse', i18n: 'bookings.findExpert' })) : null),
    reminderCard(ctx));
  return { element, destroy: () => { destroyed = true; clearInterval(timer); clearInterval(refresher); off(); } };
}

/** One booking: who, what, when, a countdown to it, and cancel (saying what it costs now) or enter the room. */
function bookingItem(ctx, b, ticks, reload) {
  const asClient = ctx.me.id === b.client.id;
  const peer = asClient ? b.expert : b.client;
  const countdown = h('span', { class: 'booking-countdown', dataTest: 'booking-countdown' });
  const actions = h('div', { class: 'booking-actions' });
  const itemStatus = statusLine('booking-status');
  const start = new Date(b.startAt).getTime();
  const end = new Date(b.endAt).getTime();
  let shown = null;

  const update = () => {
    const now = Date.now();
    const over = b.status === 'opened' && b.sessionStatus && !['waiting', 'active'].includes(b.sessionStatus);
    const state = over ? 'over' : b.status !== 'confirmed' ? b.status : now >= start ? 'starting' : 'upcoming';
    if (state === 'upcoming') setI18n(countdown, 'bookings.startsIn', { time: duration(Math.ceil((start - now) / 1000)) });
    else if (state === 'starting') setI18n(countdown, 'bookings.starting');
    else if (state === 'opened' && now < end) setI18n(countdown, 'bookings.now');
    else if (state === 'over') setI18n(countdown, `session.status.${b.sessionStatus}`);
    else setText(countdown, '');
    if (state === shown) return;
    shown = state;
    actions.replaceChildren(...actionsFor(state));
    if (state === 'starting') reload();
  };

  const actionsFor = state => {
    if (state === 'opened') {
      return [h('a', { class: 'btn btn-primary', href: `#/room/${b.sessionId}`, dataTest: 'booking-enter', i18n: 'bookings.enter' })];
    }
    if (state === 'over') {
      return [h('a', { class: 'btn btn-quiet', href: `#/room/${b.sessionId}`, dataTest: 'booking-how', i18n: 'bookings.howItWent' })];
    }
    if (state === 'upcoming') {
      const late = asClient && Date.now() > new Date(b.freeCancelUntil).getTime();
      const cost = asClient
        ? (late ? ['bookings.cancelCosts', { fee: money(b.lateCancelFee, b.price.currency) }] : ['bookings.cancelFree', { until: dateTime(b.freeCancelUntil) }])
        : ['bookings.cancelExpert'];
      const cancel = h('button', { type: 'button', class: 'btn btn-quiet', dataTest: 'booking-cancel', i18n: 'bookings.cancel' });
      cancel.addEventListener('click', async () => {
        if (!window.confirm(`${t('bookings.cancelQuestion')} ${t(...cost)}`)) return;
        cancel.disabled = true;
        try {
          await ctx.tandem.del(`/api/v1/bookings/${b.id}`);
          reload();
        } catch (error) {
          cancel.disabled = false;
          showStatus(itemStatus, 'error', errorText(error), undefined, { raw: true });
        }
      });
      return [h('span', { class: 'hint', dataTest: 'booking-cancel-terms', i18n: cost }), cancel];
    }
    return [];
  };
  ticks.push(update);
  update();

  // Who cancelled, said to this reader, and what it cost the client.
  const byMe = (b.cancelledBy === 'client') === asClient;
  const cancelledKey = b.cancelledBy === 'expert' ? (byMe ? 'bookings.cancelledByYouExpert' : 'bookings.cancelledByExpert')
    : `bookings.cancelledBy${byMe ? 'You' : 'Client'}${b.cancelFee > 0 ? 'Fee' : 'Free'}`;
  const cancelled = b.status === 'cancelled'
    ? h('p', { class: 'muted small', dataTest: 'booking-cancelled', i18n: [cancelledKey, { fee: money(b.cancelFee, b.price.currency) }] })
    : null;
  return h('li', { class: `booking booking-${b.status}`, dataTest: 'booking', dataset: { bookingId: b.id, status: b.status } },
    h('p', { class: 'booking-head' },
      h('strong', { text: peer.displayName }), ' · ', h('span', { text: topicLabel(b.topic) }), ' · ', h('span', { i18n: `mode.${b.mode}` })),
    h('p', {}, h('time', { datetime: b.startAt, text: dateTime(b.startAt) }), ' ', countdown),
    h('p', { class: 'muted small', dataTest: 'booking-state',
      i18n: b.status === 'opened' && b.sessionStatus && !['waiting', 'active'].includes(b.sessionStatus) ? 'bookings.status.over' : `bookings.status.${b.status}` }),
    b.brief ? h('p', { class: 'booking-brief', text: b.brief }) : null,
    // What it costs or earns, while it may still happen (a cancelled one's cost is said below).
    b.status === 'cancelled' ? null : h('p', { class: 'muted small', i18n: [asClient ? 'bookings.price' : 'bookings.earns',
      { price: money(asClient ? b.price.amount : b.price.expertEarns, b.price.currency) }] }),
    cancelled, actions, itemStatus);
}

/** Where reminders go: always in the app; by e-mail to the address saved here (PUT /api/v1/me/email), or nowhere else when it is empty. */
function reminderCard(ctx) {
  const input = h('input', { type: 'email', name: 'email', id: uniqueId('reminder-email'), autocomplete: 'email', maxlength: 254,
    value: ctx.me.email ?? '', dataTest: 'reminder-email' });
  const save = h('button', { type: 'submit', class: 'btn', i18n: 'bookings.emailSave', dataTest: 'reminder-email-save' });
  const status = statusLine('reminder-email-status');
  const form = h('form', { class: 'stack', dataTest: 'reminder-form' },
    h('div', { class: 'field' }, h('label', { for: input.id, i18n: 'bookings.emailLabel' }), input), save, status);
  form.addEventListener('submit', async event => {
    event.preventDefault();
    save.disabled = true;
    try {
      const email = input.value.trim() || null;
      const saved = await ctx.tandem.put('/api/v1/me/email', { email });
      ctx.me.email = saved.email;
      showStatus(status, 'ok', saved.email ? 'bookings.emailSaved' : 'bookings.emailRemoved');
    } catch (error) {
      showStatus(status, 'error', errorText(error), undefined, { raw: true });
    } finally {
      save.disabled = false;
    }
  });
  return h('section', { class: 'card stack', dataTest: 'reminders' },
    h('h2', { i18n: 'bookings.remindersHeading' }),
    h('p', { class: 'muted', i18n: 'bookings.remindersLead' }),
    form);
}
