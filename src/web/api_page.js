// The per-base API page: like Airtable's generated API docs, with this server's address and this
// base's real ids, fields and example values (src/web/fields.js).
import { h, api } from '/util.js';
import { exampleValue, fieldType } from '/fields.js';

// Like Airtable's generated API docs, with this server's address and this base's real ids.
export async function renderApiPage(app, baseId) {
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
        h('tbody', {}, t.fields.map((f) => h('tr', {}, h('td', {}, f.name), h('td', {}, h('code', {}, f.id)), h('td', {}, fieldType(f).label || f.type, ' ', h('code', {}, f.type)), h('td', {}, h('code', {}, exampleValue(f))))))),
      h('h3', {}, 'List records'), h('pre', {}, h('code', { class: 'curl' }, curl(t))),
      h('h3', {}, 'Create records'), h('pre', {}, h('code', {}, create(t))))));
}

