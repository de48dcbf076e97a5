// The console's list of today's bookings (GET /api/v1/admin/bookings?from=&to=, the operator's
// own day): when each starts, who booked whom for what, and where it stands (confirmed, cancelled
// by whom and at what cost to the client, or opened as a session).
import { language, t } from '/i18n/i18n.js';
import { h, setText, KeyedTable } from './dom.js';
import { money, translated } from './format.js';

/** The read of today's bookings in the operator's time zone: from local midnight to the next. */
export function todaysBookingsPath(now = new Date()) {
  const start = new Date(now.getFullYear(), now.getMonth(), now.getDate());
  const end = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1);
  return `/api/v1/admin/bookings?from=${encodeURIComponent(start.toISOString())}&to=${encodeURIComponent(end.toISOString())}`;
}

export class BookingsSection {
  constructor(table) {
    this.table = new KeyedTable(table, {
      key: item => item.id,
      empty: () => t('admin.bookings.empty'),
      create: item => {
        const row = h('tr', { dataset: { test: 'booking-row', bookingId: item.id } });
        for (let i = 0; i < 6; i += 1) row.append(h('td'));
        row.cells[0].append(h('time'));
        row.cells[4].append(h('span'));
        return row;
      },
      update: (row, b) => {
        const time = row.cells[0].firstChild;
        time.setAttribute('datetime', b.startAt);
        setText(time, new Intl.DateTimeFormat(language(), { hour: '2-digit', minute: '2-digit', hour12: false }).format(new Date(b.startAt)));
        setText(row.cells[1], b.client.displayName);
        setText(row.cells[2], b.expert.displayName);
        setText(row.cells[3], `${b.topic} · ${translated('admin.mode', b.mode)}`);
        const pill = row.cells[4].firstChild;
        const className = `status-pill status-booking-${b.status}`;
        if (pill.className !== className) pill.className = className;
        setText(pill, b.status === 'cancelled'
          ? t(`admin.bookings.cancelledBy.${b.cancelledBy}`, { fee: money(b.cancelFee, b.price.currency) })
          : translated('admin.bookings.status', b.status));
        setText(row.cells[5], money(b.price.amount, b.price.currency));
        row.dataset.status = b.status;
      },
    });
  }

  render(data) {
    this.table.render(data?.bookings ?? []);
  }
}
