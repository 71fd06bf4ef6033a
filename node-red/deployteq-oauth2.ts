import { registerConfigNode } from './common/config-node';
import type { RED } from './common/red';

/** Config node `deployteq-oauth2`: see deployteq-oauth2.html for the editor and help. */
export = function (RED: RED): void {
  registerConfigNode(RED, 'deployteq-oauth2');
};
