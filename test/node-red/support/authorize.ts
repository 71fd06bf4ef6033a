// Drives the editor's authorize routes like the editor does (authenticated POST with the unsaved
// settings and typed secrets), then the provider (auto-approve), then the callback route.
import { followAuthorize } from '../../support/user-agent';
import { helper } from './helper';

export const HELPER_REDIRECT = 'http://127.0.0.1:1880/oauth2-connectors/callback';

export interface AuthorizeStart {
  authorizeUrl: string;
  redirectUri: string;
}

export async function startAuthorize(type: string, id: string, settings: Record<string, unknown>, credentials: Record<string, string> = {}): Promise<AuthorizeStart> {
  // the editor's browser sends its own origin with the POST: the redirect URI must be on it
  const res = await helper.request().post(`/oauth2-connectors/${type}/${id}/authorize`).set('Origin', new URL(HELPER_REDIRECT).origin).send({ settings, credentials, redirectUri: HELPER_REDIRECT });
  if (res.status !== 200) throw new Error(`authorize start failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as AuthorizeStart;
}

export async function callback(search: string): Promise<{ status: number; text: string }> {
  const res = await helper.request().get(`/oauth2-connectors/callback${search}`);
  return { status: res.status, text: res.text as string };
}

/** Full happy path; returns the callback page. */
export async function authorize(type: string, id: string, settings: Record<string, unknown>, credentials: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  const start = await startAuthorize(type, id, settings, credentials);
  const redirect = await followAuthorize(start.authorizeUrl, HELPER_REDIRECT);
  return callback(redirect.search);
}

export async function status(type: string, id: string): Promise<{ attempt: Record<string, unknown> | null; tokens: Record<string, unknown> }> {
  const res = await helper.request().get(`/oauth2-connectors/${type}/${id}/status`);
  return res.body;
}
