// The console's queue of reported reviews (GET /api/v1/admin/reviews): what a client wrote of an
// expert, and why the expert reported it. An operator hides the review from the public profile or
// keeps it shown, with a reason (POST /api/v1/admin/reviews/{id}/hide or /show); either settles
// the report and the row leaves the queue. The form lives in its row, so the 2-second refresh
// leaves a half-typed reason alone.
import { t } from '/i18n/i18n.js';
import { h, setText, setAttr, KeyedTable } from './dom.js';
import { clock, ago } from './format.js';
import { stars } from '/app/format.js';

export class ReviewsSection {
  /** settle(id, hide, reason) -> Promise of the review as it is now; describe(error) -> a message for people. */
  constructor(table, { settle, describe, announce }) {
    this.settle = settle;
    this.describe = describe;
    this.announce = announce;
    this.forms = new Map(); // review id -> {hide, busy, error}: the open form of a row
    this.settledHere = new Set();
    this.last = null;
    this.table = new KeyedTable(table, {
      key: item => item.id,
      empty: () => t('admin.reviews.empty'),
      create: item => this.createRow(item),
      update: (row, item) => this.updateRow(row, item),
    });
  }

  render(data) {
    this.last = data ?? this.last;
    this.table.render((this.last?.reviews ?? []).filter(review => !this.settledHere.has(review.id)));
  }

  createRow(item) {
    const row = h('tr', { dataset: { test: 'review-row', reviewId: item.id } });
    const cells = [h('td', {}, h('time')), h('td'), h('td', {}, h('span', { class: 'stars-small' }), ' ', h('q')), h('td'), h('td', { class: 'review-actions' })];
    row.append(...cells);
    const [hide, keep] = ['hide', 'keep'].map(kind => {
      const button = h('button', { type: 'button', class: `btn btn-small ${kind === 'hide' ? 'btn-danger-quiet' : 'btn-quiet'}`,
        dataset: { test: `review-${kind}` } });
      button.addEventListener('click', () => { this.forms.set(item.id, { hide: kind === 'hide', busy: false, error: '' }); this.render(); row.querySelector('input')?.focus(); });
      return button;
    });
    cells[4].append(hide, ' ', keep);
    return row;
  }

  updateRow(row, review) {
    const time = row.cells[0].firstChild;
    setAttr(time, 'datetime', review.reportedAt);
    setText(time, clock(review.reportedAt));
    setAttr(time, 'title', ago(Date.parse(review.reportedAt)));
    setText(row.cells[1], review.expertName);
    setText(row.cells[2].querySelector('.stars-small'), stars(review.stars));
    setAttr(row.cells[2].querySelector('.stars-small'), 'aria-label', `${review.stars}/5`);
    setText(row.cells[2].querySelector('q'), review.comment);
    setText(row.cells[3], review.reportReason);
    const [hide, keep] = row.cells[4].querySelectorAll('button');
    setText(hide, t('admin.reviews.hide'));
    setText(keep, t('admin.reviews.keep'));
    const state = this.forms.get(review.id);
    hide.hidden = keep.hidden = Boolean(state);
    let form = row.cells[4].querySelector('form');
    if (state && !form) form = this.createForm(row, review.id);
    if (!state && form) { form.remove(); form = null; }
    if (form) {
      const input = form.querySelector('input');
      setText(form.querySelector('label'), t(state.hide ? 'admin.reviews.hideReason' : 'admin.reviews.keepReason'));
      input.readOnly = state.busy;
      const confirm = form.querySelector('[data-test=review-confirm]');
      setText(confirm, t(state.busy ? 'admin.reviews.busy' : state.hide ? 'admin.reviews.hideConfirm' : 'admin.reviews.keepConfirm'));
      confirm.disabled = state.busy;
      setText(form.querySelector('[data-test=review-cancel]'), t('admin.waive.cancel'));
      setText(form.querySelector('[role=alert]'), state.error);
    }
  }

  createForm(row, id) {
    const inputId = `review-reason-${id}`;
    const input = h('input', { id: inputId, name: 'reason', type: 'text', maxlength: 500, autocomplete: 'off', dataset: { test: 'review-reason' } });
    const form = h('form', { class: 'waive-form', novalidate: true },
      h('label', { for: inputId }), input,
      h('div', { class: 'waive-actions' },
        h('button', { type: 'submit', class: 'btn btn-small btn-primary', dataset: { test: 'review-confirm' } }),
        h('button', { type: 'button', class: 'btn btn-small btn-quiet', dataset: { test: 'review-cancel' } })),
      h('p', { class: 'waive-error', role: 'alert' }));
    form.querySelector('[data-test=review-cancel]').addEventListener('click', () => { this.forms.delete(id); this.render(); });
    form.addEventListener('submit', event => { event.preventDefault(); this.confirm(id, input.value.trim()); });
    row.cells[4].append(form);
    return form;
  }

  async confirm(id, reason) {
    const state = this.forms.get(id);
    if (!state || state.busy) return;
    if (!reason) { state.error = t('admin.waive.reasonRequired'); this.render(); return; }
    state.busy = true;
    state.error = '';
    this.render();
    try {
      await this.settle(id, state.hide, reason);
      this.forms.delete(id);
      // Settled: out of the queue now; the next read agrees.
      this.settledHere.add(id);
      this.render();
      this.announce(t(state.hide ? 'admin.reviews.hidden' : 'admin.reviews.kept'));
    } catch (error) {
      state.busy = false;
      state.error = this.describe(error);
      this.render();
    }
  }
}
