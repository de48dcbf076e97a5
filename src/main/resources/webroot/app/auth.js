// Sign in and sign up. Both end in ctx.afterSignIn(), which loads the account and picks the home view.
import { h, field, statusLine, showStatus, setI18n } from './dom.js';
import { errorText } from './format.js';

export function renderSignIn(ctx) {
  const username = h('input', { name: 'username', autocomplete: 'username', required: true, autocapitalize: 'none', spellcheck: 'false' });
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const status = statusLine('signin-status');
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block', i18n: 'auth.signIn' });
  const form = h('form', { class: 'stack', dataTest: 'signin', novalidate: true },
    field('auth.username', username),
    field('auth.password', password),
    status,
    submit);
  form.addEventListener('submit', async event => {
    event.preventDefault();
    if (!username.value.trim() || !password.value) {
      showStatus(status, 'error', 'auth.fillBoth');
      return;
    }
    submit.disabled = true;
    showStatus(status, '', 'auth.signingIn');
    try {
      await ctx.tandem.signIn(username.value.trim(), password.value);
      await ctx.afterSignIn();
    } catch (error) {
      showStatus(status, 'error', error?.code === 'unauthorized' || error?.status === 401 ? 'auth.badCredentials' : errorText(error), undefined,
        { raw: !(error?.code === 'unauthorized' || error?.status === 401) });
    } finally {
      submit.disabled = false;
    }
  });
  return authPage('auth.signInTitle', 'auth.signInLead', form,
    h('p', { class: 'switch-form' }, h('span', { i18n: 'auth.noAccount' }), ' ',
      h('a', { href: '#/signup', dataTest: 'show-signup', i18n: 'auth.createAccount' })));
}

export function renderSignUp(ctx) {
  const username = h('input', { name: 'username', autocomplete: 'username', required: true, minlength: 3, maxlength: 32, pattern: '[A-Za-z0-9._\\-]{3,32}', autocapitalize: 'none', spellcheck: 'false' });
  const displayName = h('input', { name: 'displayName', autocomplete: 'name', required: true, maxlength: 64 });
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'new-password', required: true, minlength: 8, maxlength: 128 });
  const roleClient = h('input', { type: 'radio', name: 'role', value: 'client', id: 'role-client', checked: true });
  const roleExpert = h('input', { type: 'radio', name: 'role', value: 'expert', id: 'role-expert' });
  const status = statusLine('signup-status');
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block', i18n: 'auth.signUp' });
  // A phone shows the pitch's heading only (style.css), so an expert's three points come here, under
  // the choice, once "Give advice" is chosen; a wider screen has them beside the form.
  const expertPoints = h('ul', { class: 'pitch-list expert-points', dataTest: 'expert-points', hidden: true },
    h('li', { i18n: 'auth.expertPitch1' }), h('li', { i18n: 'auth.expertPitch2' }), h('li', { i18n: 'auth.expertPitch3' }));
  const form = h('form', { class: 'stack', dataTest: 'signup', novalidate: true },
    h('fieldset', { class: 'choice-group' },
      h('legend', { i18n: 'auth.roleLegend' }),
      h('div', { class: 'choice-cards' },
        h('label', { class: 'choice-card', for: 'role-client' }, roleClient,
          h('span', { class: 'choice-title', i18n: 'auth.roleClient' }), h('span', { class: 'choice-hint', i18n: 'auth.roleClientHint' })),
        h('label', { class: 'choice-card', for: 'role-expert' }, roleExpert,
          h('span', { class: 'choice-title', i18n: 'auth.roleExpert' }), h('span', { class: 'choice-hint', i18n: 'auth.roleExpertHint' })))),
    expertPoints,
    field('auth.displayName', displayName, 'auth.displayNameHint'),
    field('auth.username', username, 'auth.usernameHint'),
    field('auth.password', password, 'auth.passwordHint'),
    status,
    submit);
  form.addEventListener('submit', async event => {
    event.preventDefault();
    const name = username.value.trim();
    if (!/^[A-Za-z0-9._-]{3,32}$/.test(name)) { showStatus(status, 'error', 'auth.usernameInvalid'); username.focus(); return; }
    if (!displayName.value.trim()) { showStatus(status, 'error', 'auth.displayNameMissing'); displayName.focus(); return; }
    if (password.value.length < 8) { showStatus(status, 'error', 'auth.passwordHint'); password.focus(); return; }
    submit.disabled = true;
    showStatus(status, '', 'auth.creating');
    try {
      await ctx.tandem.signUp({
        username: name,
        password: password.value,
        role: roleExpert.checked ? 'expert' : 'client',
        displayName: displayName.value.trim(),
      });
      await ctx.afterSignIn();
    } catch (error) {
      if (error?.code === 'conflict') showStatus(status, 'error', 'auth.usernameTaken');
      else showStatus(status, 'error', errorText(error), undefined, { raw: true });
    } finally {
      submit.disabled = false;
    }
  });
  const page = authPage('auth.signUpTitle', 'auth.signUpLead', form,
    h('p', { class: 'switch-form' }, h('span', { i18n: 'auth.haveAccount' }), ' ',
      h('a', { href: '#/signin', dataTest: 'show-signin', i18n: 'auth.signIn' })));
  // The pitch beside the form speaks to whoever is signing up: what giving advice here is like
  // once "Give advice" is chosen, not a client's promises about their payment.
  const pitch = page.querySelector('.auth-intro');
  const pitchFor = role => {
    pitch.dataset.role = role;
    expertPoints.hidden = role !== 'expert';
    pitch.querySelectorAll('[data-pitch]').forEach(line => setI18n(line, `auth.${role === 'expert' ? 'expertPitch' : 'pitch'}${line.dataset.pitch}`));
  };
  roleClient.addEventListener('change', () => pitchFor('client'));
  roleExpert.addEventListener('change', () => pitchFor('expert'));
  return page;
}

function authPage(titleKey, leadKey, form, footer) {
  return h('div', { class: 'auth-layout' },
    h('section', { class: 'auth-intro', dataTest: 'auth-pitch', dataset: { role: 'client' } },
      h('p', { class: 'eyebrow', i18n: 'app.tagline' }),
      h('h2', { class: 'auth-pitch', i18n: 'auth.pitch', dataset: { pitch: '' } }),
      h('ul', { class: 'pitch-list' },
        h('li', { i18n: 'auth.pitch1', dataset: { pitch: '1' } }), h('li', { i18n: 'auth.pitch2', dataset: { pitch: '2' } }),
        h('li', { i18n: 'auth.pitch3', dataset: { pitch: '3' } }))),
    h('section', { class: 'card auth-card stack' },
      h('h1', { i18n: titleKey }),
      h('p', { class: 'muted', i18n: leadKey }),
      form,
      footer));
}
