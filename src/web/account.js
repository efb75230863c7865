// The account page: the password, the server's users (for its owner), and the developer hub
// (personal access tokens: create, edit, regenerate, delete, and their activity). A token's
// secret appears only in the answer that creates or regenerates it, and the page shows it once.
import { h, api } from '/util.js';

const fmt = (t) => (t ? new Date(t).toLocaleString() : '—');

// `secret` ({title, token}) is shown once, right after a token is created or regenerated;
// `editing` is the token whose name, scopes, access and expiry the form edits.
export async function renderAccount(app, secret, editing) {
  const [{ tokens }, { scopes }, { workspaces }, { events }, users] = await Promise.all([api('GET', 'tokens'), api('GET', 'scopes'),
    api('GET', 'workspaces'), api('GET', 'audit'), api('GET', 'users').catch(() => null)]);  // users: only the server's owner
  const redraw = (s, e) => renderAccount(app, s, e);
  const names = new Map();
  for (const w of workspaces) { names.set(w.id, `all bases in ${w.name}`); for (const b of w.bases) names.set(b.id, b.name); }
  app.replaceChildren(h('h1', {}, 'Account'), passwordForm(), users ? usersCard(users, redraw) : '',
    h('h2', {}, 'Developer hub: personal access tokens'), secret ? secretCard(secret) : h('div', { id: 'token-shown' }),
    tokenForm(scopes, workspaces, editing, redraw),
    h('div', { class: 'card' }, h('h2', {}, 'Your tokens'), tokenList(tokens, names, redraw)),
    h('div', { class: 'card' }, h('h2', {}, 'Token activity'), activity(events)));
  // The one-time secret is what the user came for: brought into sight, its Copy button focused.
  if (secret) {
    document.getElementById('token-shown').scrollIntoView({ block: 'center' });
    document.getElementById('copy-token').focus({ preventScroll: true });
  }
}

function secretCard({ title, token }) {
  const status = h('span', { class: 'copy-status', role: 'status', 'aria-live': 'polite' });
  const secret = h('code', { class: 'secret', id: 'new-token' }, token);
  let timer = 0;
  return h('div', { id: 'token-shown' }, h('div', { class: 'card secret-card' }, h('h2', {}, title),
    h('p', { class: 'warning' }, 'Copy this token now. For your security it will not be shown again.'),
    secret,
    h('button', { type: 'button', id: 'copy-token', onclick: async (e) => {
      const button = e.currentTarget;
      clearTimeout(timer);
      try {
        await navigator.clipboard.writeText(token);
        button.textContent = 'Copied ✓';
        status.textContent = 'The token is on your clipboard.';
      } catch {  // no clipboard access: the text is selected for the user to copy
        getSelection().selectAllChildren(secret);
        status.textContent = 'Press Ctrl+C (⌘C) to copy the selected token.';
      }
      timer = setTimeout(() => { button.textContent = 'Copy'; status.textContent = ''; }, 4000);
    } }, 'Copy'), ' ', status));
}

function tokenList(tokens, names, redraw) {
  const access = (t) => (t.allBases ? 'All current and future bases' : [...t.baseIds, ...t.workspaceIds].map((id) => names.get(id) || id).join(', '));
  const actions = (t) => [
    h('button', { type: 'button', class: 'secondary', onclick: () => redraw(undefined, t) }, 'Edit'), ' ',
    h('button', { type: 'button', class: 'secondary', onclick: async () => {
      const r = await api('POST', `tokens/${t.id}/regenerate`);
      await redraw({ title: `New secret for “${t.name}”`, token: r.token });
    } }, 'Regenerate'), ' ',
    h('button', { type: 'button', class: 'danger', onclick: async () => {
      if (!confirm(`Delete the token “${t.name}”? Anything using it stops working.`)) return;
      await api('DELETE', `tokens/${t.id}`);
      await redraw();
    } }, 'Delete')];
  return h('table', { id: 'tokens' }, h('thead', {}, h('tr', {}, ['Name', 'Token ID', 'Scopes', 'Access', 'Created', 'Last used', 'Expires', ''].map((c) => h('th', {}, c)))),
    h('tbody', {}, tokens.map((t) => h('tr', { 'data-token-id': t.id }, h('td', {}, t.name), h('td', {}, h('code', {}, t.id)),
      h('td', {}, t.scopes.join(', ')), h('td', {}, access(t)), h('td', {}, fmt(t.createdTime)), h('td', {}, fmt(t.lastUsedTime)), h('td', {}, fmt(t.expirationTime)),
      h('td', {}, actions(t))))));
}

// The bases and workspaces a token may be limited to, shown when "Only the bases ... I pick" is.
function resourcePicker(workspaces, editing, picked) {
  return h('div', { id: 'pick-resources', hidden: !picked }, workspaces.map((w) => [
    h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'workspace', value: w.id, checked: !!editing?.workspaceIds.includes(w.id) }), `All current and future bases in ${w.name}`),
    w.bases.map((b) => h('label', { class: 'check', style: 'margin-left:1.5rem' }, h('input', { type: 'checkbox', name: 'base', value: b.id, checked: !!editing?.baseIds.includes(b.id) }), b.name)),
  ]));
}

// Creates a token, or edits `editing`: name, scopes, access and expiry.
function tokenForm(scopes, workspaces, editing, redraw) {
  const error = h('p', { class: 'error', role: 'alert' });
  const picked = editing && !editing.allBases;
  const pick = resourcePicker(workspaces, editing, picked);
  const submit = async (e) => {
    e.preventDefault();
    error.textContent = '';
    const fd = new FormData(form);
    const all = fd.get('access') === 'all';
    const body = { name: fd.get('name'), scopes: fd.getAll('scope'), allBases: all,
      baseIds: all ? [] : fd.getAll('base'), workspaceIds: all ? [] : fd.getAll('workspace') };
    if (fd.get('expires')) body.expiresAt = fd.get('expires');
    try {
      if (editing) {
        await api('PATCH', `tokens/${editing.id}`, body);
        await redraw();
      } else {
        const r = await api('POST', 'tokens', body);
        await redraw({ title: `Your new token “${body.name}”`, token: r.token });
      }
    } catch (err) { error.textContent = err.message; }
  };
  const form = h('form', { class: 'card', id: 'create-token', onsubmit: submit }, h('h2', {}, editing ? `Edit token ${editing.id}` : 'Create token'),
    h('label', { for: 'token-name' }, 'Name'), h('input', { id: 'token-name', name: 'name', type: 'text', required: true, placeholder: 'Data Import Token', value: editing?.name }),
    h('label', {}, 'Scopes'), scopes.filter((s) => s.basic).map((s) => h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'scope', value: s.name, checked: !!editing?.scopes.includes(s.name) }), h('code', {}, s.name), h('small', {}, s.description))),
    h('label', {}, 'Access'),
    h('label', { class: 'check' }, h('input', { type: 'radio', name: 'access', value: 'all', checked: !picked, onchange: () => { pick.hidden = true; } }), 'All current and future bases in all workspaces'),
    h('label', { class: 'check' }, h('input', { type: 'radio', name: 'access', value: 'pick', checked: picked, onchange: () => { pick.hidden = false; } }), 'Only the bases and workspaces I pick'),
    pick,
    h('label', { for: 'expires' }, 'Expires (optional)'), h('input', { id: 'expires', name: 'expires', type: 'date', value: editing?.expirationTime ? editing.expirationTime.slice(0, 10) : undefined }),
    h('div', {}, h('button', { type: 'submit' }, editing ? 'Save token' : 'Create token'),
      editing ? [' ', h('button', { type: 'button', class: 'secondary', onclick: () => redraw() }, 'Cancel')] : []), error);
  return form;
}

function activity(events) {
  return h('table', { id: 'audit' }, h('thead', {}, h('tr', {}, ['Time', 'Token ID', 'Event'].map((c) => h('th', {}, c)))),
    h('tbody', {}, events.slice(0, 50).map((e) => h('tr', {}, h('td', {}, fmt(e.time)), h('td', {}, h('code', {}, e.tokenId)), h('td', {}, e.event)))));
}

// The server's users and a form that adds one (only the server's owner sees this card).
function usersCard(users, redraw) {
  const error = h('p', { class: 'error', role: 'alert' });
  const add = h('form', { id: 'add-user', onsubmit: async (e) => {
    e.preventDefault();
    error.textContent = '';
    const fd = new FormData(add);
    try {
      await api('POST', 'users', { email: fd.get('email'), name: fd.get('name'), password: fd.get('password') });
      await redraw();
    } catch (err) { error.textContent = err.message; }
  } }, h('label', { for: 'new-user-email' }, 'Email'), h('input', { id: 'new-user-email', name: 'email', type: 'email', required: true }),
  h('label', { for: 'new-user-name' }, 'Name'), h('input', { id: 'new-user-name', name: 'name', type: 'text', required: true }),
  h('label', { for: 'new-user-password' }, 'Initial password'), h('input', { id: 'new-user-password', name: 'password', type: 'password', required: true }),
  h('div', {}, h('button', { type: 'submit' }, 'Add user')), error);
  return h('div', { class: 'card', id: 'users' }, h('h2', {}, 'Users'),
    h('ul', {}, users.users.map((u) => h('li', {}, `${u.name} <${u.email}> `, h('code', {}, u.id)))), add,
    h('p', { class: 'muted' }, 'Share a workspace with a user from the Bases page; their role caps what their tokens can do.'));
}

function passwordForm() {
  const message = h('p', { role: 'status' });
  const form = h('form', { class: 'card', id: 'change-password', onsubmit: async (e) => {
    e.preventDefault();
    message.className = '';
    const fd = new FormData(form);
    try {
      await api('POST', 'password', { currentPassword: fd.get('current'), newPassword: fd.get('next') });
      form.reset();
      message.textContent = 'Password changed. Your other sessions were signed out.';
    } catch (err) { message.className = 'error'; message.textContent = err.message; }
  } }, h('h2', {}, 'Password'),
  h('label', { for: 'current-password' }, 'Current password'), h('input', { id: 'current-password', name: 'current', type: 'password', required: true, autocomplete: 'current-password' }),
  h('label', { for: 'new-password' }, 'New password (at least 8 characters)'), h('input', { id: 'new-password', name: 'next', type: 'password', required: true, autocomplete: 'new-password' }),
  h('div', {}, h('button', { type: 'submit' }, 'Change password')), message);
  return form;
}
