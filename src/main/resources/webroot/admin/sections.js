// The tables of the console. Each section turns one operator view (GET /api/v1/admin/...)
// into rows with KeyedTable, so a refresh only rewrites what changed. render(data, readAt, now)
// is called after every read and every second (ages and waits keep counting between reads).
import { t } from '/i18n/i18n.js';
import { h, setText, setAttr, toggleClass, KeyedTable } from './dom.js';
import { duration, secondsSince, clock, money, count, shortId, ago, translated, auditDetail, auditSubject } from './format.js';

/** A queue whose oldest request has waited longer than this is highlighted (requests give up at 300 s by default). */
const LONG_WAIT_SECONDS = 300;
const KNOWN_LEDGER_ACCOUNTS = ['escrow', 'funding', 'platform', 'wallet'];

/** Appends n empty cells to a new row. */
function cells(row, n) {
  for (let i = 0; i < n; i += 1) row.append(h('td'));
}

/**
 * Sets a pill's text and its colour class in place: style.css's status-pill status-<state> for
 * states (online, active, waiting, suspended), the console's badge kind-<kind> for penalty kinds.
 */
function setPill(node, text, className) {
  setText(node, text);
  if (node.className !== className) node.className = className;
}

export class QueueSection {
  constructor(table) {
    this.table = new KeyedTable(table, {
      key: item => item.topic,
      empty: () => t('admin.queue.empty'),
      create: item => {
        const row = h('tr', { dataset: { test: 'queue-row', topic: item.topic } });
        cells(row, 4);
        row.cells[0].append(h('code'));
        row.cells[1].className = 'num';
        return row;
      },
      update: (row, { topic, waiting, oldestWaitSeconds, etaSeconds, now, readAt }) => {
        const oldest = Number(oldestWaitSeconds || 0) + Math.max(0, Math.floor((now - readAt) / 1000));
        setText(row.cells[0].firstChild, topic);
        setText(row.cells[1], count(waiting));
        setText(row.cells[2], duration(oldest));
        toggleClass(row.cells[2], 'warn', oldest > LONG_WAIT_SECONDS);
        setText(row.cells[3], etaSeconds === null || etaSeconds === undefined ? t('admin.queue.noEstimate') : duration(etaSeconds));
        toggleClass(row.cells[3], 'muted', etaSeconds === null || etaSeconds === undefined);
      },
    });
  }

  render(data, readAt, now) {
    this.table.render((data?.topics ?? []).map(item => ({ ...item, now, readAt })));
  }
}

export class ExpertsSection {
  constructor(table) {
    this.table = new KeyedTable(table, {
      key: item => item.id,
      empty: () => t('admin.experts.empty'),
      create: item => {
        const row = h('tr', { dataset: { test: 'expert-row', expertId: item.id } });
        cells(row, 5);
        row.cells[1].append(h('span'));
        row.cells[4].className = 'num';
        return row;
      },
      update: (row, { displayName, status, topics, modes, load, capacity }) => {
        setAttr(row, 'data-status', status);
        setText(row.cells[0], displayName);
        setPill(row.cells[1].firstChild, translated('admin.status', status), `status-pill status-${status}`);
        setText(row.cells[2], (topics ?? []).join(', '));
        setText(row.cells[3], (modes ?? []).map(mode => translated('admin.mode', mode)).join(', '));
        const full = Number(load) >= Number(capacity);
        setText(row.cells[4], `${load ?? 0} / ${capacity ?? 0}${full ? ` · ${t('admin.experts.full')}` : ''}`);
        toggleClass(row.cells[4], 'warn', full);
      },
    });
  }

  render(data) {
    this.table.render(data?.experts ?? []);
  }

  counts(data) {
    const experts = data?.experts ?? [];
    return {
      online: experts.filter(expert => expert.status === 'online').length,
      suspended: experts.filter(expert => expert.status === 'suspended').length,
    };
  }
}

/** A person's name as a button that opens them in the people panel. */
function personButton(test) {
  return h('button', { type: 'button', class: 'link-button', dataset: { test } });
}

function updatePersonButton(button, person, openPerson) {
  setText(button, person?.displayName ?? '');
  button.dataset.userId = person?.id ?? '';
  button.onclick = person?.id ? () => openPerson(person.id) : null;
}

export class SessionsSection {
  /** openPerson(userId): shows that person in the people panel. */
  constructor(table, openPerson = () => {}) {
    this.table = new KeyedTable(table, {
      key: item => item.id,
      empty: () => t('admin.sessions.empty'),
      create: item => {
        const row = h('tr', { dataset: { test: 'session-row', sessionId: item.id } });
        cells(row, 7);
        row.cells[0].append(h('span', { dataset: { test: 'session-status' } }));
        row.cells[2].append(personButton('session-client'));
        row.cells[3].append(personButton('session-expert'));
        row.cells[4].className = 'num';
        row.cells[6].append(h('code', { title: item.id }, shortId(item.id)));
        return row;
      },
      update: (row, { status, mode, client, expert, createdAt, startedAt, now }) => {
        setAttr(row, 'data-status', status);
        setPill(row.cells[0].firstChild, translated('admin.session', status), `status-pill status-${status}`);
        setText(row.cells[1], translated('admin.mode', mode));
        updatePersonButton(row.cells[2].firstChild, client, openPerson);
        updatePersonButton(row.cells[3].firstChild, expert, openPerson);
        setText(row.cells[4], duration(secondsSince(createdAt, now)));
        setText(row.cells[5], startedAt ? clock(startedAt) : t('admin.sessions.notStarted'));
        toggleClass(row.cells[5], 'muted', !startedAt);
      },
    });
  }

  render(data, readAt, now) {
    this.table.render((data?.sessions ?? []).map(item => ({ ...item, now })));
  }

  counts(data) {
    const sessions = data?.sessions ?? [];
    return {
      active: sessions.filter(session => session.status === 'active').length,
      waiting: sessions.filter(session => session.status === 'waiting').length,
    };
  }
}

/**
 * Penalties, newest first, with the waiver: the Waive… button opens an inline form in the row
 * (reason input + confirm + cancel); confirming POSTs /api/v1/admin/penalties/{id}/waive {reason}
 * and the row shows the result at once, without waiting for the next refresh. Waived rows have no
 * button at all. The form lives in the row, so refreshes leave a half-typed reason alone.
 */
export class PenaltiesSection {
  /** waive(id, reason) -> Promise of the waived penalty; describe(error) -> a message for people. */
  constructor(table, filterSelect, { waive, describe, announce }) {
    this.waive = waive;
    this.describe = describe;
    this.announce = announce;
    this.filterSelect = filterSelect;
    this.waivedHere = new Map(); // penalty id -> reason, for the rows this operator waived
    this.forms = new Map(); // penalty id -> the open form's state {busy, error}
    this.last = null;
    this.table = new KeyedTable(table, {
      key: item => item.id,
      empty: () => t((this.last?.penalties ?? []).length ? 'admin.penalties.emptyFiltered' : 'admin.penalties.empty'),
      create: item => this.createRow(item),
      update: (row, item) => this.updateRow(row, item),
    });
    filterSelect.addEventListener('change', () => this.render(this.last));
  }

  render(data) {
    this.last = data ?? this.last;
    const filter = this.filterSelect.value;
    const items = (this.last?.penalties ?? []).filter(penalty =>
      filter === 'no_show' ? penalty.kind === 'no_show'
        : filter === 'unwaived' ? !penalty.waived || this.waivedHere.has(penalty.id)
          : true);
    this.table.render(items);
  }

  createRow(item) {
    const row = h('tr', { dataset: { test: 'penalty-row', penaltyId: item.id } });
    cells(row, 7);
    row.cells[0].append(h('time'));
    row.cells[1].append(h('span', { class: 'who' }, h('span', { class: 'who-name' }), ' ', h('span', { class: 'who-role muted' })));
    row.cells[2].append(h('span'));
    row.cells[3].className = 'num';
    row.cells[5].append(h('code'));
    row.cells[6].className = 'waiver';
    row.cells[6].append(h('span', { class: 'badge', dataset: { test: 'waived' } }));
    return row;
  }

  updateRow(row, penalty) {
    const { id, user, kind, points, reason, sessionId, createdAt } = penalty;
    const waived = Boolean(penalty.waived);
    setAttr(row, 'data-kind', kind);
    setAttr(row, 'data-waived', String(waived));
    const time = row.cells[0].firstChild;
    setAttr(time, 'datetime', createdAt);
    setText(time, clock(createdAt));
    setAttr(time, 'title', ago(Date.parse(createdAt)));
    setText(row.cells[1].querySelector('.who-name'), user?.displayName ?? '');
    setText(row.cells[1].querySelector('.who-role'), user?.role ? `(${translated('admin.role', user.role)})` : '');
    setPill(row.cells[2].firstChild, translated('admin.kind', kind), `badge kind-${kind}`);
    setText(row.cells[3], points);
    toggleClass(row.cells[3], 'struck', waived);
    // Known server reasons (English) are translated; the original stays in the tooltip.
    const reasonKey = `admin.reason.${reason ?? ''}`;
    const reasonText = t(reasonKey);
    setText(row.cells[4], reasonText === reasonKey ? (reason ?? '') : reasonText);
    setAttr(row.cells[4], 'title', reasonText === reasonKey ? null : reason);
    const session = row.cells[5].firstChild;
    setText(session, sessionId ? shortId(sessionId) : t('admin.penalties.none'));
    setAttr(session, 'title', sessionId || null);
    this.updateWaiver(row, penalty, waived);
  }

  updateWaiver(row, penalty, waived) {
    const cell = row.cells[6];
    const waivedBadge = cell.querySelector('[data-test=waived]');
    setText(waivedBadge, waived ? t('admin.waived') : '');
    waivedBadge.hidden = !waived;
    let button = cell.querySelector('[data-test=waive]');
    let form = cell.querySelector('form');
    let result = cell.querySelector('.waive-result');
    if (waived) {
      button?.remove();
      form?.remove();
      this.forms.delete(penalty.id);
    } else {
      if (!button) {
        button = h('button', { type: 'button', class: 'btn btn-small btn-danger-quiet', dataset: { test: 'waive' } });
        button.setAttribute('aria-expanded', 'false');
        button.addEventListener('click', () => this.openForm(row, penalty.id));
        cell.append(button);
      }
      setText(button, t('admin.waive'));
      setAttr(button, 'aria-label', t('admin.waive.label', { kind: translated('admin.kind', penalty.kind), name: penalty.user?.displayName ?? '' }));
      const state = this.forms.get(penalty.id);
      button.hidden = Boolean(state);
      setAttr(button, 'aria-expanded', String(Boolean(state)));
      if (state && !form) form = this.createForm(row, penalty);
      if (!state && form) { form.remove(); form = null; }
      if (form) this.updateForm(form, state);
    }
    const hereReason = this.waivedHere.get(penalty.id);
    if (hereReason !== undefined) {
      if (!result) {
        result = h('p', { class: 'waive-result', tabindex: -1, role: 'status', dataset: { test: 'waive-result' } });
        cell.append(result);
      }
      setText(result, t('admin.waive.done', { reason: hereReason }));
    } else if (result) {
      result.remove();
    }
  }

  openForm(row, id) {
    this.forms.set(id, { busy: false, error: '' });
    this.render();
    row.querySelector('[data-test=waive-reason]')?.focus();
  }

  closeForm(row, id) {
    this.forms.delete(id);
    this.render();
    row.querySelector('[data-test=waive]')?.focus();
  }

  createForm(row, penalty) {
    const inputId = `waive-reason-${penalty.id}`;
    const errorId = `waive-error-${penalty.id}`;
    const input = h('input', {
      id: inputId, name: 'reason', type: 'text', maxlength: 500, required: true, autocomplete: 'off',
      dataset: { test: 'waive-reason' },
    });
    input.setAttribute('aria-describedby', errorId);
    const form = h('form', { class: 'waive-form', novalidate: true },
      h('label', { for: inputId }),
      input,
      h('div', { class: 'waive-actions' },
        h('button', { type: 'submit', class: 'btn btn-small btn-danger', dataset: { test: 'waive-confirm' } }),
        h('button', { type: 'button', class: 'btn btn-small btn-quiet', dataset: { test: 'waive-cancel' } })),
      h('p', { id: errorId, class: 'waive-error', role: 'alert' }));
    form.querySelector('[data-test=waive-cancel]').addEventListener('click', () => this.closeForm(row, penalty.id));
    input.addEventListener('keydown', event => {
      if (event.key === 'Escape') {
        event.preventDefault();
        this.closeForm(row, penalty.id);
      }
    });
    form.addEventListener('submit', event => {
      event.preventDefault();
      this.confirm(row, penalty.id, input.value);
    });
    row.cells[6].append(form);
    return form;
  }

  updateForm(form, state) {
    setText(form.querySelector('label'), t('admin.waive.reasonLabel'));
    const input = form.querySelector('input');
    setAttr(input, 'placeholder', t('admin.waive.reasonPlaceholder'));
    input.readOnly = state.busy;
    setAttr(input, 'aria-invalid', state.error ? 'true' : null);
    const confirm = form.querySelector('[data-test=waive-confirm]');
    setText(confirm, t(state.busy ? 'admin.waive.busy' : 'admin.waive.confirm'));
    confirm.disabled = state.busy;
    setText(form.querySelector('[data-test=waive-cancel]'), t('admin.waive.cancel'));
    form.querySelector('[data-test=waive-cancel]').disabled = state.busy;
    setText(form.querySelector('.waive-error'), state.error);
  }

  async confirm(row, id, rawReason) {
    const state = this.forms.get(id);
    if (!state || state.busy) return;
    const reason = rawReason.trim();
    if (reason.length < 1 || reason.length > 500) {
      state.error = t('admin.waive.reasonRequired');
      this.render();
      row.querySelector('[data-test=waive-reason]')?.focus();
      return;
    }
    state.busy = true;
    state.error = '';
    this.render();
    try {
      const waived = await this.waive(id, reason);
      this.forms.delete(id);
      this.waivedHere.set(id, reason);
      // Show the answer now; the next refresh brings the same.
      const cached = (this.last?.penalties ?? []).find(penalty => penalty.id === id);
      if (cached) Object.assign(cached, waived ?? {}, { waived: true });
      this.render();
      row.querySelector('.waive-result')?.focus({ preventScroll: true });
      this.announce(t('admin.waive.done', { reason }));
    } catch (error) {
      state.busy = false;
      state.error = t('admin.waive.failed', { message: this.describe(error) });
      this.render();
      row.querySelector('[data-test=waive-reason]')?.focus();
    }
  }
}

/**
 * Ledger totals: one row per kind of account (escrow, funding, wallet, and any other the server
 * reports), then the total, which double entry keeps at 0; anything else is flagged loudly.
 */
export class LedgerSection {
  constructor(table, alert) {
    this.alertNode = alert;
    this.tableNode = table;
    this.table = new KeyedTable(table, {
      key: item => item.account,
      empty: () => '',
      create: item => {
        const row = h('tr', { dataset: { account: item.account } });
        row.append(h('th', { scope: 'row' }), h('td', { class: 'num' }));
        return row;
      },
      update: (row, { account, balance, isTotal, balanced, currency }) => {
        setText(row.cells[0], isTotal ? t('admin.ledger.total') : translated('admin.ledger', account));
        setText(row.cells[1], money(balance, currency));
        toggleClass(row, 'total', isTotal);
        toggleClass(row.cells[1], 'bad', Boolean(isTotal && !balanced));
      },
    });
  }

  render(data) {
    if (!data) return;
    const balances = new Map((data.accounts ?? []).map(({ account, balance }) => [account, balance]));
    const names = [...KNOWN_LEDGER_ACCOUNTS, ...[...balances.keys()].filter(name => !KNOWN_LEDGER_ACCOUNTS.includes(name))];
    const total = Number(data.total ?? 0);
    const balanced = total === 0;
    const currency = data.currency;
    this.table.render([
      ...names.map(account => ({ account, balance: balances.get(account) ?? 0, currency })),
      { account: 'total', balance: total, isTotal: true, balanced, currency },
    ]);
    setAttr(this.tableNode, 'data-balanced', String(balanced));
    setAttr(this.tableNode, 'data-total', String(total));
    toggleClass(this.alertNode, 'ledger-bad', !balanced);
    toggleClass(this.alertNode, 'callout-ok', balanced);
    setText(this.alertNode, balanced ? t('admin.ledger.ok') : t('admin.ledger.bad', { amount: money(total, currency) }));
  }

  balanced(data) {
    return data ? Number(data.total ?? 0) === 0 : null;
  }
}

/**
 * Webhook subscriptions and their backlog (GET /api/v1/admin/webhooks): where events go, how many
 * wait and since when, how many were given up, and the latest error. A subscription with
 * deliveries failing or given up is flagged; replays are made through the admin API.
 */
export class WebhooksSection {
  constructor(table) {
    this.table = new KeyedTable(table, {
      key: item => item.id,
      empty: () => t('admin.webhooks.empty'),
      create: item => {
        const row = h('tr', { dataset: { test: 'webhook-row', subscriptionId: item.id } });
        cells(row, 7);
        row.cells[0].append(h('code', { class: 'webhook-url' }), h('span', { class: 'muted small webhook-source' }));
        row.cells[2].append(h('span', { dataset: { test: 'webhook-state' } }));
        row.cells[3].className = 'num';
        row.cells[5].className = 'num';
        row.cells[6].className = 'webhook-error';
        return row;
      },
      update: (row, { url, source, events, active, backlog, now }) => {
        const pending = Number(backlog?.pending ?? 0);
        // A switched-off subscription retries nothing: what it has pending just waits.
        const failing = active ? Number(backlog?.failing ?? 0) : 0;
        const gaveUp = Number(backlog?.gaveUp ?? 0);
        const state = !active ? 'off' : failing > 0 || gaveUp > 0 ? 'failing' : 'delivering';
        setAttr(row, 'data-state', state);
        setText(row.cells[0].firstChild, url);
        setText(row.cells[0].lastChild, ` ${translated('admin.webhooks.source', source)}`);
        setText(row.cells[1], events?.length ? events.join(', ') : t('admin.webhooks.allEvents'));
        setPill(row.cells[2].firstChild, translated('admin.webhooks.state', state), `status-pill status-webhook-${state}`);
        setText(row.cells[3], failing > 0 ? `${count(pending)} · ${t('admin.webhooks.retrying', { n: count(failing) })}` : count(pending));
        toggleClass(row.cells[3], 'warn', failing > 0);
        setText(row.cells[4], backlog?.oldestPendingAt ? duration(secondsSince(backlog.oldestPendingAt, now)) : t('admin.webhooks.none'));
        setText(row.cells[5], count(gaveUp));
        toggleClass(row.cells[5], 'warn', gaveUp > 0);
        setText(row.cells[6], backlog?.lastError ?? t('admin.webhooks.none'));
        toggleClass(row.cells[6], 'muted', !backlog?.lastError);
      },
    });
  }

  render(data, readAt, now) {
    this.table.render((data?.subscriptions ?? []).map(item => ({ ...item, now })));
  }
}

/**
 * Every request waiting (GET /api/v1/admin/requests), longest first: what a stuck queue is made of.
 * The client's name opens them in the people panel, where the request can be cancelled.
 */
export class RequestsSection {
  constructor(table, openPerson) {
    this.table = new KeyedTable(table, {
      key: item => item.id,
      empty: () => t('admin.requests.empty'),
      create: item => {
        const row = h('tr', { dataset: { test: 'request-row', requestId: item.id } });
        cells(row, 6);
        row.cells[1].append(personButton('request-client'));
        row.cells[3].append(h('span'));
        row.cells[4].className = 'num';
        row.cells[5].append(h('code', { title: item.id }, shortId(item.id)));
        return row;
      },
      update: (row, { topic, mode, status, client, queuedAt, now }) => {
        setText(row.cells[0], topic);
        updatePersonButton(row.cells[1].firstChild, client, openPerson);
        setText(row.cells[2], translated('admin.mode', mode));
        setPill(row.cells[3].firstChild, translated('admin.request', status), `status-pill status-${status}`);
        const waited = secondsSince(queuedAt, now);
        setText(row.cells[4], duration(waited));
        toggleClass(row.cells[4], 'warn', waited >= LONG_WAIT_SECONDS);
      },
    });
  }

  render(data, readAt, now) {
    this.table.render((data?.requests ?? []).map(item => ({ ...item, now })));
  }
}

/** What operators did lately (GET /api/v1/admin/audit), newest first: who, what, to what, why. */
export class AuditSection {
  constructor(table) {
    this.table = new KeyedTable(table, {
      key: item => item.id,
      empty: () => t('admin.audit.empty'),
      create: item => {
        const row = h('tr', { dataset: { test: 'audit-row', action: item.action } });
        cells(row, 5);
        row.cells[3].append(h('code'));
        return row;
      },
      update: (row, item) => {
        const { createdAt, actor, action, subject, reason } = item;
        const detail = auditDetail(item);
        setText(row.cells[0], clock(createdAt));
        setText(row.cells[1], actor?.username ?? '');
        setText(row.cells[2], detail ? `${translated('admin.audit.action', action)} · ${detail}` : translated('admin.audit.action', action));
        setText(row.cells[3].firstChild, auditSubject(subject));
        setAttr(row.cells[3].firstChild, 'title', subject?.id ?? '');
        setText(row.cells[4], reason);
      },
    });
  }

  render(data) {
    this.table.render(data?.actions ?? []);
  }
}
