// The administration endpoints a self-hosted server can honour (issue 12): a workspace and a
// base with their collaborators (GET /v0/meta/workspaces/{id} and /v0/meta/bases/{id}, with the
// include values pyairtable's Workspace and Base ask for), adding, changing and removing
// collaborators, moving a base between workspaces, deleting a base or an empty workspace; gated
// by the workspacesAndBases scopes and the roles Airtable names, refused as Airtable refuses.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, makeOwner, createBase, cli, PERM_403 } from './harness.mjs';

let server, owner, admin, editor, editorToken, first, second, boId;

before(async () => {
  server = await new Server(Server.freshDataDir()).start();
  owner = makeOwner(server.dataDir);
  admin = cli(server.dataDir, ['token', 'create', '--user', owner.email, '--name', 'admin', '--scope', 'workspacesAndBases:read', '--scope', 'workspacesAndBases:write', '--scope', 'workspacesAndBases:manage', '--scope', 'schema.bases:read']);
  editor = cli(server.dataDir, ['user', 'create', '--email', 'ed@example.com', '--name', 'Ed', '--password-stdin'], 'correct horse battery\n');
  first = await createBase(server, owner.token, owner.workspaceId, 'First', [{ name: 'T', fields: [{ name: 'Name', type: 'singleLineText' }] }]);
  second = await createBase(server, owner.token, owner.workspaceId, 'Second', [{ name: 'T', fields: [{ name: 'Name', type: 'singleLineText' }] }]);
  cli(server.dataDir, ['workspace', 'share', '--workspace', owner.workspaceId, '--user', 'ed@example.com', '--role', 'editor']);
  cli(server.dataDir, ['base', 'share', '--base', second.id, '--user', 'ed@example.com', '--role', 'creator']);
  editorToken = cli(server.dataDir, ['token', 'create', '--user', 'ed@example.com', '--name', 'e', '--scope', 'workspacesAndBases:read', '--scope', 'workspacesAndBases:write', '--scope', 'workspacesAndBases:manage']);
});
after(async () => { await server.stop(); server.cleanup(); });

test('GET /v0/meta/workspaces/{id}: the workspace, its bases, and with include its collaborators', async () => {
  const plain = await server.req('GET', `/v0/meta/workspaces/${owner.workspaceId}`, { token: admin });
  assert.equal(plain.status, 200, JSON.stringify(plain.body));
  assert.deepEqual(Object.keys(plain.body).sort(), ['baseIds', 'createdTime', 'id', 'name', 'workspaceRestrictions']);
  assert.equal(plain.body.id, owner.workspaceId);
  assert.equal(plain.body.name, 'Main');
  assert.deepEqual(plain.body.baseIds, [first.id, second.id]);
  assert.match(plain.body.createdTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.deepEqual(plain.body.workspaceRestrictions, { inviteCreationRestriction: 'unrestricted', shareCreationRestriction: 'unrestricted' });

  // As pyairtable's Workspace.info() asks: include=collaborators&include=inviteLinks.
  const full = await server.req('GET', `/v0/meta/workspaces/${owner.workspaceId}?include=collaborators&include=inviteLinks`, { token: admin });
  assert.equal(full.status, 200, JSON.stringify(full.body));
  const { individualCollaborators: ind, groupCollaborators: groups, inviteLinks } = full.body;
  assert.deepEqual(groups, { baseCollaborators: [], workspaceCollaborators: [] });
  assert.deepEqual(inviteLinks, { baseInviteLinks: [], workspaceInviteLinks: [] });
  assert.deepEqual(ind.workspaceCollaborators.map((c) => [c.userId, c.email, c.permissionLevel]), [[editor, 'ed@example.com', 'edit'], [owner.userId, owner.email, 'owner']]);
  assert.deepEqual(ind.baseCollaborators.map((c) => [c.baseId, c.userId, c.permissionLevel]), [[second.id, editor, 'create']]);
  for (const c of [...ind.workspaceCollaborators, ...ind.baseCollaborators]) {
    assert.equal(c.grantedByUserId, owner.userId);
    assert.match(c.createdTime, /Z$/);
  }
  const bad = await server.req('GET', `/v0/meta/workspaces/${owner.workspaceId}?include=everything`, { token: admin });
  assert.equal(bad.status, 422);
});

test('the workspace is its collaborators\' to see: scope, role and reach are checked', async () => {
  const path = `/v0/meta/workspaces/${owner.workspaceId}`;
  const noScope = await server.req('GET', path, { token: owner.token });
  assert.equal(noScope.status, 403, 'without workspacesAndBases:read');
  // Airtable's role for this route is "workspace read-only": an editor sees it.
  const asEditor = await server.req('GET', path, { token: editorToken });
  assert.equal(asEditor.status, 200, JSON.stringify(asEditor.body));
  assert.deepEqual(asEditor.body.baseIds, [first.id, second.id]);
  // Someone with a role on one of its bases only is not a collaborator of the workspace.
  boId = cli(server.dataDir, ['user', 'create', '--email', 'bo@example.com', '--name', 'Bo', '--password-stdin'], 'correct horse battery\n');
  cli(server.dataDir, ['base', 'share', '--base', first.id, '--user', 'bo@example.com', '--role', 'read']);
  const bo = cli(server.dataDir, ['token', 'create', '--user', 'bo@example.com', '--name', 'b', '--scope', 'workspacesAndBases:read']);
  assert.deepEqual((await server.req('GET', path, { token: bo })).body, PERM_403);
  const unknown = await server.req('GET', '/v0/meta/workspaces/wspNoSuchSpace000', { token: admin });
  assert.equal(unknown.status, 403);
  assert.deepEqual(unknown.body, PERM_403, 'an unknown workspace answers as a forbidden one');
  const other = cli(server.dataDir, ['token', 'create', '--user', owner.email, '--name', 'one base', '--scope', 'workspacesAndBases:read', '--base', first.id]);
  assert.deepEqual((await server.req('GET', path, { token: other })).body, PERM_403, 'a token limited to a base does not reach its workspace');
});

test('DELETE /v0/meta/bases/{id}: the owner deletes a base with everything in it', async () => {
  const third = await createBase(server, owner.token, owner.workspaceId, 'Third', [{ name: 'T', fields: [{ name: 'Name', type: 'singleLineText' }] }]);
  await server.req('POST', `/v0/${third.id}/T`, { token: owner.token, body: { fields: { Name: 'gone soon' } } });
  assert.equal((await server.req('DELETE', `/v0/meta/bases/${third.id}`, { token: owner.token })).status, 403, 'without workspacesAndBases:manage');
  assert.equal((await server.req('DELETE', `/v0/meta/bases/${second.id}`, { token: editorToken })).status, 403, 'a creator is not an owner');
  const del = await server.req('DELETE', `/v0/meta/bases/${third.id}`, { token: admin });
  assert.equal(del.status, 200, JSON.stringify(del.body));
  assert.deepEqual(del.body, { id: third.id, deleted: true });
  assert.deepEqual((await server.req('GET', `/v0/meta/bases/${third.id}/tables`, { token: admin })).body, PERM_403);
  assert.equal((await server.req('GET', `/v0/${third.id}/T`, { token: owner.token })).status, 403);
  const ws = await server.req('GET', `/v0/meta/workspaces/${owner.workspaceId}`, { token: admin });
  assert.deepEqual(ws.body.baseIds, [first.id, second.id]);
  assert.deepEqual((await server.req('DELETE', `/v0/meta/bases/${third.id}`, { token: admin })).body, PERM_403, 'gone');
});

// A user made here, with a token of the given scopes.
function user(email, name, ...scopes) {
  const id = cli(server.dataDir, ['user', 'create', '--email', email, '--name', name, '--password-stdin'], 'correct horse battery\n');
  const token = cli(server.dataDir, ['token', 'create', '--user', email, '--name', 't', ...scopes.flatMap((s) => ['--scope', s])]);
  return { id, email, token };
}

test('GET /v0/meta/bases/{id}: the base, the caller\'s level, and with include its collaborators', async () => {
  const path = `/v0/meta/bases/${second.id}`;
  const plain = await server.req('GET', path, { token: admin });
  assert.equal(plain.status, 200, JSON.stringify(plain.body));
  assert.deepEqual(Object.keys(plain.body).sort(), ['createdTime', 'id', 'name', 'permissionLevel', 'workspaceId']);
  assert.deepEqual([plain.body.id, plain.body.name, plain.body.permissionLevel, plain.body.workspaceId], [second.id, 'Second', 'owner', owner.workspaceId]);
  assert.equal((await server.req('GET', path, { token: editorToken })).body.permissionLevel, 'create', 'the caller\'s own level');

  // As pyairtable's Base.collaborators() asks: include=collaborators&include=inviteLinks&include=interfaces.
  const full = await server.req('GET', `${path}?include=collaborators&include=inviteLinks&include=interfaces`, { token: editorToken });
  assert.equal(full.status, 200, JSON.stringify(full.body));
  const ind = full.body.individualCollaborators;
  assert.deepEqual(ind.baseCollaborators.map((c) => [c.userId, c.email, c.permissionLevel]), [[editor, 'ed@example.com', 'create']]);
  assert.equal(ind.baseCollaborators[0].baseId, undefined, 'a base\'s own list does not repeat its id');
  assert.deepEqual(ind.workspaceCollaborators.map((c) => [c.userId, c.permissionLevel]), [[editor, 'edit'], [owner.userId, 'owner']]);
  assert.deepEqual(full.body.collaborators, ind, 'the deprecated collaborators key as Airtable still sends it');
  assert.deepEqual(full.body.groupCollaborators, { baseCollaborators: [], workspaceCollaborators: [] });
  assert.deepEqual(full.body.inviteLinks, { baseInviteLinks: [], workspaceInviteLinks: [] });
  assert.deepEqual(full.body.interfaces, {});
  assert.equal((await server.req('GET', `${path}?include[]=shares`, { token: admin })).status, 422);
  assert.equal((await server.req('GET', path, { token: owner.token })).status, 403, 'without workspacesAndBases:read');
  assert.deepEqual((await server.req('GET', '/v0/meta/bases/appNoSuchBase0000', { token: admin })).body, PERM_403);
});

test('base collaborators are added, changed and removed, and their access follows at once', async () => {
  const cy = user('cy@example.com', 'Cy', 'data.records:read', 'workspacesAndBases:read');
  const url = `/v0/meta/bases/${first.id}/collaborators`;
  const read = () => server.req('GET', `/v0/${first.id}/T`, { token: cy.token });
  assert.equal((await read()).status, 403, 'no access before');
  const add = await server.req('POST', url, { token: admin, body: { collaborators: [{ user: { id: cy.id }, permissionLevel: 'edit' }] } });
  assert.equal(add.status, 200, JSON.stringify(add.body));
  assert.deepEqual(add.body, {});
  assert.equal((await read()).status, 200, 'an editor of the base reads it');
  const listed = async () => (await server.req('GET', `/v0/meta/bases/${first.id}?include=collaborators`, { token: admin })).body.individualCollaborators.baseCollaborators.map((c) => [c.userId, c.permissionLevel]);
  assert.deepEqual(await listed(), [[boId, 'read'], [cy.id, 'edit']], 'by name');

  const patch = await server.req('PATCH', `${url}/${cy.id}`, { token: admin, body: { permissionLevel: 'comment' } });
  assert.equal(patch.status, 200, JSON.stringify(patch.body));
  assert.deepEqual((await listed())[1], [cy.id, 'comment']);

  // Refused as Airtable refuses, nothing changed.
  const refuse = async (method, path, body, status, type, message) => {
    const r = await server.req(method, path, { token: admin, body });
    assert.equal(r.status, status, JSON.stringify(r.body));
    assert.equal(r.body.error.type, type);
    if (message) assert.match(r.body.error.message, message);
  };
  await refuse('POST', url, { collaborators: [{ user: { id: cy.id }, permissionLevel: 'read' }, { user: { id: editor }, permissionLevel: 'read' }] }, 403, 'INVALID_PERMISSIONS', /^You are only permitted to add one collaborator at a time$/);
  await refuse('POST', url, { collaborators: [{ user: { id: cy.id }, permissionLevel: 'read' }] }, 422, 'INVALID_REQUEST_UNKNOWN', /already a collaborator/);
  await refuse('POST', url, { collaborators: [{ user: { id: 'usrNoSuchUser0000' }, permissionLevel: 'read' }] }, 403, 'INVALID_PERMISSIONS', /^User must be active and email verified$/);
  await refuse('POST', url, { collaborators: [{ group: { id: 'ugpNoSuchGroup000' }, permissionLevel: 'read' }] }, 422, 'INVALID_REQUEST_UNKNOWN', /no user groups/);
  await refuse('POST', url, { collaborators: [{ user: { id: editor }, permissionLevel: 'owner' }] }, 422, 'INVALID_REQUEST_UNKNOWN', /permissionLevel/);
  await refuse('POST', url, { collaborators: [] }, 422, 'INVALID_REQUEST_UNKNOWN');
  await refuse('PATCH', `${url}/${cy.id}`, { permissionLevel: 'admin' }, 422, 'INVALID_REQUEST_UNKNOWN', /permissionLevel/);
  // Ed edits the workspace but holds no role of the base's own: not its collaborator to change.
  await refuse('PATCH', `${url}/${editor}`, { permissionLevel: 'read' }, 403, 'INVALID_PERMISSIONS', /^Invalid permissions$/);
  await refuse('DELETE', `${url}/usrNoSuchUser0000`, undefined, 403, 'INVALID_PERMISSIONS');
  assert.deepEqual((await listed())[1], [cy.id, 'comment']);

  // A workspace editor (Ed) is no creator of the first base: it cannot share it. On the second,
  // where Ed creates, Ed shares up to creator and no higher.
  const asEd = await server.req('POST', url, { token: editorToken, body: { collaborators: [{ user: { id: cy.id }, permissionLevel: 'read' }] } });
  assert.equal(asEd.status, 403);
  assert.equal(asEd.body.error.type, 'INVALID_PERMISSIONS');
  const onSecond = await server.req('POST', `/v0/meta/bases/${second.id}/collaborators`, { token: editorToken, body: { collaborators: [{ user: { id: cy.id }, permissionLevel: 'create' }] } });
  assert.equal(onSecond.status, 200, JSON.stringify(onSecond.body));
  assert.equal((await server.req('GET', `/v0/${second.id}/T`, { token: cy.token })).status, 200);
  const noWrite = await server.req('DELETE', `/v0/meta/bases/${second.id}/collaborators/${cy.id}`, { token: cy.token });
  assert.equal(noWrite.status, 403, 'without workspacesAndBases:write');

  const del = await server.req('DELETE', `${url}/${cy.id}`, { token: admin });
  assert.equal(del.status, 200, JSON.stringify(del.body));
  assert.equal((await read()).status, 403, 'no access after');
  assert.deepEqual(await listed(), [[boId, 'read']]);
});

test('workspace collaborators: owners add, change and remove them, and the sole owner stays', async () => {
  const di = user('di@example.com', 'Di', 'workspacesAndBases:read', 'data.records:read');
  const url = `/v0/meta/workspaces/${owner.workspaceId}/collaborators`;
  const levels = async () => Object.fromEntries((await server.req('GET', `/v0/meta/workspaces/${owner.workspaceId}?include=collaborators`, { token: admin })).body.individualCollaborators.workspaceCollaborators.map((c) => [c.email, c.permissionLevel]));
  assert.equal((await server.req('GET', `/v0/${second.id}/T`, { token: di.token })).status, 403);
  const add = await server.req('POST', url, { token: admin, body: { collaborators: [{ user: { id: di.id }, permissionLevel: 'read' }] } });
  assert.equal(add.status, 200, JSON.stringify(add.body));
  assert.equal((await levels())['di@example.com'], 'read');
  assert.equal((await server.req('GET', `/v0/${second.id}/T`, { token: di.token })).status, 200, 'a workspace role reaches its bases');

  // The sole owner can be neither demoted nor removed; a second owner changes that.
  const sole = await server.req('PATCH', `${url}/${owner.userId}`, { token: admin, body: { permissionLevel: 'edit' } });
  assert.equal(sole.status, 403);
  assert.deepEqual(sole.body.error, { type: 'INVALID_PERMISSIONS', message: 'You can not change the permissions of the sole owner of the workspace.' });
  const soleDel = await server.req('DELETE', `${url}/${owner.userId}`, { token: admin });
  assert.equal(soleDel.status, 403);
  assert.match(soleDel.body.error.message, /sole owner/);
  assert.equal((await server.req('PATCH', `${url}/${di.id}`, { token: admin, body: { permissionLevel: 'owner' } })).status, 200);
  assert.deepEqual([(await levels())['di@example.com'], (await levels())['owner@example.com']], ['owner', 'owner']);
  assert.equal((await server.req('PATCH', `${url}/${di.id}`, { token: admin, body: { permissionLevel: 'read' } })).status, 200, 'one of two owners can step down');

  // Only owners change a workspace's collaborators.
  const asEditor = await server.req('POST', url, { token: editorToken, body: { collaborators: [{ user: { id: di.id }, permissionLevel: 'read' }] } });
  assert.equal(asEditor.status, 403);
  assert.equal(asEditor.body.error.type, 'INVALID_PERMISSIONS');
  const unknown = await server.req('POST', '/v0/meta/workspaces/wspNoSuchSpace000/collaborators', { token: admin, body: { collaborators: [{ user: { id: di.id }, permissionLevel: 'read' }] } });
  assert.deepEqual(unknown.body, PERM_403);

  const del = await server.req('DELETE', `${url}/${di.id}`, { token: admin });
  assert.equal(del.status, 200, JSON.stringify(del.body));
  assert.equal((await levels())['di@example.com'], undefined);
  assert.equal((await server.req('GET', `/v0/${second.id}/T`, { token: di.token })).status, 403, 'removed, no access');
  assert.equal((await server.req('DELETE', `${url}/${di.id}`, { token: admin })).status, 403, 'no longer a collaborator');
});

test('moveBase moves a base between its owner\'s workspaces, at targetIndex, and reach follows', async () => {
  const other = cli(server.dataDir, ['workspace', 'create', '--owner', owner.email, '--name', 'Other']);
  const inOther = await createBase(server, owner.token, other, 'Resident', [{ name: 'T', fields: [{ name: 'Name', type: 'singleLineText' }] }]);
  const baseIds = async (ws) => (await server.req('GET', `/v0/meta/workspaces/${ws}`, { token: admin })).body.baseIds;
  const move = (from, body, token = admin) => server.req('POST', `/v0/meta/workspaces/${from}/moveBase`, { token, body });
  const mainOnly = cli(server.dataDir, ['token', 'create', '--user', owner.email, '--name', 'main only', '--scope', 'data.records:read', '--workspace', owner.workspaceId]);
  assert.equal((await server.req('GET', `/v0/${first.id}/T`, { token: mainOnly })).status, 200);

  const moved = await move(owner.workspaceId, { baseId: first.id, targetWorkspaceId: other, targetIndex: 0 });
  assert.equal(moved.status, 200, JSON.stringify(moved.body));
  assert.deepEqual(moved.body, {});
  assert.deepEqual(await baseIds(other), [first.id, inOther.id], 'first, at index 0');
  assert.deepEqual(await baseIds(owner.workspaceId), [second.id]);
  assert.equal((await server.req('GET', `/v0/meta/bases/${first.id}`, { token: admin })).body.workspaceId, other);
  assert.equal((await server.req('GET', `/v0/${first.id}/T`, { token: mainOnly })).status, 403, 'a token limited to the old workspace no longer reaches it');
  assert.equal((await server.req('GET', `/v0/${first.id}/T`, { token: owner.token })).status, 200, 'its records came along');

  // Without targetIndex the base goes last; within one workspace a move reorders.
  assert.equal((await move(other, { baseId: first.id, targetWorkspaceId: owner.workspaceId })).status, 200);
  assert.deepEqual(await baseIds(owner.workspaceId), [second.id, first.id]);
  assert.equal((await move(owner.workspaceId, { baseId: first.id, targetWorkspaceId: owner.workspaceId, targetIndex: 0 })).status, 200);
  assert.deepEqual(await baseIds(owner.workspaceId), [first.id, second.id]);

  // Refusals leave everything where it was.
  const refused = async (res, status, type) => {
    assert.equal(res.status, status, JSON.stringify(res.body));
    assert.equal(res.body.error.type, type);
  };
  await refused(await move(owner.workspaceId, { baseId: first.id, targetWorkspaceId: other, targetIndex: 2 }), 422, 'INVALID_REQUEST_UNKNOWN');
  await refused(await move(owner.workspaceId, { baseId: first.id, targetWorkspaceId: other, targetIndex: -1 }), 422, 'INVALID_REQUEST_UNKNOWN');
  await refused(await move(owner.workspaceId, { baseId: first.id, targetWorkspaceId: other, targetIndex: 0.5 }), 422, 'INVALID_REQUEST_UNKNOWN');
  await refused(await move(owner.workspaceId, { baseId: first.id, targetWorkspaceId: other, targetIndex: 1e300 }), 422, 'INVALID_REQUEST_UNKNOWN');
  await refused(await move(owner.workspaceId, { baseId: first.id, targetWorkspaceId: other, targetIndex: '0' }), 422, 'INVALID_REQUEST_UNKNOWN');
  await refused(await move(owner.workspaceId, { baseId: first.id }), 422, 'INVALID_REQUEST_UNKNOWN');
  await refused(await move(owner.workspaceId, { baseId: first.id, targetWorkspaceId: other, extra: 1 }), 422, 'INVALID_REQUEST_UNKNOWN');
  await refused(await move(owner.workspaceId, { baseId: inOther.id, targetWorkspaceId: other }), 403, 'INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND');
  await refused(await move(owner.workspaceId, { baseId: first.id, targetWorkspaceId: 'wspNoSuchSpace000' }), 403, 'INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND');
  await refused(await move(owner.workspaceId, { baseId: second.id, targetWorkspaceId: other }, editorToken), 403, 'INVALID_PERMISSIONS');
  await refused(await move(owner.workspaceId, { baseId: first.id, targetWorkspaceId: other }, owner.token), 403, 'INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND');
  // An owner of the source who is not one of the target may not move a base there.
  cli(server.dataDir, ['workspace', 'share', '--workspace', other, '--user', 'ed@example.com', '--role', 'creator']);
  const edsOwn = cli(server.dataDir, ['workspace', 'create', '--owner', 'ed@example.com', '--name', 'Ed\'s']);
  await refused(await move(edsOwn, { baseId: first.id, targetWorkspaceId: other }, editorToken), 403, 'INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND');
  await refused(await move(other, { baseId: inOther.id, targetWorkspaceId: edsOwn }, editorToken), 403, 'INVALID_PERMISSIONS');
  assert.deepEqual(await baseIds(owner.workspaceId), [first.id, second.id]);
  assert.deepEqual(await baseIds(other), [inOther.id]);
});

test('DELETE /v0/meta/workspaces/{id}: an empty workspace is deleted; one holding bases is refused', async () => {
  const spare = cli(server.dataDir, ['workspace', 'create', '--owner', owner.email, '--name', 'Spare']);
  const b = await createBase(server, owner.token, spare, 'Kept', [{ name: 'T', fields: [{ name: 'Name', type: 'singleLineText' }] }]);
  const full = await server.req('DELETE', `/v0/meta/workspaces/${spare}`, { token: admin });
  assert.equal(full.status, 422, JSON.stringify(full.body));
  assert.match(full.body.error.message, /still holds 1 base: move them to another workspace or delete them first/);
  assert.equal((await server.req('GET', `/v0/${b.id}/T`, { token: owner.token })).status, 200, 'the base is kept');
  assert.equal((await server.req('DELETE', `/v0/meta/workspaces/${spare}`, { token: editorToken })).status, 403);
  assert.equal((await server.req('POST', `/v0/meta/workspaces/${spare}/moveBase`, { token: admin, body: { baseId: b.id, targetWorkspaceId: owner.workspaceId } })).status, 200);
  const del = await server.req('DELETE', `/v0/meta/workspaces/${spare}`, { token: admin });
  assert.equal(del.status, 200, JSON.stringify(del.body));
  assert.deepEqual(del.body, { id: spare, deleted: true });
  assert.deepEqual((await server.req('GET', `/v0/meta/workspaces/${spare}`, { token: admin })).body, PERM_403, 'gone');
});

test('the enterprise endpoints answer as Airtable answers an account without an enterprise', async () => {
  for (const path of ['/v0/meta/enterpriseAccounts/entNoSuchAccount0', '/v0/meta/enterpriseAccounts/entNoSuchAccount0/users', '/v0/meta/groups/ugpNoSuchGroup000']) {
    const res = await server.req('GET', path, { token: admin });
    assert.equal(res.status, 404, path);
  }
});
