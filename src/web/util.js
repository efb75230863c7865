// Shared by the web app's pages: element building, the internal API client (session cookie +
// CSRF token) and client-side navigation.
// `liveKey`: this page's live-update stream (src/web/live.js), sent with every call so that the
// changes it makes come back named as its own.
export const state = { user: null, csrf: '', liveKey: '' };

// The roles a workspace or base is shared with, weakest first ('none' removes a member).
export const ROLES = ['read', 'commenter', 'editor', 'creator', 'owner', 'none'];

export const h = (tag, attrs = {}, ...children) => {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'style') el.style.cssText = v;  // CSSOM: allowed by the Content Security Policy
    else if (v === true) el.setAttribute(k, '');
    else if (v !== false && v != null) el.setAttribute(k, v);
  }
  for (const c of children.flat(Infinity)) if (c !== '' && c != null && c !== false) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
};

export async function api(method, path, body) {
  const headers = {};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET') headers['X-CSRF-Token'] = state.csrf;
  if (state.liveKey) headers['X-Airbase-Client'] = state.liveKey;
  const res = await fetch('/api/' + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(data?.error?.message || `Request failed (${res.status})`);
  return data;
}

// The public API as the signed-in user (see /api/v0 in src/api/account.cc).
export const v0 = (method, path, body) => api(method, `v0/${path}`, body);

let router = () => {};
export function onNavigate(fn) { router = fn; }
export function go(path) { history.pushState({}, '', path); router(); }
