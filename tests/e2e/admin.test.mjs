// The administration endpoints a self-hosted server can honour (issue 12): a workspace as its
// owner administers it (GET /v0/meta/workspaces/{id}, with collaborators and invite links as
// pyairtable's Workspace.info() asks for them) and DELETE /v0/meta/bases/{id}; gated by the
// workspacesAndBases scopes and the owner role, refused as Airtable refuses.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, makeOwner, createBase, cli, PERM_403 } from './harness.mjs';

let server, owner, admin, editor, editorToken, first, second;

before(async () => {
  server = await new Server(Server.freshDataDir()).start();
  owner = makeOwner(server.dataDir);
  admin = cli(server.dataDir, ['token', 'create', '--user', owner.email, '--name', 'admin', '--scope', 'workspacesAndBases:read', '--scope', 'workspacesAndBases:manage', '--scope', 'schema.bases:read']);
  editor = cli(server.dataDir, ['user', 'create', '--email', 'ed@example.com', '--name', 'Ed', '--password-stdin'], 'correct horse battery\n');
  first = await createBase(server, owner.token, owner.workspaceId, 'First', [{ name: 'T', fields: [{ name: 'Name', type: 'singleLineText' }] }]);
  second = await createBase(server, owner.token, owner.workspaceId, 'Second', [{ name: 'T', fields: [{ name: 'Name', type: 'singleLineText' }] }]);
  cli(server.dataDir, ['workspace', 'share', '--workspace', owner.workspaceId, '--user', 'ed@example.com', '--role', 'editor']);
  cli(server.dataDir, ['base', 'share', '--base', second.id, '--user', 'ed@example.com', '--role', 'creator']);
  editorToken = cli(server.dataDir, ['token', 'create', '--user', 'ed@example.com', '--name', 'e', '--scope', 'workspacesAndBases:read', '--scope', 'workspacesAndBases:manage']);
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

test('the workspace is its owner\'s to see: scope, role and reach are checked', async () => {
  const path = `/v0/meta/workspaces/${owner.workspaceId}`;
  const noScope = await server.req('GET', path, { token: owner.token });
  assert.equal(noScope.status, 403, 'without workspacesAndBases:read');
  const notOwner = await server.req('GET', path, { token: editorToken });
  assert.equal(notOwner.status, 403, 'an editor of the workspace is not its administrator');
  assert.equal(notOwner.body.error.type, 'INVALID_PERMISSIONS');
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
