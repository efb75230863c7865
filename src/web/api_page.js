// The per-base API page: as useful as Airtable's generated API docs, with this server's address
// and this base's real ids, field names, a real record id and real choice values. For each table:
// its fields with their type and the value they read and write as (src/web/fields.js), and every
// record operation (list with filterByFormula, sort, fields, view and pagination; retrieve;
// create; update with PATCH and PUT; upsert; delete), each in curl and in JavaScript
// (airtable.js). Then authentication, rate limits and the error types.
import { h, api, v0 } from '/util.js';
import { exampleValue, fieldType, isReadOnly } from '/fields.js';

const TOKEN = 'YOUR_TOKEN';
const ERRORS = [
  [400, 'INVALID_REQUEST_UNKNOWN', 'The body is not valid JSON, or a parameter is malformed.'],
  [401, 'AUTHENTICATION_REQUIRED', 'No token, or a token that is wrong, expired or revoked.'],
  [403, 'INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND', 'The token lacks the scope, does not reach this base, or the base, table or record does not exist (the two are not told apart).'],
  [403, 'INVALID_PERMISSIONS', 'The token’s user may read but not do this (e.g. a read-only collaborator writing).'],
  [404, 'NOT_FOUND / MODEL_ID_NOT_FOUND', 'No such route, or the record does not exist.'],
  [413, 'REQUEST_TOO_LARGE', 'The body is over 16 MB.'],
  [422, 'INVALID_REQUEST_UNKNOWN, UNKNOWN_FIELD_NAME, INVALID_VALUE_FOR_COLUMN, INVALID_MULTIPLE_CHOICE_OPTIONS, INVALID_FILTER_BY_FORMULA, …', 'The request is understood but wrong for this base: an unknown field, a value of the wrong type, more than 10 records, a formula that does not compile.'],
  [429, 'RATE_LIMIT_REACHED', 'Too many requests: wait 30 seconds (Retry-After says how long).'],
  [503, 'REQUEST_TIMEOUT / SERVICE_UNAVAILABLE', 'The request took longer than 30 s, or the server is shutting down; retry with back-off.'],
];

const js = (s) => JSON.stringify(s);
const code = (text, cls = '') => h('pre', {}, h('code', { class: cls }, text));
const example = (title, curl, javascript, note = '') => h('div', { class: 'api-op' }, h('h4', {}, title), note ? h('p', { class: 'muted' }, note) : '',
  h('div', { class: 'api-pair' }, h('div', {}, h('div', { class: 'api-lang' }, 'curl'), code(curl, 'curl')), h('div', {}, h('div', { class: 'api-lang' }, 'JavaScript (airtable.js)'), code(javascript, 'js'))));

// A table's sample values: some writable fields with real example values, and a real record id.
function samples(t, record) {
  const writable = t.fields.filter((f) => !isReadOnly(f) && !fieldType(f).files).slice(0, 3);
  const fields = {};
  for (const f of writable) { try { fields[f.name] = JSON.parse(exampleValue(f)); } catch { fields[f.name] = exampleValue(f); } }
  const primary = t.fields.find((f) => f.id === t.primaryFieldId) || t.fields[0];
  return { fields, primary, id: record?.id || 'recXXXXXXXXXXXXXX', view: t.views[0]?.name || 'Grid view' };
}

function tableDocs(origin, baseId, t, record) {
  const url = `${origin}/v0/${baseId}/${encodeURIComponent(t.name)}`;
  const auth = `-H "Authorization: Bearer ${TOKEN}"`;
  const json = '-H "Content-Type: application/json"';
  const s = samples(t, record);
  const body = (o) => `--data '${JSON.stringify(o, null, 2).replace(/'/g, "'\\''")}'`;
  const pretty = (o) => JSON.stringify(o, null, 2).replace(/\n/g, '\n  ');
  const formula = `{${s.primary.name}} != ''`;
  const opener = `base(${js(t.name)})`;
  const cols = ['Field', 'Field ID', 'Type', 'Read and written as', 'Notes'];
  return h('section', { class: 'card api-table', id: `api-${t.id}` }, h('h2', {}, t.name),
    h('p', {}, 'Table ID ', h('code', {}, t.id), ' · in URLs ', h('code', {}, encodeURIComponent(t.name)), ' or the id; names and ids both work, ids survive renames.'),
    h('h3', {}, 'Fields'),
    h('table', { class: 'api-fields' }, h('thead', {}, h('tr', {}, cols.map((c) => h('th', {}, c)))),
      h('tbody', {}, t.fields.map((f) => h('tr', {}, h('td', {}, h('span', { class: 'field-icon' }, fieldType(f).icon), f.name), h('td', {}, h('code', {}, f.id)),
        h('td', {}, fieldType(f).label || f.type, ' ', h('code', {}, f.type)), h('td', {}, h('code', {}, exampleValue(f))),
        h('td', { class: 'muted' }, [isReadOnly(f) ? 'Computed: read only. ' : '', f.id === t.primaryFieldId ? 'Primary field. ' : '', f.description || ''].join('')))))),
    h('h3', {}, 'Records'),
    example('List records',
      `curl "${url}?maxRecords=3&view=${encodeURIComponent(s.view)}" ${auth}`,
      `${opener}.select({ maxRecords: 3, view: ${js(s.view)} }).eachPage((records, fetchNextPage) => {\n  records.forEach((r) => console.log(r.id, r.get(${js(s.primary.name)})));\n  fetchNextPage();\n}, (err) => { if (err) console.error(err); });`,
      'Up to 100 records a page (pageSize). While more remain the answer has an "offset": send it back as ?offset= for the next page (airtable.js does this in eachPage); an offset is valid for 10 minutes.'),
    example('Filter, sort and pick fields',
      `curl "${url}?filterByFormula=${encodeURIComponent(formula)}&sort%5B0%5D%5Bfield%5D=${encodeURIComponent(s.primary.name)}&sort%5B0%5D%5Bdirection%5D=asc&fields%5B%5D=${encodeURIComponent(s.primary.name)}" ${auth}`,
      `${opener}.select({\n  filterByFormula: ${js(formula)},\n  sort: [{ field: ${js(s.primary.name)}, direction: 'asc' }],\n  fields: [${js(s.primary.name)}],\n}).firstPage((err, records) => { /* … */ });`,
      'filterByFormula takes any formula (a record is kept when it is true); view= applies the view’s own filter and sort too. Long queries can be sent as POST …/listRecords with the same parameters in a JSON body.'),
    example('Retrieve a record', `curl "${url}/${s.id}" ${auth}`, `${opener}.find(${js(s.id)}, (err, record) => {\n  if (err) return console.error(err);\n  console.log(record.fields);\n});`),
    example('Create records',
      `curl -X POST "${url}" ${auth} ${json} \\\n  ${body({ records: [{ fields: s.fields }], typecast: true })}`,
      `${opener}.create([\n  { fields: ${pretty(s.fields)} },\n], { typecast: true }, (err, records) => { /* … */ });`,
      'At most 10 records a request. typecast: true converts text to the field’s type (new choices are added).'),
    example('Update records (PATCH changes the fields given; PUT clears the others)',
      `curl -X PATCH "${url}" ${auth} ${json} \\\n  ${body({ records: [{ id: s.id, fields: s.fields }] })}`,
      `${opener}.update([\n  { id: ${js(s.id)}, fields: ${pretty(s.fields)} },\n], (err, records) => { /* … */ });\n// PUT: ${opener}.replace([...])`),
    example('Upsert (update the record whose merge fields match, else create it)',
      `curl -X PATCH "${url}" ${auth} ${json} \\\n  ${body({ performUpsert: { fieldsToMergeOn: [s.primary.name] }, records: [{ fields: { [s.primary.name]: s.fields[s.primary.name] ?? 'Example' } }] })}`,
      `${opener}.update([{ fields: { ${js(s.primary.name)}: ${js(s.fields[s.primary.name] ?? 'Example')} } }],\n  { performUpsert: { fieldsToMergeOn: [${js(s.primary.name)}] } }, (err, records) => { /* … */ });`,
      'The answer lists createdRecords and updatedRecords; up to 3 merge fields.'),
    example('Delete records', `curl -X DELETE "${url}?records%5B%5D=${s.id}" ${auth}`, `${opener}.destroy([${js(s.id)}], (err, deleted) => { /* … */ });`, 'At most 10 ids a request.'));
}

export async function renderApiPage(app, baseId) {
  const schema = await api('GET', `bases/${baseId}/schema`);
  const origin = location.origin;
  // A real record of each table (when it has one) for the examples.
  const firsts = await Promise.all(schema.tables.map((t) => v0('GET', `${baseId}/${t.id}?maxRecords=1`).then((p) => p.records[0], () => null)));
  const setup = `const Airtable = require('airtable');\nconst base = new Airtable({\n  apiKey: process.env.AIRTABLE_TOKEN,   // ${TOKEN}\n  endpointUrl: ${js(origin)},   // this server; or AIRTABLE_ENDPOINT_URL\n}).base(${js(baseId)});`;
  app.replaceChildren(h('h1', {}, `${schema.name} API`),
    h('nav', { class: 'card api-toc' }, h('strong', {}, 'Tables: '), schema.tables.map((t, i) => [i ? ' · ' : '', h('a', { href: `#api-${t.id}` }, t.name)]),
      ' · ', h('a', { href: '#api-limits' }, 'Rate limits'), ' · ', h('a', { href: '#api-errors' }, 'Errors')),
    h('section', { class: 'card' }, h('h2', {}, 'Introduction'),
      h('p', {}, 'Base ID: ', h('code', { id: 'api-base-id' }, baseId), '. This server speaks the Airtable Web API at ', h('code', {}, `${origin}/v0/`), ': any Airtable client works against it by changing its endpoint URL.'),
      h('p', {}, 'Authenticate with a personal access token (create one on the ', h('a', { href: '/account', 'data-link': true }, 'Account page'), ') in the Authorization header:'),
      code(`curl "${origin}/v0/meta/whoami" -H "Authorization: Bearer ${TOKEN}"`, 'curl'),
      h('p', {}, 'With airtable.js (npm install airtable):'), code(setup, 'js'),
      h('p', { class: 'muted' }, 'A token carries scopes (data.records:read to read records, data.records:write to change them, schema.bases:read for the metadata API, …) and the bases it reaches; everything else is refused with 403.')),
    ...schema.tables.map((t, i) => tableDocs(origin, baseId, t, firsts[i])),
    h('section', { class: 'card', id: 'api-limits' }, h('h2', {}, 'Rate limits'),
      h('p', {}, '5 requests per second per base and 50 per second per token, as Airtable. Past either the answer is 429 RATE_LIMIT_REACHED and the caller must wait 30 seconds (Retry-After). airtable.js retries 429s by itself.'),
      h('p', { class: 'muted' }, 'Other limits: 10 records per write request, 100 records per page, 16 MB per request body, 30 seconds per request, 100,000 characters per long text cell.')),
    h('section', { class: 'card', id: 'api-errors' }, h('h2', {}, 'Errors'),
      h('p', {}, 'Errors answer JSON ', h('code', {}, '{"error": {"type": "…", "message": "…"}}'), ' (a few 404s: ', h('code', {}, '{"error": "NOT_FOUND"}'), ').'),
      h('table', { class: 'api-errors' }, h('thead', {}, h('tr', {}, ['Status', 'Type', 'When'].map((c) => h('th', {}, c)))),
        h('tbody', {}, ERRORS.map(([status, type, when]) => h('tr', {}, h('td', {}, String(status)), h('td', {}, h('code', {}, type)), h('td', {}, when)))))));
}
