import { registerConfigNode } from '../hosts/node-red/config-node';
import type { RED } from '../hosts/node-red/red';

/** Config node `zendesk-chat-oauth2`: see zendesk-chat-oauth2.html for the editor and help. */
export = function (RED: RED): void {
  registerConfigNode(RED, 'zendesk-chat-oauth2');
};
