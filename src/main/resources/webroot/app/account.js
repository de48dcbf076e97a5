// The account: balance, adding money and the ledger, past sessions; for experts also their rating,
// reliability, penalties and earnings. Amounts are integer minor units of the server's currency,
// shown in the reader's language with its sign.
import { h, field, setI18n, statusLine, showStatus, uniqueId } from './dom.js';
import { money, signedMoney, dateTime, errorText, topicLabel, rating, minorUnits, stars } from './format.js';

export function renderAccount(ctx) {
  const me = ctx.me;
  const isExpert = me.role === 'expert';
  const body = h('div', { class: 'stack' }, h('p', { class: 'muted', i18n: 'app.loading' }));
  const element = h('div', { class: 'account stack' },
    h('div', { class: 'page-head' },
      h('h1', { i18n: 'account.title' }),
      h('p', { class: 'muted', text: `${me.displayName} · @${me.username}` })),
    body);

  let data = null;
  let destroyed = false;

  const load = async () => {
    const calls = {
      ledger: ctx.tandem.get('/api/v1/me/ledger'),
      sessions: ctx.tandem.get('/api/v1/me/sessions?limit=20'),
    };
    if (isExpert) {
      calls.expert = ctx.tandem.get(`/api/v1/experts/${me.id}`);
      calls.penalties = ctx.tandem.get('/api/v1/me/penalties');
    }
    const names = Object.keys(calls);
    const results = await Promise.allSettled(Object.values(calls));
    data = {};
    names.forEach((name, index) => { data[name] = results[index]; });
    if (!destroyed) render();
  };

  const render = () => {
    const sections = [];
    if (isExpert) {
      sections.push(h('div', { class: 'grid-2' }, ratingCard(data.expert), reliabilityCard(data.penalties)));
      sections.push(earningsCard(data.ledger));
      sections.push(penaltiesCard(data.penalties));
      sections.push(historyCard(data.sessions, me, ctx));
    } else {
      sections.push(balanceCard(data.ledger, ctx, load));
      sections.push(historyCard(data.sessions, me, ctx));
      sections.push(ledgerCard(data.ledger));
    }
    body.replaceChildren(...sections);
  };

  load();
  // What this page shows changes when a penalty lands or a session ends: load it again then.
  let reloadTimer = null;
  const reloadSoon = () => { clearTimeout(reloadTimer); reloadTimer = setTimeout(() => { if (!destroyed) load(); }, 800); };
  const subscriptions = [ctx.tandem.on('penalty', reloadSoon), ctx.tandem.on('session.ended', reloadSoon)];
  return {
    element,
    onLanguageChange() { if (data) render(); },
    destroy() { destroyed = true; clearTimeout(reloadTimer); subscriptions.forEach(off => off()); },
  };
}

function failed(result) {
  return h('p', { class: 'form-status error', text: errorText(result.reason) });
}

function balanceCard(ledger, ctx, reload) {
  const card = h('section', { class: 'card stack-tight balance-card', id: 'wallet' }, h('h2', { i18n: 'account.balance' }));
  if (ledger.status === 'rejected') { card.append(failed(ledger)); return card; }
  const { balance, currency, payments } = ledger.value;
  card.append(h('p', { class: 'big-number', dataTest: 'balance', dataset: { amount: String(balance) }, text: money(balance, currency) }),
    h('p', { class: 'hint', i18n: 'account.balanceHint' }));
  if (payments?.provider) card.append(topUpForm(ctx, payments, reload));
  return card;
}

/**
 * Adding money through the payment provider: demo money is credited at once (and says it is demo
 * money); a real provider's top-up waits for its confirmation. One key per amount typed, so a retry
 * of the same top-up never adds it twice.
 */
function topUpForm(ctx, payments, reload) {
  const amount = h('input', { name: 'amount', type: 'text', inputmode: 'decimal', autocomplete: 'off', dataTest: 'top-up-amount', placeholder: '50', id: 'top-up-amount' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', dataTest: 'top-up-submit', i18n: 'account.topUp' });
  const status = statusLine('top-up-status');
  const form = h('form', { class: 'stack-tight top-up', dataTest: 'top-up', novalidate: true },
    h('h3', { i18n: 'account.topUpTitle' }),
    payments.demo ? h('p', { class: 'callout callout-warning', dataTest: 'demo-money', i18n: 'account.demoMoney' }) : null,
    h('div', { class: 'field' }, setI18n(h('label', { for: 'top-up-amount' }), 'account.topUpAmount', { currency: payments.currency }), amount),
    h('p', { class: 'hint' }, setI18n(h('span'), 'account.topUpLimits',
      { min: money(payments.minTopUp, payments.currency), max: money(payments.maxTopUp, payments.currency) })),
    status,
    h('div', { class: 'row' }, submit));
  let key = null;
  let keyFor = null;
  form.addEventListener('submit', async event => {
    event.preventDefault();
    const minor = minorUnits(amount.value, payments.currency);
    if (minor === null) {
      showStatus(status, 'error', 'account.topUpNotAmount', { example: money(2000, payments.currency) });
      amount.focus();
      return;
    }
    if (minor < payments.minTopUp || minor > payments.maxTopUp) {
      showStatus(status, 'error', 'account.topUpInvalid', { min: money(payments.minTopUp, payments.currency), max: money(payments.maxTopUp, payments.currency) });
      amount.focus();
      return;
    }
    if (keyFor !== minor) { key = crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`; keyFor = minor; }
    submit.disabled = true;
    showStatus(status, '', 'account.topUpSending');
    try {
      const topUp = await ctx.tandem.post('/api/v1/wallet/top-ups', { amount: minor }, { headers: { 'Idempotency-Key': key } });
      keyFor = null;
      amount.value = '';
      showStatus(status, 'ok', topUp.status === 'credited' ? 'account.topUpCredited' : 'account.topUpPending',
        { amount: money(topUp.amount, topUp.currency) });
      if (topUp.status === 'credited') reload();
    } catch (error) {
      showStatus(status, 'error', errorText(error), undefined, { raw: true });
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

/** What a wallet entry is, in the owner's words: a hold says what became of it. */
function entryLabel(entry, role) {
  if (entry.kind === 'hold') return `ledger.hold.${entry.settlement || 'held'}`;
  if (entry.kind === 'capture' && role === 'expert') return 'ledger.earned';
  if (entry.kind === 'refund' && entry.amount < 0) return 'ledger.refundGiven';
  return `ledger.${entry.kind}`;
}

function ledgerTable(entries, currency, role) {
  if (!entries.length) return h('p', { class: 'muted', dataTest: 'ledger', i18n: 'account.noLedger' });
  return h('div', { class: 'table-scroll' },
    h('table', { class: 'data-table', dataTest: 'ledger' },
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col', i18n: 'account.when' }),
        h('th', { scope: 'col', i18n: 'account.kind' }),
        h('th', { scope: 'col', class: 'num', i18n: 'account.amount' }))),
      h('tbody', {}, entries.map(entry => h('tr', { dataTest: 'ledger-entry', dataset: { kind: entry.kind, settlement: entry.settlement || '' } },
        h('td', { text: dateTime(entry.createdAt) }),
        h('td', {}, setI18n(h('span', { dataTest: 'ledger-label' }), entryLabel(entry, role)),
          (entry.sessionId || entry.bookingId) && entry.topic
            ? h('span', { class: 'muted small ledger-session', dataTest: 'ledger-session' }, ' · ',
              // A booking with no session (cancelled, or to come) has no room: its link is the Bookings page.
              h('a', { href: entry.sessionId ? `#/room/${entry.sessionId}` : '#/bookings', text: topicLabel(entry.topic) }),
              entry.peerName ? setI18n(h('span'), 'ledger.with', { name: entry.peerName }) : null)
            : null,
          entry.note ? h('span', { class: 'muted small ledger-note', text: ` · ${entry.note}` }) : null),
        h('td', { class: `num ${entry.amount < 0 ? 'negative' : 'positive'}`, text: signedMoney(entry.amount, currency) }))))));
}

function ledgerCard(ledger) {
  const card = h('section', { class: 'card stack-tight' }, h('h2', { i18n: 'account.ledger' }));
  if (ledger.status === 'rejected') card.append(failed(ledger));
  else card.append(ledgerTable(ledger.value.entries || [], ledger.value.currency, 'client'));
  return card;
}

function earningsCard(ledger) {
  const card = h('section', { class: 'card stack-tight', dataTest: 'earnings' }, h('h2', { i18n: 'account.earnings' }));
  if (ledger.status === 'rejected') { card.append(failed(ledger)); return card; }
  const { entries = [], currency, balance } = ledger.value;
  // Earned: the sessions' pay, no-show compensation and late-cancellation fees, less what refunds to clients took back.
  const earned = entries.filter(entry => ['capture', 'compensation', 'cancel_fee', 'refund'].includes(entry.kind)).reduce((sum, entry) => sum + entry.amount, 0);
  card.append(
    h('div', { class: 'stat-row' },
      h('div', { class: 'stat' }, h('span', { class: 'stat-label', i18n: 'account.earned' }), h('span', { class: 'big-number', dataTest: 'earned', text: money(earned, currency) })),
      h('div', { class: 'stat' }, h('span', { class: 'stat-label', i18n: 'account.balance' }), h('span', { class: 'big-number', dataTest: 'balance', text: money(balance, currency) }))),
    ledgerTable(entries, currency, 'expert'));
  return card;
}

function ratingCard(expert) {
  const card = h('section', { class: 'card stack-tight' }, h('h2', { i18n: 'account.rating' }));
  if (expert.status === 'rejected') { card.append(failed(expert)); return card; }
  const value = expert.value.rating || { average: null, count: 0 };
  card.append(h('div', { dataTest: 'my-rating', dataset: { average: String(value.average), count: String(value.count) } },
    h('p', { class: 'big-number' }, h('span', { class: 'star-glyph', 'aria-hidden': 'true', text: '★ ' }), rating(value.average)),
    // Before any rating the average is only the 4.0 prior: say there are none yet.
    Number(value.count) > 0 ? setI18n(h('p', { class: 'muted' }), 'account.ratingCount', { n: value.count }) : h('p', { class: 'muted', i18n: 'account.noRatings' })),
    h('p', { class: 'hint', i18n: 'account.ratingHint' }));
  return card;
}

function reliabilityCard(penalties) {
  const card = h('section', { class: 'card stack-tight' }, h('h2', { i18n: 'account.reliability' }));
  if (penalties.status === 'rejected') { card.append(failed(penalties)); return card; }
  const reliability = penalties.value.reliability || {};
  const score = Math.round(Number(reliability.score ?? 1) * 100);
  const meter = h('div', { class: 'meter', 'aria-hidden': 'true' }, h('span', { class: 'meter-fill' }));
  meter.firstChild.style.width = `${score}%`;
  meter.classList.toggle('low', score < 60);
  const parts = [
    h('p', { class: 'big-number', text: `${score}%` }),
    meter,
    setI18n(h('p', { class: 'muted' }), 'account.noShows', { n: reliability.noShows30d ?? 0 }),
  ];
  if (reliability.suspendedUntil && Date.parse(reliability.suspendedUntil) > Date.now()) {
    parts.push(setI18n(h('p', { class: 'callout callout-warning' }), 'presence.suspendedUntil', { time: dateTime(reliability.suspendedUntil) }));
  }
  card.append(h('div', { dataTest: 'reliability', dataset: { score: String(reliability.score ?? '') } }, parts),
    h('p', { class: 'hint', i18n: 'account.reliabilityHint' }));
  return card;
}

function penaltiesCard(penalties) {
  const card = h('section', { class: 'card stack-tight' }, h('h2', { i18n: 'account.penalties' }));
  if (penalties.status === 'rejected') { card.append(failed(penalties)); return card; }
  const list = penalties.value.penalties || [];
  if (!list.length) { card.append(h('p', { class: 'muted', dataTest: 'penalties', i18n: 'account.noPenalties' })); return card; }
  card.append(h('ul', { class: 'item-list', dataTest: 'penalties' }, list.map(penalty =>
    h('li', { class: 'item', dataTest: 'penalty', dataset: { penaltyId: penalty.id } },
      h('div', { class: 'item-main' },
        h('strong', { i18n: `penaltyKind.${penalty.kind}` }),
        h('span', { class: 'muted', text: penalty.reason || '' })),
      h('div', { class: 'item-side' },
        penalty.waived ? h('span', { class: 'badge badge-ok', i18n: 'account.waived' }) : h('span', { class: 'badge badge-warning', i18n: ['account.points', { n: penalty.points }] }),
        h('span', { class: 'muted small', text: dateTime(penalty.createdAt) }))))));
  return card;
}

function historyCard(sessions, me, ctx) {
  const card = h('section', { class: 'card stack-tight' }, h('h2', { i18n: 'account.history' }));
  if (sessions.status === 'rejected') { card.append(failed(sessions)); return card; }
  const list = sessions.value.sessions || [];
  if (!list.length) { card.append(h('p', { class: 'muted', dataTest: 'history', i18n: me.role === 'client' ? 'account.noHistoryClient' : 'account.noHistoryExpert' })); return card; }
  card.append(h('ul', { class: 'item-list', dataTest: 'history' }, list.map(item =>
    h('li', { class: 'item', dataTest: 'history-item', dataset: { sessionId: item.id, status: item.status } },
      h('div', { class: 'item-main' },
        h('strong', { text: topicLabel(item.topic || '') }),
        h('span', { class: 'muted' },
          item.peer?.displayName || '', item.peer?.displayName ? ' · ' : '',
          setI18n(h('span'), `mode.${item.mode}`), ' · ', dateTime(item.startedAt || item.createdAt)),
        item.rating ? h('span', { class: 'stars-small', role: 'img', text: stars(item.rating.stars), 'aria-label': `${item.rating.stars}/5` }) : null,
        item.rating?.comment ? h('q', { class: 'rating-comment', text: item.rating.comment }) : null,
        // What a client wrote of this expert is public on their profile: they may report it to the operators.
        me.role === 'expert' && item.rating?.comment ? reviewState(ctx, item) : null),
      h('div', { class: 'item-side' },
        h('span', { class: `status-pill status-${item.status}`, i18n: `session.status.${item.status}` }),
        h('a', { href: `#/room/${item.id}`, class: 'small', i18n: 'account.openRoom' }),
        // The same expert again, on the same topic: offered to them first (ask this expert).
        me.role === 'client' && item.peer?.id
          ? h('a', { href: `#/request/${encodeURIComponent(item.topic)}/${item.peer.id}`, class: 'small', dataTest: 'ask-again', i18n: 'account.askAgain' })
          : null)))));
  return card;
}

/** Where a review of this expert stands: reported, kept or hidden by the operators; else the way to report it. */
function reviewState(ctx, item) {
  const moderation = item.rating.moderation ?? 'none';
  if (moderation === 'none') return reportReview(ctx, item.id);
  return h('span', { class: `badge ${moderation === 'hidden' ? 'badge-ok' : ''}`, dataTest: 'review-moderation',
    dataset: { moderation }, i18n: `account.review.${moderation}` });
}

/** "Report this review": a reason, sent to the operators, who may hide it from the public profile. */
function reportReview(ctx, sessionId) {
  const reason = h('input', { name: 'reason', maxlength: 500, required: true, id: uniqueId('report-reason'), dataTest: 'report-reason' });
  const status = statusLine('report-status');
  const form = h('form', { class: 'stack-tight report-form', hidden: true, novalidate: true, dataTest: 'report-form' },
    field('account.reportReason', reason),
    h('button', { type: 'submit', class: 'btn btn-small', i18n: 'account.reportSend' }),
    status);
  const open = h('button', { type: 'button', class: 'btn btn-small btn-quiet', dataTest: 'report-review', i18n: 'account.reportReview',
    'aria-expanded': 'false' });
  open.addEventListener('click', () => {
    form.hidden = !form.hidden;
    open.setAttribute('aria-expanded', String(!form.hidden));
    if (!form.hidden) reason.focus();
  });
  form.addEventListener('submit', async event => {
    event.preventDefault();
    if (!reason.value.trim()) { showStatus(status, 'error', 'account.reportNeedsReason'); reason.focus(); return; }
    try {
      await ctx.tandem.post(`/api/v1/experts/me/reviews/${encodeURIComponent(sessionId)}/report`, { reason: reason.value.trim() });
      open.remove();
      form.replaceChildren(h('span', { class: 'badge', dataTest: 'review-reported', i18n: 'account.review.reported' }));
    } catch (error) {
      showStatus(status, 'error', errorText(error), undefined, { raw: true });
    }
  });
  return h('div', { class: 'report' }, open, form);
}
