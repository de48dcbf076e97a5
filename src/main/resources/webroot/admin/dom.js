// The console's DOM helpers, on the app's (/app/dom.js: h, which builds every element, and
// setText). Everything the console shows is built with these and updated in place: a 2-second
// refresh must neither flicker nor take away focus, a half-typed waiver reason, or the scroll
// position, so nodes are kept and only changed text is written.
import { h, setText } from '/app/dom.js';

/** Elements are built, and text written, as the app does it (app/dom.js). */
export { h, setText };

/** Sets (or with null/undefined removes) an attribute only when it changed. */
export function setAttr(node, name, value) {
  if (value === undefined || value === null || value === false) {
    if (node.hasAttribute(name)) node.removeAttribute(name);
  } else if (node.getAttribute(name) !== String(value)) {
    node.setAttribute(name, String(value));
  }
}

/** Adds or removes a class only when that changes something. */
export function toggleClass(node, name, on) {
  if (node.classList.contains(name) !== Boolean(on)) node.classList.toggle(name, Boolean(on));
}

/**
 * A table body kept in step with a list of items by key. Rows are created once per key, updated in
 * place, moved only when the order changed and removed when their item is gone; the element that
 * has focus is given it back if a move took it away. Each cell gets data-label = its column's
 * header text, which the phone layout shows in front of the value (rows become cards there).
 *
 * options: key(item) -> string; create(item) -> <tr>; update(tr, item); empty: () -> message text.
 */
export class KeyedTable {
  constructor(table, { key, create, update, empty }) {
    this.table = table;
    this.body = table.tBodies[0] || table.appendChild(document.createElement('tbody'));
    this.key = key;
    this.create = create;
    this.update = update;
    this.empty = empty;
    this.rows = new Map();
    this.emptyRow = null;
  }

  render(items) {
    const focused = this.body.contains(document.activeElement) ? document.activeElement : null;
    const seen = new Set();
    let cursor = this.body.firstElementChild;
    if (cursor && cursor === this.emptyRow) cursor = cursor.nextElementSibling;
    for (const item of items) {
      const key = this.key(item);
      seen.add(key);
      let row = this.rows.get(key);
      if (!row) {
        row = this.create(item);
        this.rows.set(key, row);
      }
      this.update(row, item);
      if (row === cursor) {
        cursor = cursor.nextElementSibling;
      } else {
        this.body.insertBefore(row, cursor);
      }
    }
    for (const [key, row] of this.rows) {
      if (!seen.has(key)) {
        row.remove();
        this.rows.delete(key);
      }
    }
    this.renderEmpty(items.length === 0);
    this.label();
    if (focused && focused.isConnected && document.activeElement !== focused) focused.focus({ preventScroll: true });
  }

  renderEmpty(isEmpty) {
    if (isEmpty) {
      if (!this.emptyRow) {
        const cell = h('td', { class: 'empty', colspan: this.table.tHead.rows[0].cells.length });
        this.emptyRow = h('tr', { class: 'empty-row' }, cell);
        this.body.append(this.emptyRow);
      }
      setText(this.emptyRow.firstElementChild, this.empty());
    } else if (this.emptyRow) {
      this.emptyRow.remove();
      this.emptyRow = null;
    }
  }

  /** Copies the (translated) header texts onto the cells, for the card layout on phones. */
  label() {
    const headers = [...this.table.tHead.rows[0].cells].map(cell => cell.textContent.trim());
    for (const row of this.rows.values()) {
      [...row.cells].forEach((cell, index) => setAttr(cell, 'data-label', headers[index] ?? ''));
    }
  }
}
