import { DeployteqLimitError, triggerDeployteqWebhook } from '../lib/providers/deployteq';
import { ProviderApiError } from '../lib/providers/http-json';
import { handleInput } from '../hosts/node-red/action';
import { connectionOf } from '../hosts/node-red/config-node';
import type { NodeDefinition, NodeMessage, RED, RedNode } from '../hosts/node-red/red';

/**
 * `deployteq-webhook`: POSTs msg.payload (an object or an array of objects) to a Deployteq webhook
 * with the Bearer token of a `deployteq-oauth2` config node. Endpoint: the node's setting, or
 * msg.url when the setting is empty; the token is sent only over https to the node's endpoint host
 * or to a host the config node allows (default: Deployteq's domains). Output: msg.payload (the
 * answer), msg.statusCode, msg.headers, msg.requestCount (the brand's calls today). A body over
 * 6 MB fails before anything is sent; the daily cap's 429 fails at once, naming the cap.
 */
export = function (RED: RED): void {
  RED.nodes.registerType('deployteq-webhook', function (this: RedNode, def: NodeDefinition) {
    RED.nodes.createNode(this, def);
    const node: RedNode = this; // eslint-disable-line @typescript-eslint/no-this-alias
    const configId = def.deployteq;
    const endpoint = typeof def.url === 'string' ? def.url.trim() : '';
    let redact: ((text: string) => string) | undefined;
    handleInput(
      node,
      async (msg, send) => {
        const connection = connectionOf(RED, configId, 'deployteq-oauth2');
        const manager = connection.requireManager();
        redact = (text) => manager.redact(text);
        const url = endpoint || (typeof msg.url === 'string' ? msg.url : '');
        if (!url) throw new Error('No webhook endpoint: set it on the node or pass msg.url');
        // the token goes only to the node's endpoint host or to the hosts the config node allows
        const result = await triggerDeployteqWebhook(manager, url, msg.payload, { ...connection.built?.webhookPolicy, configuredEndpoint: endpoint || undefined });
        msg.payload = result.body;
        msg.statusCode = result.status;
        msg.headers = result.headers;
        // the brand's webhook calls today (X-Clang-Request-Count), against Deployteq's daily cap
        if (result.requestCount !== undefined) msg.requestCount = result.requestCount;
        send(msg);
      },
      {
        redact: () => redact,
        onError: (msg: NodeMessage, error) => {
          if (error instanceof ProviderApiError) {
            msg.statusCode = error.status;
            msg.payload = error.body ?? error.providerMessage;
          }
          if (error instanceof DeployteqLimitError && error.requestCount !== undefined) msg.requestCount = error.requestCount;
        },
      },
    );
  });
};
