// The airbase web app: first-run setup, sign-in, home (workspaces and bases) and the account
// page's developer section (personal access tokens). Talks only to /api/ with the session
// cookie and the CSRF token; a token's secret appears only in the answer that creates it.
import { state, h, api, go, onNavigate } from '/util.js';
import { renderBase } from '/base.js';
import { renderHome } from '/home.js';
import { renderAccount } from '/account.js';
import { renderApiPage } from '/api_page.js';
import { unfollow } from '/live.js';
import { renderFormPage } from '/form_page.js';

const app = document.getElementById('app');
const nav = document.getElementById('nav');

onNavigate(() => route());
document.addEventListener('click', (e) => {
  const a = e.target.closest('a[data-link]');
  if (a) { e.preventDefault(); go(a.getAttribute('href')); }
});
window.addEventListener('popstate', route);

function form(title, fields, submitLabel, onSubmit) {
  const error = h('p', { class: 'error', role: 'alert' });
  const f = h('form', { class: 'card', onsubmit: async (e) => {
    e.preventDefault();
    error.textContent = '';
    const values = Object.fromEntries(new FormData(f).entries());
    try { await onSubmit(values); } catch (err) { error.textContent = err.message; }
  } }, h('h1', {}, title),
  fields.map(([name, label, type]) => [h('label', { for: name }, label), h('input', { id: name, name, type, required: true })]),
  h('button', { type: 'submit' }, submitLabel), error);
  return f;
}

function renderNav() {
  nav.replaceChildren();
  if (!state.user) return;
  nav.append(h('a', { href: '/', 'data-link': true }, 'Bases'),
    h('a', { href: '/account', 'data-link': true }, 'Account'),
    h('a', { href: '#', class: 'right', onclick: async (e) => {
      e.preventDefault();
      await api('POST', 'signout');
      Object.assign(state, { user: null, csrf: '' });
      go('/');
    } }, `Sign out (${state.user.email})`));
}

// A page is marked aria-busy from its navigation until its render has finished, so neither a
// screen reader nor a test acts on the page being replaced.
let routing = 0;
async function route() {
  const mine = ++routing;
  app.setAttribute('aria-busy', 'true');
  try { await show(); } finally { if (mine === routing) app.removeAttribute('aria-busy'); }
}

async function show() {
  renderNav();
  if (!state.user) return start();
  app.classList.remove('wide');
  if (!/^\/app[A-Za-z0-9]{14}(\/(tbl|viw)|$)/.test(location.pathname)) unfollow();  // not a base page
  if (location.pathname === '/account') return renderAccount(app);
  const api_page = location.pathname.match(/^\/(app[A-Za-z0-9]{14})\/api$/);
  if (api_page) return renderApiPage(app, api_page[1]);
  const base = location.pathname.match(/^\/(app[A-Za-z0-9]{14})(?:\/(tbl[A-Za-z0-9]{14}))?(?:\/(viw[A-Za-z0-9]{14}))?$/);
  app.classList.toggle('wide', !!base);
  if (base) return renderBase(app, base[1], base[2], base[3]);
  return renderHome(app);
}

async function start() {
  // A shared form needs no account.
  if (location.pathname.startsWith('/forms/')) return renderFormPage(app, location.pathname);
  const s = await fetch('/api/state').then((r) => r.json());
  if (s.user) { Object.assign(state, { user: s.user, csrf: s.csrf }); return route(); }
  renderNav();
  if (s.setupNeeded) {
    app.replaceChildren(form('Set up airbase: create the owner account', [['email', 'Email', 'email'], ['name', 'Name', 'text'], ['password', 'Password (at least 8 characters)', 'password']], 'Create account', async (v) => {
      const r = await api('POST', 'setup', v);
      Object.assign(state, { user: r.user, csrf: r.csrf });
      go('/');
    }));
  } else {
    app.replaceChildren(form('Sign in to airbase', [['email', 'Email', 'email'], ['password', 'Password', 'password']], 'Sign in', async (v) => {
      const r = await api('POST', 'signin', v);
      Object.assign(state, { user: r.user, csrf: r.csrf });
      route();
    }));
  }
}
start();
