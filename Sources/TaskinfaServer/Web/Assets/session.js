// Who is signed in and which workspaces they have, as /auth/me says.
import { api, request, setCSRFToken } from './api.js';

let me = null;

/** Loads the caller; null when nobody is signed in. */
export async function loadSession() {
  try {
    me = (await request('GET', '/auth/me', { keepSession: true })).data;
  } catch (error) {
    if (error.status === 401) {
      me = null;
      setCSRFToken(null);
      return null;
    }
    throw error;
  }
  setCSRFToken(me.csrf_token);
  return me;
}

export function currentUser() {
  return me?.user ?? null;
}

export function workspaces() {
  return me?.workspaces ?? [];
}

export function workspace(id) {
  return workspaces().find((item) => item.id === id) ?? null;
}

/** The session ended elsewhere (expired, revoked): nobody is signed in here any more. */
export function forgetSession() {
  me = null;
  setCSRFToken(null);
}

export async function signOut() {
  try {
    await api.post('/auth/logout', undefined, { keepSession: true });
  } finally {
    me = null;
    setCSRFToken(null);
  }
}
