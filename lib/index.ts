// The library entry for plain Node.js. Pass `NODE_HOST` as `host` to the engine (token manager,
// token requests), or call `installNodeHost()` once to make it the default for calls that pass none.
export * from './oauth2';
export * from './providers';
export { installNodeHost, NODE_HOST } from './hosts/node';
