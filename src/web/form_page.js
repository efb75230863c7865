// A form view's two faces. `formView` is the view type a creator sees in the base (the fields the
// form asks for, which are required, its texts, and whether anyone with its link may fill it in:
// saved in the view's `form`). `renderFormPage` is the shared page at /forms/{base}/{view}/{secret},
// which needs no account: it reads the form from /api/forms/... and creates a record with it.
import { h } from '/util.js';
import { fieldType, isReadOnly, editorFor } from '/fields.js';

// The builder, as a view type over the page's store (src/web/base.js).
export function formView({ table, view, canEdit, guard, saveView, rerender }) {
  const form = view.form || {};
  const asked = new Set(form.fieldIds || table.fields.filter((f) => !isReadOnly(f)).map((f) => f.id));
  const required = new Set(form.requiredFieldIds || []);
  const title = h('input', { type: 'text', id: 'form-title', value: form.title ?? view.name, 'aria-label': 'Form title' });
  const description = h('textarea', { id: 'form-description', rows: 2, 'aria-label': 'Form description' }, form.description || '');
  const submitLabel = h('input', { type: 'text', id: 'form-submit-label', value: form.submitLabel || 'Submit', 'aria-label': 'Submit button label' });
  const success = h('input', { type: 'text', id: 'form-success', value: form.successMessage || 'Thank you for submitting the form!', 'aria-label': 'Success message' });
  const isPublic = h('input', { type: 'checkbox', id: 'form-public', checked: !!form.public });
  const rows = table.fields.filter((f) => !isReadOnly(f)).map((f) => h('div', { class: 'panel-row form-field', 'data-field-id': f.id },
    h('label', { class: 'check' }, h('input', { type: 'checkbox', 'data-role': 'asked', checked: asked.has(f.id) }), h('span', { class: 'field-icon' }, fieldType(f).icon), f.name),
    h('label', { class: 'check' }, h('input', { type: 'checkbox', 'data-role': 'required', checked: required.has(f.id) }), 'required')));
  const link = form.public && form.secret ? `${location.origin}/forms/${view.baseId || location.pathname.split('/')[1]}/${view.id}/${form.secret}` : '';
  const save = guard(async () => {
    const pick = (role) => rows.filter((r) => r.querySelector(`[data-role=${role}]`).checked).map((r) => r.dataset.fieldId);
    const fieldIds = pick('asked');
    await saveView({ form: { title: title.value, description: description.value, submitLabel: submitLabel.value, successMessage: success.value,
      fieldIds, requiredFieldIds: pick('required').filter((id) => fieldIds.includes(id)), public: isPublic.checked } });
    await rerender();
  });
  const el = h('div', { class: 'form-builder', id: 'board' },
    h('label', { for: 'form-title' }, 'Title'), title, h('label', { for: 'form-description' }, 'Description'), description,
    h('h3', {}, 'Fields the form asks for'), rows,
    h('label', { for: 'form-submit-label' }, 'Submit button'), submitLabel, h('label', { for: 'form-success' }, 'Message after submitting'), success,
    h('label', { class: 'check' }, isPublic, 'Anyone with the link can fill in this form, without an account'),
    link ? h('p', {}, 'Shared at ', h('a', { href: link, id: 'form-link', target: '_blank', rel: 'noopener' }, link)) : '',
    canEdit ? h('button', { type: 'button', id: 'save-form', onclick: save }, 'Save form') : '');
  return { el, scrollToEnd() {}, destroy() {} };
}

// The shared page: the form's fields with an input each, required ones marked; a record is
// created on submit, then the form's message shows.
export async function renderFormPage(app, path) {
  const res = await fetch(`/api${path}`);
  if (!res.ok) {
    app.replaceChildren(h('div', { class: 'card' }, h('h1', {}, 'Form not found'), h('p', { class: 'muted' }, 'This link does not lead to a form that is shared, or the form was removed.')));
    return;
  }
  const form = await res.json();
  const error = h('p', { class: 'error', role: 'alert' });
  // Types with a picker that needs an account (links, people, files) are typed as text, which the
  // server reads with typecast.
  const inputs = form.fields.map((f) => {
    const t = fieldType(f);
    const ed = t.links || t.files || f.type.endsWith('Collaborator') || f.type.endsWith('Collaborators') || t.toggles
      ? (t.toggles ? (() => { const el = h('input', { type: 'checkbox' }); return { el, read: () => el.checked }; })() : (() => { const el = h('input', { type: 'text' }); return { el, read: () => el.value || null }; })())
      : editorFor(f, null);
    ed.el.id = `form-${f.id}`;
    ed.el.setAttribute('aria-label', f.name);
    return { f, ed };
  });
  const submit = h('button', { type: 'submit', id: 'form-submit' }, form.submitLabel);
  const el = h('form', { class: 'card public-form', id: 'public-form', onsubmit: async (e) => {
    e.preventDefault();
    error.textContent = '';
    const fields = {};
    for (const { f, ed } of inputs) {
      const v = await ed.read();
      if (v !== null && v !== undefined && v !== '' && !(Array.isArray(v) && !v.length)) fields[f.id] = v;
      else if (f.required) { error.textContent = `“${f.name}” is required`; return; }
    }
    submit.disabled = true;
    const r = await fetch(`/api${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ fields }) });
    const body = await r.json().catch(() => ({}));
    submit.disabled = false;
    if (!r.ok) { error.textContent = body?.error?.message || `The form could not be sent (${r.status})`; return; }
    app.replaceChildren(h('div', { class: 'card public-form', id: 'form-done' }, h('h1', {}, form.title), h('p', { id: 'form-message' }, body.message),
      h('button', { type: 'button', class: 'secondary', onclick: () => renderFormPage(app, path) }, 'Submit another response')));
  } }, h('h1', {}, form.title), form.description ? h('p', { class: 'muted' }, form.description) : '',
  inputs.map(({ f, ed }) => h('div', { class: 'form-row' }, h('label', { for: ed.el.id }, f.name, f.required ? h('span', { class: 'required', title: 'required' }, ' *') : ''),
    f.description ? h('p', { class: 'muted' }, f.description) : '', ed.el)),
  submit, error);
  app.replaceChildren(el);
}
