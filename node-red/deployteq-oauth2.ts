import { registerConfigNode } from '../hosts/node-red/config-node';
import type { RED } from '../hosts/node-red/red';

/** Config node `deployteq-oauth2`: see deployteq-oauth2.html for the editor and help. */
export = function (RED: RED): void {
  registerConfigNode(RED, 'deployteq-oauth2');
};
