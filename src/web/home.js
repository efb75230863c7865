// The home page: the user's workspaces with their bases (create, rename, delete, share).
import { h, api, ROLES } from '/util.js';

export async function renderHome(app) {
  const { workspaces } = await api('GET', 'workspaces');
  const error = h('p', { class: 'error', role: 'alert' });
  const act = (fn) => async (e) => {
    e?.preventDefault?.();
    error.textContent = '';
    try { await fn(e); await renderHome(app); } catch (err) { error.textContent = err.message; }
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
        h('select', { name: 'role', 'aria-label': 'Role' }, ROLES.map((r) => h('option', { value: r }, r))), ' ',
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
