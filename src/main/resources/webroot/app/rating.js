// The rating a client gives after a session (1 to 5 stars and a comment), or says they gave.
import { h, setI18n, setI18nAttribute, statusLine, showStatus, field } from './dom.js';
import { errorText } from './format.js';

/** The rating form of session {@code sessionId}; replaced by the thanks once rated (here or before a reload). */
export function ratingForm(tandem, sessionId) {
  let stars = 0;
  const starButtons = [1, 2, 3, 4, 5].map(value => h('button', {
    type: 'button', class: 'star', dataTest: 'star', 'aria-pressed': 'false', dataset: { value: String(value) },
    text: '★', on: { click: () => choose(value) },
  }));
  starButtons.forEach((button, index) => setI18nAttribute(button, 'aria-label', 'rate.starLabel', { n: index + 1 }));
  const comment = h('textarea', { name: 'comment', rows: 3, maxlength: 2000, i18nAttr: 'placeholder:rate.commentPlaceholder' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', i18n: 'rate.submit', dataTest: 'rate-submit' });
  const status = statusLine('rate-status');
  const chosen = h('span', { class: 'muted star-text' });
  const choose = value => {
    stars = value;
    starButtons.forEach((button, index) => {
      button.setAttribute('aria-pressed', String(index < value));
      button.classList.toggle('on', index < value);
    });
    setI18n(chosen, 'rate.chosen', { n: value });
  };
  const form = h('form', { class: 'stack rate-form', dataTest: 'rate', novalidate: true },
    h('fieldset', { class: 'plain-group' },
      h('legend', { i18n: 'rate.title' }),
      h('div', { class: 'stars', role: 'group' }, starButtons, chosen)),
    field('rate.comment', comment, 'rate.commentHint'),
    status,
    h('div', { class: 'row' }, submit));
  const done = given => {
    const rated = h('p', { class: 'callout callout-ok', dataTest: 'rated' });
    setI18n(rated, given ? 'rate.thanks' : 'rate.already', { n: given || '' });
    // Whoever just sent it keeps their place: focus goes to the answer, not back to the page top.
    const hadFocus = form.contains(document.activeElement);
    rated.tabIndex = -1;
    form.replaceWith(rated);
    if (hadFocus) rated.focus();
  };
  form.addEventListener('submit', async event => {
    event.preventDefault();
    if (!stars) { showStatus(status, 'error', 'rate.pickStars'); starButtons[0].focus(); return; }
    submit.disabled = true;
    try {
      const body = { stars };
      if (comment.value.trim()) body.comment = comment.value.trim();
      await tandem.post(`/api/v1/sessions/${sessionId}/ratings`, body);
      done(stars);
    } catch (error) {
      if (error?.code === 'conflict') done(0);
      else showStatus(status, 'error', errorText(error), undefined, { raw: true });
      submit.disabled = false;
    }
  });
  // Already rated (e.g. after a reload)? The history says so.
  tandem.get('/api/v1/me/sessions?limit=50').then(body => {
    const mine = (body.sessions || []).find(item => item.id === sessionId);
    if (mine?.rating && form.isConnected) done(mine.rating.stars);
  }).catch(() => {});
  return form;
}
