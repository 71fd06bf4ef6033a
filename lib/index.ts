// The library entry for plain Node.js: installs Node's timers and http transport as the engine's host.
import './hosts/node';

export * from './oauth2';
export * from './providers';
export { installNodeHost } from './hosts/node';
