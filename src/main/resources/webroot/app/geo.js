import { h, field, showStatus, statusLine, uniqueId } from './dom.js';
import { PLACES, placeAt } from './places.js';

// The browser's location as {lat, lng}, rounded to 5 decimals (about a metre).
export function currentLocation({ timeoutMs = 10000 } = {}) {
  return new Promise((resolve, reject) => {
    if (!navigator.geolocation) { reject(Object.assign(new Error('geolocation unavailable'), { code: 'geo_unavailable' })); return; }
    navigator.geolocation.getCurrentPosition(
      position => resolve({ lat: round(position.coords.latitude), lng: round(position.coords.longitude) }),
      error => reject(Object.assign(new Error(error.message || 'geolocation failed'), { code: error.code === 1 ? 'geo_denied' : 'geo_failed' })),
      { enableHighAccuracy: true, timeout: timeoutMs, maximumAge: 30000 });
  });
}

function round(value) {
  return Math.round(value * 1e5) / 1e5;
}

/** Reads two inputs as a location; null when either is empty or out of range. */
export function readLocation(latInput, lngInput) {
  if (latInput.value.trim() === '' || lngInput.value.trim() === '') return null;
  const lat = Number(latInput.value);
  const lng = Number(lngInput.value);
  if (!Number.isFinite(lat) || !Number.isFinite(lng) || lat < -90 || lat > 90 || lng < -180 || lng > 180) return null;
  return { lat, lng };
}

/**
 * What to say when the browser gives no location, and what to do instead: pick a `place` from the
 * list, or `type` the coordinates (where there is no list).
 */
export function locationFailure(error, orElse = 'place') {
  const denied = error?.code === 'geo_denied';
  if (orElse === 'type') return denied ? 'location.deniedType' : 'location.failedType';
  return denied ? 'location.denied' : 'location.failed';
}

/**
 * Wires a "use my location" button: the browser's location fills the two inputs, and
 * `statusElement` says how it went (finding, found, denied, failed).
 */
export function locateInto(button, latInput, lngInput, statusElement, onFound = () => {}, { orElse = 'place' } = {}) {
  button.addEventListener('click', async () => {
    button.disabled = true;
    showStatus(statusElement, '', 'location.finding');
    try {
      const where = await currentLocation();
      latInput.value = String(where.lat);
      lngInput.value = String(where.lng);
      onFound(where);
      showStatus(statusElement, 'ok', 'location.found');
    } catch (error) {
      showStatus(statusElement, 'error', locationFailure(error, orElse));
    } finally {
      button.disabled = false;
    }
  });
}

/**
 * Where someone is, for meeting in person, without knowing coordinates: a city or district from a
 * list, or "Use my location", or, behind "Enter coordinates", latitude and longitude by hand (the
 * list's choice wins while one is picked). {element, read() -> {lat, lng} | null, set(location)}.
 *
 * With `exact`, a spot rather than an area (an expert's meeting point, where check-in must be
 * within a few hundred metres): no district list, "Use my location" or coordinates typed in plain
 * view, and a map link to see the spot chosen.
 */
export function placePicker({ legendKey, hintKey, exact: spotOnly = false }) {
  if (spotOnly) return spotPicker({ legendKey, hintKey });
  const place = h('select', { name: 'place', dataTest: 'place' },
    h('option', { value: '', i18n: 'location.choosePlace' }),
    PLACES.map(p => h('option', { value: p.id, i18n: `place.${p.id}` })),
    h('option', { value: 'exact', i18n: 'location.exact' }));
  const lat = h('input', { name: 'lat', type: 'number', step: 'any', min: -90, max: 90, inputmode: 'decimal' });
  const lng = h('input', { name: 'lng', type: 'number', step: 'any', min: -180, max: 180, inputmode: 'decimal' });
  const locate = h('button', { type: 'button', class: 'btn', dataTest: 'use-my-location', i18n: 'location.useMine' });
  const status = statusLine('location-status');
  const exact = h('details', { class: 'exact-location', dataTest: 'exact-location' },
    h('summary', { dataTest: 'enter-coordinates', i18n: 'location.enterCoordinates' }),
    h('div', { class: 'row-fields' }, field('location.lat', lat), field('location.lng', lng)));
  // Coordinates found or typed are "exact": the list says so rather than keep a district that is not them.
  const typed = () => { if (readLocation(lat, lng)) place.value = 'exact'; };
  lat.addEventListener('input', typed);
  lng.addEventListener('input', typed);
  place.addEventListener('change', () => {
    const chosen = PLACES.find(p => p.id === place.value);
    if (chosen) { lat.value = String(chosen.lat); lng.value = String(chosen.lng); }
    // "My exact location" is the coordinates: show them, found or to type.
    if (place.value === 'exact') exact.open = true;
  });
  locateInto(locate, lat, lng, status, typed);
  place.id = uniqueId('place');
  const element = h('fieldset', { class: 'plain-group stack-tight', dataTest: 'place-picker' },
    h('legend', { i18n: legendKey }),
    hintKey ? h('p', { class: 'hint', i18n: hintKey }) : null,
    h('div', { class: 'field' }, h('label', { for: place.id, i18n: 'location.place' }), place),
    h('div', { class: 'row' }, locate),
    status,
    exact);
  return {
    element,
    read() {
      const chosen = PLACES.find(p => p.id === place.value);
      return chosen ? { lat: chosen.lat, lng: chosen.lng } : readLocation(lat, lng);
    },
    set(location) {
      if (!location) { place.value = ''; lat.value = ''; lng.value = ''; return; }
      lat.value = String(location.lat);
      lng.value = String(location.lng);
      place.value = placeAt(location)?.id || 'exact';
    },
    focus() { place.focus(); },
    clearStatus() { showStatus(status, '', ''); },
  };
}

function spotPicker({ legendKey, hintKey }) {
  const lat = h('input', { name: 'lat', type: 'number', step: 'any', min: -90, max: 90, inputmode: 'decimal', dataTest: 'spot-lat' });
  const lng = h('input', { name: 'lng', type: 'number', step: 'any', min: -180, max: 180, inputmode: 'decimal', dataTest: 'spot-lng' });
  const locate = h('button', { type: 'button', class: 'btn', dataTest: 'use-my-location', i18n: 'location.useMine' });
  const status = statusLine('location-status');
  const map = h('a', { target: '_blank', rel: 'noopener', dataTest: 'spot-map', i18n: 'location.seeOnMap', hidden: true });
  const showMap = () => {
    const spot = readLocation(lat, lng);
    map.hidden = !spot;
    if (spot) map.href = `https://www.openstreetmap.org/?mlat=${spot.lat}&mlon=${spot.lng}#map=18/${spot.lat}/${spot.lng}`;
  };
  lat.addEventListener('input', showMap);
  lng.addEventListener('input', showMap);
  locateInto(locate, lat, lng, status, showMap, { orElse: 'type' });
  const element = h('fieldset', { class: 'plain-group stack-tight', dataTest: 'place-picker' },
    h('legend', { i18n: legendKey }),
    hintKey ? h('p', { class: 'hint', i18n: hintKey }) : null,
    h('div', { class: 'row' }, locate),
    status,
    h('div', { class: 'row-fields' }, field('location.lat', lat), field('location.lng', lng)),
    map);
  return {
    element,
    read: () => readLocation(lat, lng),
    set(location) {
      lat.value = location ? String(location.lat) : '';
      lng.value = location ? String(location.lng) : '';
      showMap();
    },
    focus() { locate.focus(); },
    clearStatus() { showStatus(status, '', ''); },
  };
}
