import { registerConfigNode } from '../hosts/node-red/config-node';
import type { RED } from '../hosts/node-red/red';

/** Config node `oauth2-client`: see oauth2-client.html for the editor and help. */
export = function (RED: RED): void {
  registerConfigNode(RED, 'oauth2-client');
};
