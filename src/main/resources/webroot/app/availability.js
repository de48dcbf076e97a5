// An expert's bookable hours, under their profile: a time zone (the browser's by default), one
// range per day of the week, and days off. Read from GET /api/v1/experts/me/availability (404 until
// the first save) and saved whole with PUT. Clients will book slots of these hours.
import { h, field, showStatus, statusLine, uniqueId } from './dom.js';
import { errorText } from './format.js';

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const MAX_DAYS_OFF = 60;

/** The card: {element, destroy}. */
export function availabilityCard(ctx) {
  let destroyed = false;
  const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  const zone = h('input', { name: 'timeZone', value: browserZone, autocapitalize: 'none', spellcheck: 'false', maxlength: 64,
    list: 'time-zones', dataTest: 'availability-zone' });
  const zones = h('datalist', { id: 'time-zones' },
    ...(typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [browserZone]).map(z => h('option', { value: z })));
  const rows = DAYS.map(day => {
    const on = h('input', { type: 'checkbox', name: `on-${day}`, id: uniqueId(`day-${day}`), dataTest: `availability-${day}` });
    const from = h('input', { type: 'time', name: `from-${day}`, value: '09:00', step: 900, i18nAttr: 'aria-label:availability.from' });
    const to = h('input', { type: 'time', name: `to-${day}`, value: '17:00', step: 900, i18nAttr: 'aria-label:availability.to' });
    const sync = () => { from.disabled = to.disabled = !on.checked; };
    on.addEventListener('change', sync);
    sync();
    return { day, on, from, to, sync,
      element: h('div', { class: 'availability-day' },
        h('label', { class: 'check', for: on.id }, on, h('span', { i18n: `availability.day.${day}` })), from, h('span', { 'aria-hidden': 'true', text: '–' }), to) };
  });
  const daysOff = h('ul', { class: 'days-off', dataTest: 'days-off' });
  const newDayOff = h('input', { type: 'date', name: 'dayOff', dataTest: 'day-off-date', i18nAttr: 'aria-label:availability.dayOffDate' });
  const addDayOff = h('button', { type: 'button', class: 'btn btn-small', i18n: 'availability.addDayOff', dataTest: 'day-off-add' });
  const status = statusLine('availability-status');
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block', i18n: 'availability.save' });

  const dayOffItem = date => h('li', { class: 'day-off', dataset: { date } }, h('span', { text: date }), ' ',
    h('button', { type: 'button', class: 'btn btn-small btn-quiet', i18n: 'availability.removeDayOff',
      on: { click: event => event.target.closest('li').remove() } }));
  addDayOff.addEventListener('click', () => {
    const date = newDayOff.value;
    if (!date) { showStatus(status, 'error', 'availability.pickDate'); newDayOff.focus(); return; }
    if ([...daysOff.children].some(li => li.dataset.date === date)) return;
    if (daysOff.children.length >= MAX_DAYS_OFF) return;
    daysOff.append(dayOffItem(date));
    newDayOff.value = '';
    showStatus(status, '', '');
  });

  const form = h('form', { class: 'stack', dataTest: 'availability', novalidate: true },
    field('availability.timeZone', zone, 'availability.timeZoneHint'), zones,
    h('fieldset', { class: 'plain-group stack-tight' }, h('legend', { i18n: 'availability.weekly' }), ...rows.map(r => r.element)),
    h('fieldset', { class: 'plain-group stack-tight' }, h('legend', { i18n: 'availability.daysOff' }),
      daysOff, h('div', { class: 'row' }, newDayOff, addDayOff)),
    status, submit);

  const fill = saved => {
    zone.value = saved.timeZone;
    for (const row of rows) {
      const hours = saved.weekly.find(w => w.day === row.day);
      row.on.checked = Boolean(hours);
      if (hours) { row.from.value = hours.from; row.to.value = hours.to === '24:00' ? '23:59' : hours.to; }
      row.sync();
    }
    daysOff.replaceChildren(...saved.exceptions.filter(e => e.hours.length === 0).map(e => dayOffItem(e.date)));
  };
  ctx.tandem.get('/api/v1/experts/me/availability').then(saved => { if (!destroyed) fill(saved); }).catch(error => {
    if (!destroyed && error?.code !== 'not_found') showStatus(status, 'error', errorText(error), undefined, { raw: true });
  });

  form.addEventListener('submit', async event => {
    event.preventDefault();
    // A time field cannot say 24:00: its last minute, 23:59, stands for the end of the day.
    const weekly = rows.filter(r => r.on.checked).map(r => ({ day: r.day, from: r.from.value, to: r.to.value === '23:59' ? '24:00' : r.to.value }));
    const bad = rows.find(r => r.on.checked && (!r.from.value || !r.to.value || r.to.value <= r.from.value));
    if (bad) { showStatus(status, 'error', 'availability.badHours'); bad.from.focus(); return; }
    const exceptions = [...daysOff.children].map(li => ({ date: li.dataset.date, hours: [] }));
    submit.disabled = true;
    try {
      fill(await ctx.tandem.put('/api/v1/experts/me/availability', { timeZone: zone.value.trim(), weekly, exceptions }));
      showStatus(status, 'ok', 'availability.saved');
    } catch (error) {
      showStatus(status, 'error', errorText(error), undefined, { raw: true });
    } finally {
      submit.disabled = false;
    }
  });

  const element = h('section', { class: 'card narrow stack', dataTest: 'availability-card' },
    h('h2', { i18n: 'availability.title' }),
    h('p', { class: 'muted', i18n: 'availability.lead' }),
    form);
  return { element, destroy() { destroyed = true; } };
}
