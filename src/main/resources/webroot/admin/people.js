// The people panel of the console: find a person by name, see their account, live request,
// sessions, wallet, record and what operators did to them, and put things right from there: credit
// the wallet, suspend or reinstate, cancel a request, end a session with an outcome, refund a
// settled session, waive a penalty. Every action asks for a reason (kept in the audit log); those
// that move money carry an Idempotency-Key made when the form opens, so a retried click never
// moves money twice. Not polled: it shows what was read when the person was opened, and reads
// again after each action.
import { t } from '/i18n/i18n.js';
import { h, setText } from './dom.js';
import { auditDetail, clock, knownCurrencyCode, minorUnits, money, shortId, translated } from './format.js';

const LIVE_REQUEST = new Set(['queued', 'offered']);
const OPEN_SESSION = new Set(['waiting', 'active']);
/** Outcomes an operator may end a session with: the outcome table's endings (docs/operations.md). */
const OUTCOMES = ['completed', 'client_left', 'expert_left', 'expert_no_show', 'client_no_show', 'both_no_show', 'abandoned'];
/** Sessions whose money was paid: a refund gives some of it back. */
const PAID = new Set(['completed', 'client_left', 'client_no_show']);

function newKey() {
  return crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`;
}

export class PeoplePanel {
  /** api: {get, post(path, body, options)}; describe(error) -> a sentence; announce(text) for screen readers. */
  constructor(root, { api, describe, announce }) {
    this.api = api;
    this.describe = describe;
    this.announce = announce;
    this.root = root;
    this.person = null;
    this.results = null;
    this.query = '';
    this.openForm = null; // {key, ...} of the action form open, kept across re-renders
    this.message = null;
    this.searchInput = h('input', { type: 'search', id: 'people-query', name: 'query', maxlength: 64, autocomplete: 'off', dataset: { test: 'people-query' } });
    this.searchLabel = h('label', { for: 'people-query' });
    this.searchButton = h('button', { type: 'submit', class: 'btn btn-small btn-primary', dataset: { test: 'people-search' } });
    this.searchForm = h('form', { class: 'people-search', role: 'search', novalidate: true }, this.searchLabel, this.searchInput, this.searchButton);
    this.resultsNode = h('ul', { class: 'people-results', dataset: { test: 'people-results' } });
    this.detail = h('div', { class: 'person', dataset: { test: 'person' }, tabindex: -1 });
    root.append(this.searchForm, this.resultsNode, this.detail);
    this.searchForm.addEventListener('submit', event => {
      event.preventDefault();
      this.search(this.searchInput.value.trim());
    });
    this.render();
  }

  async search(query) {
    this.query = query;
    try {
      this.results = (await this.api.get(`/api/v1/admin/users?limit=20&query=${encodeURIComponent(query)}`)).users ?? [];
      this.message = null;
    } catch (error) {
      this.results = [];
      this.message = this.describe(error);
    }
    this.render();
  }

  /** Opens a person (from the search, or from a name in another panel). */
  async open(userId, { focus = true } = {}) {
    try {
      this.person = await this.api.get(`/api/v1/admin/users/${encodeURIComponent(userId)}`);
      this.message = null;
    } catch (error) {
      this.message = this.describe(error);
    }
    this.render();
    if (focus) {
      this.root.closest('section')?.scrollIntoView({ block: 'start' });
      this.detail.focus({ preventScroll: true });
    }
  }

  render() {
    setText(this.searchLabel, t('admin.people.search'));
    this.searchInput.placeholder = t('admin.people.searchPlaceholder');
    setText(this.searchButton, t('admin.people.find'));
    this.resultsNode.replaceChildren(...(this.results ?? []).map(user => h('li', {},
      h('button', { type: 'button', class: 'link-button', dataset: { test: 'person-result', userId: user.id }, on: { click: () => this.open(user.id) } },
        `${user.displayName} `, h('span', { class: 'muted' }, `@${user.username} · ${translated('admin.role', user.role)}`)))));
    if (this.results && !this.results.length) this.resultsNode.append(h('li', { class: 'muted' }, t('admin.people.none', { query: this.query })));
    this.detail.replaceChildren(...this.detailParts());
  }

  detailParts() {
    const parts = [];
    if (this.message) parts.push(h('p', { class: 'callout callout-warning', role: 'alert' }, this.message));
    const p = this.person;
    if (!p) return parts;
    const suspended = p.suspendedUntil ? t('admin.people.suspendedUntil', { time: clock(p.suspendedUntil) }) : null;
    parts.push(h('h3', { dataset: { test: 'person-name' } }, `${p.displayName} `, h('span', { class: 'muted' }, `@${p.username}`)),
      h('p', {}, translated('admin.role', p.role), ' · ', t('admin.people.balance', { amount: money(p.balance) }),
        suspended ? h('span', { class: 'badge badge-warning', dataset: { test: 'person-suspended' } }, ` ${suspended}`) : ''));
    if (p.role !== 'admin') {
      parts.push(h('div', { class: 'row person-actions' },
        this.actionButton('credit', p.id),
        p.suspendedUntil ? this.actionButton('reinstate', p.id) : this.actionButton('suspend', p.id)));
      parts.push(this.formFor(['credit', 'suspend', 'reinstate'], p.id));
    }
    parts.push(this.list('admin.people.requests', (p.requests ?? []).map(request => this.requestItem(request))));
    parts.push(this.list('admin.people.sessions', (p.sessions ?? []).map(session => this.sessionItem(session))));
    parts.push(this.list('admin.people.penalties', (p.penalties ?? []).map(penalty => this.penaltyItem(penalty))));
    parts.push(this.list('admin.people.ledger', (p.ledger ?? []).slice(0, 20).map(entry => h('li', { dataset: { test: 'person-ledger' } },
      `${clock(entry.createdAt)} · ${translated('admin.entry', entry.kind)}${entry.settlement ? ` (${translated('admin.settlement', entry.settlement)})` : ''} · `,
      h('strong', {}, money(entry.amount)), entry.note ? h('span', { class: 'muted' }, ` · ${entry.note}`) : ''))));
    parts.push(this.list('admin.people.audit', (p.audit ?? []).map(action => h('li', { dataset: { test: 'person-audit' } },
      `${clock(action.createdAt)} · ${action.actor?.username ?? ''} · ${translated('admin.audit.action', action.action)}`
        + `${auditDetail(action) ? ` · ${auditDetail(action)}` : ''} · `,
      h('span', { class: 'muted' }, action.reason)))));
    return parts;
  }

  list(titleKey, items) {
    return h('div', { class: 'person-list' }, h('h4', {}, t(titleKey)),
      items.length ? h('ul', { class: 'item-list' }, ...items) : h('p', { class: 'muted small' }, t('admin.people.nothing')));
  }

  requestItem(request) {
    const live = LIVE_REQUEST.has(request.status);
    return h('li', { dataset: { test: 'person-request', requestId: request.id } },
      `${request.topic} · ${translated('admin.mode', request.mode)} · ${translated('admin.request', request.status)}`,
      request.reason ? h('span', { class: 'muted' }, ` (${translated('admin.cancelReason', request.reason)})`) : '',
      ` · ${clock(request.createdAt)} `,
      live ? this.actionButton('cancelRequest', request.id) : '',
      live ? this.formFor(['cancelRequest'], request.id) : '');
  }

  sessionItem(session) {
    const open = OPEN_SESSION.has(session.status);
    const actions = open ? ['end'] : PAID.has(session.status) ? ['refund'] : [];
    return h('li', { dataset: { test: 'person-session', sessionId: session.id, status: session.status } },
      `${session.topic} · ${translated('admin.session', session.status)} · ${session.peer?.displayName ?? ''} · ${clock(session.createdAt)} `,
      h('code', { title: session.id }, shortId(session.id)), ' ',
      ...actions.map(action => this.actionButton(action, session.id)),
      this.formFor(actions, session.id));
  }

  penaltyItem(penalty) {
    return h('li', { dataset: { test: 'person-penalty', penaltyId: penalty.id } },
      `${clock(penalty.createdAt)} · ${translated('admin.kind', penalty.kind)} · ${penalty.reason} `,
      penalty.waived ? h('span', { class: 'badge' }, t('admin.waived')) : this.actionButton('waive', penalty.id),
      penalty.waived ? '' : this.formFor(['waive'], penalty.id));
  }

  actionButton(action, target) {
    const pressed = this.openForm?.action === action && this.openForm?.target === target;
    return h('button', {
      type: 'button', class: 'btn btn-small', dataset: { test: `action-${action}`, target },
      'aria-expanded': String(pressed),
      on: { click: () => {
        this.openForm = pressed ? null : { action, target, key: newKey(), error: '', busy: false };
        this.render();
        this.detail.querySelector('.action-form input, .action-form select')?.focus();
      } },
    }, t(`admin.action.${action}`));
  }

  /** The inline form of the action open on this target, if it is one of `actions`. */
  formFor(actions, target) {
    const open = this.openForm;
    if (!open || open.target !== target || !actions.includes(open.action)) return '';
    const id = `action-${open.action}-${target}`;
    const fields = [];
    const movesMoney = open.action === 'credit' || open.action === 'refund';
    if (movesMoney) {
      // Typed in currency units ("30" is ¥30.00), as every amount on screen reads; sent in minor units.
      const code = knownCurrencyCode();
      const preview = h('p', { class: 'muted small', id: `${id}-amount-preview`, 'aria-live': 'polite', dataset: { test: 'action-amount-preview' } });
      const input = h('input', {
        id: `${id}-amount`, name: 'amount', type: 'text', inputmode: 'decimal', autocomplete: 'off', required: true,
        placeholder: money(2000), 'aria-describedby': `${id}-amount-preview`, dataset: { test: 'action-amount' },
      });
      const showPreview = () => {
        const minor = minorUnits(input.value);
        setText(preview, input.value.trim() === '' ? '' : minor === null ? t('admin.action.amountInvalid') : t(`admin.action.${open.action}.preview`, { amount: money(minor) }));
      };
      input.addEventListener('input', showPreview);
      queueMicrotask(showPreview);
      fields.push(h('label', { for: `${id}-amount` }, code ? t('admin.action.amountIn', { currency: code }) : t('admin.action.amount')), input, preview);
    }
    if (open.action === 'suspend') {
      fields.push(h('label', { for: `${id}-hours` }, t('admin.action.hours')),
        h('input', { id: `${id}-hours`, name: 'hours', type: 'number', min: 1, max: 8784, step: 1, value: '24', required: true, dataset: { test: 'action-hours' } }));
    }
    if (open.action === 'end') {
      fields.push(h('label', { for: `${id}-outcome` }, t('admin.action.outcome')),
        h('select', { id: `${id}-outcome`, name: 'outcome', dataset: { test: 'action-outcome' } },
          ...OUTCOMES.map(outcome => h('option', { value: outcome }, translated('admin.session', outcome)))));
    }
    fields.push(h('label', { for: `${id}-reason` }, t(movesMoney ? 'admin.action.reasonShown' : 'admin.action.reason')),
      h('input', { id: `${id}-reason`, name: 'reason', type: 'text', maxlength: 500, required: true, dataset: { test: 'action-reason' } }));
    const form = h('form', { class: 'action-form', novalidate: true, dataset: { test: 'action-form' } }, ...fields,
      h('p', { class: 'muted small' }, t(`admin.action.${open.action}.help`)),
      h('div', { class: 'row' },
        h('button', { type: 'submit', class: 'btn btn-small btn-danger', disabled: open.busy, dataset: { test: 'action-confirm' } },
          t(open.busy ? 'admin.action.busy' : `admin.action.${open.action}.confirm`)),
        h('button', { type: 'button', class: 'btn btn-small btn-quiet', on: { click: () => { this.openForm = null; this.render(); } } }, t('admin.action.cancel'))),
      h('p', { class: 'action-error', role: 'alert', dataset: { test: 'action-error' } }, open.error));
    // What was typed survives a re-render (busy, an error).
    for (const [name, value] of Object.entries(open.values ?? {})) {
      if (form.elements[name]) form.elements[name].value = value;
    }
    form.addEventListener('submit', event => {
      event.preventDefault();
      this.submit(form);
    });
    return form;
  }

  async submit(form) {
    const open = this.openForm;
    const values = Object.fromEntries(new FormData(form).entries());
    open.values = values;
    const reason = String(values.reason ?? '').trim();
    if (!reason) { open.error = t('admin.action.reasonRequired'); this.render(); return; }
    const body = { reason };
    if ('amount' in values) {
      body.amount = minorUnits(values.amount);
      if (body.amount === null || body.amount < 1) { open.error = t('admin.action.amountInvalid'); this.render(); return; }
    }
    if ('hours' in values) body.hours = Number(values.hours);
    if ('outcome' in values) body.outcome = values.outcome;
    const target = encodeURIComponent(open.target);
    const call = {
      credit: [`/api/v1/admin/users/${target}/credits`, true],
      suspend: [`/api/v1/admin/users/${target}/suspension`, false],
      reinstate: [`/api/v1/admin/users/${target}/reinstate`, false],
      cancelRequest: [`/api/v1/admin/requests/${target}/cancel`, false],
      end: [`/api/v1/admin/sessions/${target}/end`, false],
      refund: [`/api/v1/admin/sessions/${target}/refund`, true],
      waive: [`/api/v1/admin/penalties/${target}/waive`, false],
    }[open.action];
    open.busy = true;
    open.error = '';
    this.render();
    try {
      await this.api.post(call[0], body, call[1] ? { headers: { 'Idempotency-Key': open.key } } : undefined);
      this.openForm = null;
      this.announce(t(`admin.action.${open.action}.done`));
      await this.open(this.person.id, { focus: false });
    } catch (error) {
      open.busy = false;
      const refundable = error?.details?.refundable;
      open.error = refundable != null ? t('admin.action.refund.atMost', { amount: money(refundable) }) : this.describe(error);
      this.render();
    }
  }
}
