import { showStatus } from './dom.js';

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
 * Wires a "use my location" button: the browser's location fills the two inputs, and
 * `statusElement` says how it went (finding, found, denied, failed).
 */
export function locateInto(button, latInput, lngInput, statusElement) {
  button.addEventListener('click', async () => {
    button.disabled = true;
    showStatus(statusElement, '', 'location.finding');
    try {
      const where = await currentLocation();
      latInput.value = String(where.lat);
      lngInput.value = String(where.lng);
      showStatus(statusElement, 'ok', 'location.found');
    } catch (error) {
      showStatus(statusElement, 'error', error.code === 'geo_denied' ? 'location.denied' : 'location.failed');
    } finally {
      button.disabled = false;
    }
  });
}
