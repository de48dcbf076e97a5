// The check-in panel of an in-person room: where the two meet, and being there (by the device's
// location, or typed in), which is what joining means in person.
import { h, setI18n, statusLine, showStatus, field } from './dom.js';
import { errorText } from './format.js';
import { currentLocation, readLocation, locationFailure } from './geo.js';

/** Returns {panel, showMeetingPoint(point)} for the room of the SDK's {@code room}. */
export function checkInPanel(room) {
  const checkinButton = h('button', { type: 'button', class: 'btn btn-primary', dataTest: 'checkin', i18n: 'checkin.button' });
  const checkinStatus = statusLine('checkin-status');
  const manualLat = h('input', { name: 'lat', type: 'number', step: 'any', inputmode: 'decimal' });
  const manualLng = h('input', { name: 'lng', type: 'number', step: 'any', inputmode: 'decimal' });
  const manualButton = h('button', { type: 'button', class: 'btn', i18n: 'checkin.manualButton' });
  // Where the two meet (the session's meetingPoint), with a map to find it.
  const meetingPlace = h('p', { class: 'meeting-point', dataTest: 'meeting-point', hidden: true });
  const panel = h('section', { class: 'checkin-panel card stack-tight', hidden: true },
    h('h2', { i18n: 'checkin.title' }),
    meetingPlace,
    h('p', { class: 'muted', i18n: 'checkin.lead' }),
    h('div', { class: 'row' }, checkinButton),
    checkinStatus,
    h('details', { class: 'manual' },
      h('summary', { i18n: 'checkin.manual' }),
      h('div', { class: 'row-fields' }, field('location.lat', manualLat), field('location.lng', manualLng)),
      manualButton));

  const checkIn = async location => {
    checkinButton.disabled = true;
    manualButton.disabled = true;
    try {
      await room.checkIn(location);
      showStatus(checkinStatus, 'ok', 'checkin.done');
      checkinButton.hidden = true;
      panel.querySelector('details').hidden = true;
    } catch (error) {
      const far = error?.details?.distanceMeters;
      if (typeof far === 'number') showStatus(checkinStatus, 'error', 'checkin.tooFar', { distance: far, radius: error.details.radiusMeters });
      else showStatus(checkinStatus, 'error', errorText(error), undefined, { raw: true });
    } finally {
      checkinButton.disabled = false;
      manualButton.disabled = false;
    }
  };
  checkinButton.addEventListener('click', async () => {
    showStatus(checkinStatus, '', 'location.finding');
    try {
      await checkIn(await currentLocation());
    } catch (error) {
      showStatus(checkinStatus, 'error', locationFailure(error, 'type'));
    }
  });
  manualButton.addEventListener('click', () => {
    const location = readLocation(manualLat, manualLng);
    if (!location) { showStatus(checkinStatus, 'error', 'checkin.missing'); manualLat.focus(); return; }
    checkIn(location);
  });

  return {
    panel,
    showMeetingPoint(point) {
      if (!point) return;
      const lat = point.lat.toFixed(5);
      const lng = point.lng.toFixed(5);
      const map = h('a', { href: `https://www.openstreetmap.org/?mlat=${lat}&mlon=${lng}#map=18/${lat}/${lng}`,
        target: '_blank', rel: 'noopener', dataTest: 'meeting-map', i18n: 'checkin.openMap' });
      meetingPlace.replaceChildren(setI18n(h('span'), 'checkin.meetAt', { where: `${lat}, ${lng}` }), ' ', map);
      meetingPlace.hidden = false;
    },
  };
}
