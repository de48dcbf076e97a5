// Reads the operator views every 2 seconds and remembers, per view, the last good answer and
// when it came. A failed read never wipes what is on screen: the console keeps showing the last
// data and says how old it is. Reads do not overlap: the next one is scheduled when the last one
// has answered, 2 s later while the server answers, backing off (4, 8, 16 s) while it does not.
import { get, problemOf } from './api.js';
import { todaysBookingsPath } from './bookings.js';

export const REFRESH_MS = 2000;
/** Data older than this (two missed refreshes and some slack) is shown as stale. */
export const STALE_AFTER_MS = 5000;
const MAX_BACKOFF_MS = 16000;
const PENALTY_LIMIT = 50;

export const SECTIONS = Object.freeze({
  queue: '/api/v1/admin/queue',
  experts: '/api/v1/admin/experts',
  sessions: '/api/v1/admin/sessions',
  penalties: `/api/v1/admin/penalties?limit=${PENALTY_LIMIT}`,
  ledger: '/api/v1/admin/ledger',
  webhooks: '/api/v1/admin/webhooks',
  requests: '/api/v1/admin/requests?limit=50',
  audit: '/api/v1/admin/audit?limit=20',
  reviews: '/api/v1/admin/reviews?limit=50',
  // The operator's today, worked out at each read (the day turns while the console is open).
  bookings: () => todaysBookingsPath(),
});

export class Poller {
  /** onUpdate(poller) after every round of reads; onProblem(kind, error) for 'signedOut' and 'forbidden'. */
  constructor({ onUpdate, onProblem }) {
    this.onUpdate = onUpdate;
    this.onProblem = onProblem;
    this.generation = 0;
    this.reset();
  }

  reset() {
    this.data = {};
    this.okAt = {};
    this.errors = {};
    this.failures = 0;
    this.inFlightSince = null;
    this.nextAt = null;
    this.timer = null;
  }

  get running() {
    return this.generation % 2 === 1;
  }

  start() {
    if (this.running) return;
    this.generation += 1;
    this.poll();
  }

  /** Stops and forgets every answer (used on sign-out: the next operator starts from nothing). */
  stop() {
    if (!this.running) return;
    this.generation += 1;
    clearTimeout(this.timer);
    this.reset();
  }

  /** Reads now instead of at the next scheduled time (the "Retry now" button, a tab coming back). */
  pollNow() {
    if (!this.running || this.inFlightSince !== null) return;
    clearTimeout(this.timer);
    this.poll();
  }

  async poll() {
    const generation = this.generation;
    this.inFlightSince = Date.now();
    this.nextAt = null;
    const names = Object.keys(SECTIONS);
    const results = await Promise.allSettled(names.map(name => get(typeof SECTIONS[name] === 'function' ? SECTIONS[name]() : SECTIONS[name])));
    if (generation !== this.generation) return; // signed out (and maybe in again) meanwhile
    this.inFlightSince = null;
    const answeredAt = Date.now();
    let failed = 0;
    results.forEach((result, index) => {
      const name = names[index];
      if (result.status === 'fulfilled') {
        this.data[name] = result.value;
        this.okAt[name] = answeredAt;
        delete this.errors[name];
      } else {
        this.errors[name] = result.reason;
        failed += 1;
      }
    });
    const problems = Object.values(this.errors).map(problemOf);
    for (const kind of ['signedOut', 'forbidden']) {
      if (problems.includes(kind)) {
        this.onProblem(kind, Object.values(this.errors).find(error => problemOf(error) === kind));
        return;
      }
    }
    this.failures = failed === names.length ? this.failures + 1 : 0;
    const delay = this.failures === 0 ? REFRESH_MS : Math.min(REFRESH_MS * 2 ** this.failures, MAX_BACKOFF_MS);
    this.nextAt = answeredAt + delay;
    this.timer = setTimeout(() => this.poll(), delay);
    this.onUpdate(this);
  }

  /**
   * The console's overall state now: 'loading' (nothing yet), 'unavailable' / 'unreachable' (the
   * last round failed entirely, for that reason), 'partial' (some views failed), 'stale' (a read is
   * taking long and the data is older than STALE_AFTER_MS) or 'live'.
   */
  state(now = Date.now()) {
    const failedNames = Object.keys(this.errors);
    const total = Object.keys(SECTIONS).length;
    if (failedNames.length === total) {
      return problemOf(this.errors[failedNames[0]]) === 'unavailable' ? 'unavailable' : 'unreachable';
    }
    if (Object.keys(this.okAt).length === 0) return 'loading';
    if (failedNames.length > 0) return 'partial';
    if (this.isStale(this.oldestOkAt(), now)) return 'stale';
    return 'live';
  }

  /** When the oldest of the shown views was read (ms), or null before the first answer. */
  oldestOkAt() {
    const times = Object.values(this.okAt);
    return times.length ? Math.min(...times) : null;
  }

  isStale(okAt, now = Date.now()) {
    return okAt === undefined || okAt === null || now - okAt > STALE_AFTER_MS;
  }
}
