// A stand-in for n8n's IExecuteFunctions with what n8nAuthorizedFetch uses: getCredentials, getNode
// and helpers.httpRequestWithAuthentication, which records every call and answers from a script the
// way n8n 2.41.1 does with `encoding: 'stream'` (2xx resolve with a Readable body; every other status,
// redirects included, throws a NodeApiError-like error whose cause carries the response and its
// still-open stream).
import { Readable } from 'node:stream';

import type { IAdditionalCredentialOptions, IAllExecuteFunctions, IHttpRequestOptions } from 'n8n-workflow';

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  /** A string, bytes, or a stream (e.g. an endless one). */
  body?: string | Buffer | Readable;
}

export interface RecordedCall {
  type: string;
  options: IHttpRequestOptions;
  additional?: IAdditionalCredentialOptions;
}

export function streamOf(body: Reply['body']): Readable {
  if (body instanceof Readable) return body;
  return Readable.from(body === undefined ? [] : [Buffer.from(body)]);
}

/** A stream that never ends; `state.destroyed` says whether the reader gave up on it. */
export function endlessStream(chunkSize = 64 * 1024): { stream: Readable; state: { sent: number; destroyed: boolean } } {
  const state = { sent: 0, destroyed: false };
  const chunk = Buffer.alloc(chunkSize, 0x61);
  const stream = new Readable({
    read() {
      state.sent += chunk.length;
      this.push(chunk);
    },
    destroy(error, callback) {
      state.destroyed = true;
      callback(error);
    },
  });
  return { stream, state };
}

export function httpError(reply: Reply): Error {
  const response = { status: reply.status, headers: reply.headers ?? {}, data: streamOf(reply.body) };
  const axiosLike = Object.assign(new Error(`Request failed with status code ${reply.status}`), { response });
  return Object.assign(new Error(`Request failed with status code ${reply.status}`), { name: 'NodeApiError', cause: axiosLike });
}

export function fakeContext(options: {
  credentialType: string;
  credentials: () => Record<string, unknown>;
  answer: (call: RecordedCall, index: number) => Reply | Error | Promise<Reply | Error>;
  parameters?: Record<string, unknown>;
}): { context: IAllExecuteFunctions; calls: RecordedCall[]; credentialReads: () => number } {
  const calls: RecordedCall[] = [];
  let reads = 0;
  const context = {
    getCredentials: async () => {
      reads++;
      return { ...options.credentials() };
    },
    getNode: () => ({
      id: 'node-1',
      name: 'Node',
      type: 'test.node',
      typeVersion: 1,
      position: [0, 0],
      parameters: options.parameters ?? {},
      credentials: { [options.credentialType]: { id: 'cred-1', name: 'Test credential' } },
    }),
    getNodeParameter: (name: string, _index: number, fallback?: unknown) => options.parameters?.[name] ?? fallback,
    helpers: {
      async httpRequestWithAuthentication(type: string, requestOptions: IHttpRequestOptions, additional?: IAdditionalCredentialOptions) {
        const call = { type, options: { ...requestOptions }, additional };
        calls.push(call);
        const reply = await options.answer(call, calls.length - 1);
        if (reply instanceof Error) throw reply;
        if (reply.status < 200 || reply.status >= 300) throw httpError(reply);
        return { statusCode: reply.status, statusMessage: 'OK', headers: reply.headers ?? {}, body: streamOf(reply.body) };
      },
    },
  };
  return { context: context as unknown as IAllExecuteFunctions, calls, credentialReads: () => reads };
}

export const json = (status: number, value: unknown, headers: Record<string, string> = {}): Reply => ({
  status,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(value),
});
