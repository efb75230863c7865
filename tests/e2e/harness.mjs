// Starts the real airbase binary on a free port with a fresh data directory, and drives its CLI.
// With AIRBASE_TEST_STORE=postgres (and AIRBASE_TEST_POSTGRES, the URL of a throwaway cluster
// that scripts/test.sh starts), every data directory stands for a fresh PostgreSQL database of
// its own, passed to the server and the CLI as --store.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const BIN = process.env.AIRBASE_BIN || path.resolve('../build/airbase');
export const STORE = process.env.AIRBASE_TEST_STORE || 'sqlite';
const PG_ADMIN = process.env.AIRBASE_TEST_POSTGRES || '';
if (STORE === 'postgres' && !PG_ADMIN) throw new Error('AIRBASE_TEST_STORE=postgres needs AIRBASE_TEST_POSTGRES');

const databases = new Map();  // data directory -> its PostgreSQL database URL

function psql(sql) {
  execFileSync('psql', [PG_ADMIN, '-qXc', sql], { stdio: ['ignore', 'ignore', 'pipe'] });
}

// Whether a PostgreSQL server is at hand (scripts/test.sh starts one for both passes).
export const HAVE_POSTGRES = PG_ADMIN !== '';

// A fresh, empty PostgreSQL database named after `key`: its URL.
export function postgresDatabase(key) {
  const db = 'e2e_' + path.basename(key).replace(/[^A-Za-z0-9]/g, '_').toLowerCase();
  psql(`CREATE DATABASE ${db}`);
  return PG_ADMIN.replace(/\/([^/?]*)(\?.*)?$/, (m, name, query) => `/${db}${query || ''}`);
}

// The options that name the store of `dataDir`: --data, and on PostgreSQL also --store.
export function storeArgs(dataDir) {
  if (STORE !== 'postgres') return ['--data', dataDir];
  let url = databases.get(dataDir);
  if (!url) {
    url = postgresDatabase(dataDir);
    databases.set(dataDir, url);
  }
  return ['--data', dataDir, '--store', url];
}

// Drops the database that stood for `dataDir` (PostgreSQL), after its servers stopped.
export function dropStore(dataDir) {
  const url = databases.get(dataDir);
  if (!url) return;
  databases.delete(dataDir);
  dropDatabase(url);
}

export function dropDatabase(url) {
  const db = url.replace(/^.*\/([^/?]+)(\?.*)?$/, '$1');
  try { psql(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`); } catch { /* a server still running */ }
}

export function cli(dataDir, args, input) {
  return execFileSync(BIN, [...args, ...storeArgs(dataDir)], {
    input: input ?? '',
    encoding: 'utf8',
    stdio: ['pipe', 'pipe', 'pipe'],
  }).trim();
}

// Runs the CLI and returns {status, stdout, stderr} instead of throwing.
export function cliResult(dataDir, args) {
  try {
    return { status: 0, stdout: cli(dataDir, args), stderr: '' };
  } catch (e) {
    return { status: e.status, stdout: String(e.stdout), stderr: String(e.stderr) };
  }
}

export class Server {
  constructor(dataDir, extraArgs = []) {
    this.dataDir = dataDir;
    this.extraArgs = extraArgs;
  }

  static freshDataDir() {
    return mkdtempSync(path.join(tmpdir(), 'airbase-e2e-'));
  }

  async start() {
    this.proc = spawn(BIN, ['serve', ...storeArgs(this.dataDir), '--listen', '127.0.0.1:0',
      '--threads', '2', ...this.extraArgs], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.log = '';
    this.exited = new Promise((resolve) => this.proc.on('exit', (code, signal) => resolve({ code, signal })));
    this.port = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('server did not start: ' + this.log)), 10000);
      this.proc.stdout.on('data', (chunk) => {
        this.log += chunk;
        const m = /listening on http:\/\/[^:]+:(\d+)/.exec(this.log);
        if (m) { clearTimeout(timer); resolve(Number(m[1])); }
      });
      this.proc.stderr.on('data', (chunk) => { this.log += chunk; });
      this.proc.on('exit', () => reject(new Error('server exited: ' + this.log)));
    });
    this.url = `http://127.0.0.1:${this.port}`;
    return this;
  }

  async stop(signal = 'SIGTERM') {
    if (!this.proc || this.proc.exitCode !== null) return this.exited;
    this.proc.kill(signal);
    const exit = await this.exited;
    // Lock conflicts are retried by the server, but each is a bug to find: shown in the test
    // output (CI's included) with the statement the server named.
    for (const line of this.log.split('\n')) if (line.includes('lock conflict')) console.log(`# server: ${line}`);
    return exit;
  }

  cleanup() {
    rmSync(this.dataDir, { recursive: true, force: true });
    dropStore(this.dataDir);
  }

  // fetch with JSON in and out: returns {status, body, headers}.
  async req(method, urlPath, { token, body, headers = {} } = {}) {
    const h = { ...headers };
    if (token) h.Authorization = `Bearer ${token}`;
    let payload;
    if (body !== undefined) {
      h['Content-Type'] = 'application/json';
      payload = typeof body === 'string' ? body : JSON.stringify(body);
    }
    const res = await fetch(this.url + urlPath, { method, headers: h, body: payload });
    const text = await res.text();
    let json;
    try { json = JSON.parse(text); } catch { json = text; }
    return { status: res.status, body: json, headers: res.headers };
  }
}

// A user, a workspace and a token with every basic scope: enough to set up fixtures over the API.
export function makeOwner(dataDir, email = 'owner@example.com', name = 'Owner') {
  const userId = cli(dataDir, ['user', 'create', '--email', email, '--name', name, '--password-stdin'],
    'correct horse battery\n');
  const workspaceId = cli(dataDir, ['workspace', 'create', '--owner', email, '--name', 'Main']);
  const token = cli(dataDir, ['token', 'create', '--user', email, '--name', 'admin',
    '--scope', 'data.records:read', '--scope', 'data.records:write',
    '--scope', 'schema.bases:read', '--scope', 'schema.bases:write', '--scope', 'user.email:read']);
  return { email, userId, workspaceId, token };
}

export async function createBase(server, token, workspaceId, name, tables) {
  const res = await server.req('POST', '/v0/meta/bases', { token, body: { name, workspaceId, tables } });
  if (res.status !== 200) throw new Error('create base failed: ' + JSON.stringify(res.body));
  return res.body;
}

export const PERM_403 = {
  error: {
    type: 'INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND',
    message: 'Invalid permissions, or the requested model was not found. Check that both your user and your token have the required permissions, and that the model names and/or ids are correct.',
  },
};
export const AUTH_401 = { error: { type: 'AUTHENTICATION_REQUIRED', message: 'Authentication required' } };

// Signs in to the web app's internal API: the session cookie and its CSRF token.
export async function signIn(server, email, password) {
  const res = await fetch(server.url + '/api/signin', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email, password }) });
  const body = await res.json();
  if (res.status !== 200) throw new Error('sign-in failed: ' + JSON.stringify(body));
  return { cookie: res.headers.get('set-cookie').split(';')[0], csrf: body.csrf };
}
