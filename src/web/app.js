// The airbase web app: first-run setup, sign-in, home (workspaces and bases) and the account
// page's developer section (personal access tokens). Talks only to /api/ with the session
// cookie and the CSRF token; a token's secret appears only in the answer that creates it.
import { state, h, api, go, onNavigate } from '/util.js';
import { renderBase } from '/grid.js';

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

async function route() {
  renderNav();
  if (!state.user) return start();
  app.classList.remove('wide');
  if (location.pathname === '/account') return renderAccount();
  const api_page = location.pathname.match(/^\/(app[A-Za-z0-9]{14})\/api$/);
  if (api_page) return renderApiPage(api_page[1]);
  const base = location.pathname.match(/^\/(app[A-Za-z0-9]{14})(?:\/(tbl[A-Za-z0-9]{14}))?(?:\/(viw[A-Za-z0-9]{14}))?$/);
  app.classList.toggle('wide', !!base);
  if (base) return renderBase(app, base[1], base[2], base[3]);
  return renderHome();
}

const EXAMPLES = {
  singleLineText: '"Some text"', multilineText: '"Line 1\\nLine 2"', email: '"someone@example.com"',
  url: '"https://example.com"', phoneNumber: '"(415) 555-0100"', number: '42', currency: '9.99',
  percent: '0.25', rating: '3', checkbox: 'true', duration: '5400 (seconds: 1:30)', richText: '"**Bold** and _italic_"', singleSelect: '"Choice name"',
  multipleSelects: '["Choice one", "Choice two"]', date: '"2024-03-05"',
  dateTime: '"2024-03-05T14:30:00.000Z"', autoNumber: '1 (computed)', createdTime: '"2024-03-05T14:30:00.000Z" (computed)',
  lastModifiedTime: '"2024-03-05T14:30:00.000Z" (computed)', formula: '(computed)',
};

// Like Airtable's generated API docs, with this server's address and this base's real ids.
async function renderApiPage(baseId) {
  const schema = await api('GET', `bases/${baseId}/schema`);
  const origin = location.origin;
  const curl = (t) => `curl "${origin}/v0/${baseId}/${encodeURIComponent(t.name)}?maxRecords=3" \\\n  -H "Authorization: Bearer YOUR_TOKEN"`;
  const create = (t) => `curl -X POST "${origin}/v0/${baseId}/${t.id}" \\\n  -H "Authorization: Bearer YOUR_TOKEN" \\\n  -H "Content-Type: application/json" \\\n  --data '{"records": [{"fields": {"${t.fields[0].name}": "Example"}}]}'`;
  app.replaceChildren(h('h1', {}, `${schema.name} API`),
    h('div', { class: 'card' }, h('p', {}, 'Base ID: ', h('code', { id: 'api-base-id' }, baseId)),
      h('p', { class: 'muted' }, 'Create a personal access token on the Account page, then call the Airtable Web API at this server: ', h('code', {}, `${origin}/v0/`))),
    ...schema.tables.map((t) => h('div', { class: 'card' }, h('h2', {}, t.name),
      h('p', {}, 'Table ID: ', h('code', {}, t.id), ' · URL-encoded name: ', h('code', {}, encodeURIComponent(t.name))),
      h('table', {}, h('thead', {}, h('tr', {}, ['Field', 'Field ID', 'Type', 'Example value'].map((c) => h('th', {}, c)))),
        h('tbody', {}, t.fields.map((f) => h('tr', {}, h('td', {}, f.name), h('td', {}, h('code', {}, f.id)), h('td', {}, f.type), h('td', {}, h('code', {}, EXAMPLES[f.type] || '')))))),
      h('h3', {}, 'List records'), h('pre', {}, h('code', { class: 'curl' }, curl(t))),
      h('h3', {}, 'Create records'), h('pre', {}, h('code', {}, create(t))))));
}

async function renderHome() {
  const { workspaces } = await api('GET', 'workspaces');
  const error = h('p', { class: 'error', role: 'alert' });
  const act = (fn) => async (e) => {
    e?.preventDefault?.();
    error.textContent = '';
    try { await fn(e); await renderHome(); } catch (err) { error.textContent = err.message; }
  };
  const inline = (id, placeholder, label, onSubmit) => {
    const f = h('form', { class: 'inline', id, onsubmit: act(async () => {
      await onSubmit(new FormData(f).get('name'));
    }) }, h('input', { type: 'text', name: 'name', placeholder, required: true, 'aria-label': placeholder }), ' ', h('button', { type: 'submit' }, label));
    return f;
  };
  app.replaceChildren(h('h1', {}, 'Workspaces'),
    error,
    ...workspaces.map((w) => h('div', { class: 'card', 'data-workspace-id': w.id },
      h('h2', {}, w.name, ' ', h('small', { class: 'muted' }, w.id)),
      w.bases.length ? h('ul', { class: 'bases' }, w.bases.map((b) => h('li', { 'data-base-id': b.id },
        h('a', { href: `/${b.id}`, 'data-link': true }, b.name), ' ', h('code', {}, b.id), ' ', h('span', { class: 'muted' }, b.permissionLevel), ' ',
        h('button', { type: 'button', class: 'secondary small', onclick: act(async () => {
          const name = prompt('New name for the base', b.name);
          if (name) await api('PATCH', `bases/${b.id}`, { name });
        }) }, 'Rename'), ' ',
        h('button', { type: 'button', class: 'danger small', onclick: act(async () => {
          if (confirm(`Delete the base “${b.name}” and all its records?`)) await api('DELETE', `bases/${b.id}`);
        }) }, 'Delete'))))
        : h('p', { class: 'muted' }, 'No bases yet.'),
      inline(`new-base-${w.id}`, 'New base name', 'Create base', (name) => api('POST', 'bases', { name, workspaceId: w.id })),
      (() => {
        const f = h('form', { class: 'inline', id: `share-${w.id}`, onsubmit: act(async () => {
          const fd = new FormData(f);
          await api('POST', `workspaces/${w.id}/members`, { email: fd.get('email'), role: fd.get('role') });
        }) }, h('input', { type: 'email', name: 'email', placeholder: 'Share with (email)', required: true, 'aria-label': 'Share with (email)' }), ' ',
        h('select', { name: 'role', 'aria-label': 'Role' }, ['read', 'commenter', 'editor', 'creator', 'owner', 'none'].map((r) => h('option', { value: r }, r))), ' ',
        h('button', { type: 'submit' }, 'Share workspace'));
        return f;
      })(),
      h('div', {}, h('button', { type: 'button', class: 'secondary small', onclick: act(async () => {
        const name = prompt('New name for the workspace', w.name);
        if (name) await api('PATCH', `workspaces/${w.id}`, { name });
      }) }, 'Rename workspace'), ' ', h('button', { type: 'button', class: 'danger small', onclick: act(async () => {
        if (confirm(`Delete the workspace “${w.name}”?`)) await api('DELETE', `workspaces/${w.id}`);
      }) }, 'Delete workspace')))),
    h('div', { class: 'card' }, h('h2', {}, 'New workspace'), inline('new-workspace', 'Workspace name', 'Create workspace', (name) => api('POST', 'workspaces', { name }))));
}

const fmt = (t) => (t ? new Date(t).toLocaleString() : '—');

// `secret` ({title, token}) is shown once, right after a token is created or regenerated;
// `editing` is the token whose name, scopes, access and expiry the form edits.
async function renderAccount(secret, editing) {
  const [{ tokens }, { scopes }, { workspaces }, { events }] = await Promise.all([api('GET', 'tokens'), api('GET', 'scopes'), api('GET', 'workspaces'), api('GET', 'audit')]);
  const names = new Map();
  for (const w of workspaces) { names.set(w.id, `all bases in ${w.name}`); for (const b of w.bases) names.set(b.id, b.name); }
  const shown = h('div', { id: 'token-shown' });
  const access = (t) => (t.allBases ? 'All current and future bases' : [...t.baseIds, ...t.workspaceIds].map((id) => names.get(id) || id).join(', '));

  const showSecret = (title, token) => {
    const code = h('code', { class: 'secret', id: 'new-token' }, token);
    shown.replaceChildren(h('div', { class: 'card' }, h('h2', {}, title),
      h('p', { class: 'warning' }, 'Copy this token now. For your security it will not be shown again.'), code,
      h('button', { type: 'button', id: 'copy-token', onclick: async () => {
        try { await navigator.clipboard.writeText(token); } catch { /* the text stays selectable */ }
      } }, 'Copy')));
  };

  const list = h('table', { id: 'tokens' }, h('thead', {}, h('tr', {}, ['Name', 'Token ID', 'Scopes', 'Access', 'Created', 'Last used', 'Expires', ''].map((c) => h('th', {}, c)))),
    h('tbody', {}, tokens.map((t) => h('tr', { 'data-token-id': t.id }, h('td', {}, t.name), h('td', {}, h('code', {}, t.id)),
      h('td', {}, t.scopes.join(', ')), h('td', {}, access(t)), h('td', {}, fmt(t.createdTime)), h('td', {}, fmt(t.lastUsedTime)), h('td', {}, fmt(t.expirationTime)),
      h('td', {}, h('button', { type: 'button', class: 'secondary', onclick: () => renderAccount(undefined, t) }, 'Edit'), ' ',
        h('button', { type: 'button', class: 'secondary', onclick: async () => {
        const r = await api('POST', `tokens/${t.id}/regenerate`);
        await renderAccount({ title: `New secret for “${t.name}”`, token: r.token });
      } }, 'Regenerate'), ' ', h('button', { type: 'button', class: 'danger', onclick: async () => {
        if (!confirm(`Delete the token “${t.name}”? Anything using it stops working.`)) return;
        await api('DELETE', `tokens/${t.id}`);
        await renderAccount();
      } }, 'Delete'))))));

  const error = h('p', { class: 'error', role: 'alert' });
  const picked = editing && !editing.allBases;
  const pick = h('div', { id: 'pick-resources', hidden: !picked }, workspaces.map((w) => [
    h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'workspace', value: w.id, checked: !!editing?.workspaceIds.includes(w.id) }), `All current and future bases in ${w.name}`),
    w.bases.map((b) => h('label', { class: 'check', style: 'margin-left:1.5rem' }, h('input', { type: 'checkbox', name: 'base', value: b.id, checked: !!editing?.baseIds.includes(b.id) }), b.name)),
  ]));
  const create = h('form', { class: 'card', id: 'create-token', onsubmit: async (e) => {
    e.preventDefault();
    error.textContent = '';
    const fd = new FormData(create);
    const all = fd.get('access') === 'all';
    const body = { name: fd.get('name'), scopes: fd.getAll('scope'), allBases: all,
      baseIds: all ? [] : fd.getAll('base'), workspaceIds: all ? [] : fd.getAll('workspace') };
    if (fd.get('expires')) body.expiresAt = fd.get('expires');
    try {
      if (editing) {
        await api('PATCH', `tokens/${editing.id}`, body);
        await renderAccount();
      } else {
        const r = await api('POST', 'tokens', body);
        await renderAccount({ title: `Your new token “${body.name}”`, token: r.token });
      }
    } catch (err) { error.textContent = err.message; }
  } }, h('h2', {}, editing ? `Edit token ${editing.id}` : 'Create token'),
  h('label', { for: 'token-name' }, 'Name'), h('input', { id: 'token-name', name: 'name', type: 'text', required: true, placeholder: 'Data Import Token', value: editing?.name }),
  h('label', {}, 'Scopes'), scopes.filter((s) => s.basic).map((s) => h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'scope', value: s.name, checked: !!editing?.scopes.includes(s.name) }), h('code', {}, s.name), h('small', {}, s.description))),
  h('label', {}, 'Access'),
  h('label', { class: 'check' }, h('input', { type: 'radio', name: 'access', value: 'all', checked: !picked, onchange: () => { pick.hidden = true; } }), 'All current and future bases in all workspaces'),
  h('label', { class: 'check' }, h('input', { type: 'radio', name: 'access', value: 'pick', checked: picked, onchange: () => { pick.hidden = false; } }), 'Only the bases and workspaces I pick'),
  pick,
  h('label', { for: 'expires' }, 'Expires (optional)'), h('input', { id: 'expires', name: 'expires', type: 'date', value: editing?.expirationTime ? editing.expirationTime.slice(0, 10) : undefined }),
  h('div', {}, h('button', { type: 'submit' }, editing ? 'Save token' : 'Create token'),
    editing ? [' ', h('button', { type: 'button', class: 'secondary', onclick: () => renderAccount() }, 'Cancel')] : []), error);

  const activity = h('table', { id: 'audit' }, h('thead', {}, h('tr', {}, ['Time', 'Token ID', 'Event'].map((c) => h('th', {}, c)))),
    h('tbody', {}, events.slice(0, 50).map((e) => h('tr', {}, h('td', {}, fmt(e.time)), h('td', {}, h('code', {}, e.tokenId)), h('td', {}, e.event)))));

  const users = await api('GET', 'users').catch(() => null);  // only the server's owner
  const userError = h('p', { class: 'error', role: 'alert' });
  const addUser = h('form', { id: 'add-user', onsubmit: async (e) => {
    e.preventDefault();
    userError.textContent = '';
    const fd = new FormData(addUser);
    try {
      await api('POST', 'users', { email: fd.get('email'), name: fd.get('name'), password: fd.get('password') });
      await renderAccount();
    } catch (err) { userError.textContent = err.message; }
  } }, h('label', { for: 'new-user-email' }, 'Email'), h('input', { id: 'new-user-email', name: 'email', type: 'email', required: true }),
  h('label', { for: 'new-user-name' }, 'Name'), h('input', { id: 'new-user-name', name: 'name', type: 'text', required: true }),
  h('label', { for: 'new-user-password' }, 'Initial password'), h('input', { id: 'new-user-password', name: 'password', type: 'password', required: true }),
  h('div', {}, h('button', { type: 'submit' }, 'Add user')), userError);
  const usersCard = users ? h('div', { class: 'card', id: 'users' }, h('h2', {}, 'Users'),
    h('ul', {}, users.users.map((u) => h('li', {}, `${u.name} <${u.email}> `, h('code', {}, u.id)))), addUser,
    h('p', { class: 'muted' }, 'Share a workspace with a user from the Bases page; their role caps what their tokens can do.')) : '';

  const pwMessage = h('p', { role: 'status' });
  const pwForm = h('form', { class: 'card', id: 'change-password', onsubmit: async (e) => {
    e.preventDefault();
    pwMessage.className = '';
    const fd = new FormData(pwForm);
    try {
      await api('POST', 'password', { currentPassword: fd.get('current'), newPassword: fd.get('next') });
      pwForm.reset();
      pwMessage.textContent = 'Password changed. Your other sessions were signed out.';
    } catch (err) { pwMessage.className = 'error'; pwMessage.textContent = err.message; }
  } }, h('h2', {}, 'Password'),
  h('label', { for: 'current-password' }, 'Current password'), h('input', { id: 'current-password', name: 'current', type: 'password', required: true, autocomplete: 'current-password' }),
  h('label', { for: 'new-password' }, 'New password (at least 8 characters)'), h('input', { id: 'new-password', name: 'next', type: 'password', required: true, autocomplete: 'new-password' }),
  h('div', {}, h('button', { type: 'submit' }, 'Change password')), pwMessage);

  app.replaceChildren(h('h1', {}, 'Account'), pwForm, usersCard, h('h2', {}, 'Developer hub: personal access tokens'), shown, create,
    h('div', { class: 'card' }, h('h2', {}, 'Your tokens'), list),
    h('div', { class: 'card' }, h('h2', {}, 'Token activity'), activity));
  if (secret) showSecret(secret.title, secret.token);
}

async function start() {
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
