import { registerAdminRoutes } from './admin-routes';
import { CREDENTIALS, type ConfigType } from './builders';
import { Connection } from './connection';
import type { NodeDefinition, RED, RedNode } from './red';

/** A config node type backed by one shared `Connection` (token manager + durable store). */
export type ConfigNode = RedNode & { connection: Connection };

export function registerConfigNode(RED: RED, type: ConfigType): void {
  registerAdminRoutes(RED);
  RED.nodes.registerType(
    type,
    function (this: RedNode, def: NodeDefinition) {
      RED.nodes.createNode(this, def);
      const node = this as ConfigNode;
      node.name = def.name;
      node.connection = new Connection(RED, node, type, def);
      node.on('close', (removed, done) => {
        node.connection.close(removed).then(done, done);
      });
    },
    { credentials: CREDENTIALS[type] },
  );
}

/** The connection of the config node `id` refers to, or a clear error. */
export function connectionOf(RED: RED, id: unknown, expected: ConfigType): Connection {
  const node = typeof id === 'string' && id ? (RED.nodes.getNode(id) as ConfigNode | null) : null;
  if (!node || !node.connection) throw new Error(`No ${expected} configuration is selected (or it is disabled)`);
  if (node.type !== expected) throw new Error(`The selected configuration is a ${node.type}, not a ${expected}`);
  return node.connection;
}
