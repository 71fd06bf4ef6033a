import { durationText, isoDate } from '../lib/oauth2/time';
import { allConnections, type Connection } from '../hosts/node-red/connection';
import { onHealth, type HealthEvent } from '../hosts/node-red/health';
import type { NodeDefinition, NodeMessage, RED, RedNode } from '../hosts/node-red/red';

const DAY_MS = 24 * 3600_000;
/** How often the refresh-token expiry of the watched config nodes is looked at. */
const EXPIRY_CHECK_MS = 3600_000;
const DEFAULT_WARN_DAYS = 7;
const PROBLEMS = new Set(['refresh_failed', 'reconnect_needed', 'refresh_token_expiring']);

/** What a health node watches: one config node (or all), which events, and how early to warn. */
interface Watch {
  configNode: string;
  warnMs: number;
  include: Set<string>;
}

function watchOf(def: NodeDefinition): Watch {
  const warnDays = Number(def.warnDays);
  return {
    configNode: typeof def.configNode === 'string' ? def.configNode : '',
    warnMs: (Number.isFinite(warnDays) && warnDays >= 0 ? warnDays : DEFAULT_WARN_DAYS) * DAY_MS,
    include: new Set(typeof def.events === 'string' && def.events.trim() ? def.events.split(/[\s,]+/).filter(Boolean) : []),
  };
}

const watches = (watch: Watch, id: string) => !watch.configNode || watch.configNode === id;

/** The message of an event: msg.topic is the event, msg.payload what happened where and when (no secret). */
function messageOf(event: HealthEvent): NodeMessage {
  const expiresAt = isoDate(event.expiresAt);
  const refreshExpiresAt = isoDate(event.refreshExpiresAt);
  const payload = {
    event: event.event,
    configNode: event.configNode,
    at: isoDate(event.at) ?? new Date().toISOString(),
    message: event.message,
    ...(expiresAt !== undefined ? { expiresAt } : {}),
    ...(refreshExpiresAt !== undefined ? { refreshExpiresAt } : {}),
    ...(event.scope !== undefined ? { scope: event.scope } : {}),
  };
  return { topic: event.event, payload };
}

/** The `refresh_token_expiring` event of a connection, once per refresh token, when it expires within the warning time. */
function expiringEvent(connection: Connection, watch: Watch, warned: Map<string, number>): HealthEvent | undefined {
  const { id } = connection.identity;
  if (!watches(watch, id)) return undefined;
  const summary = connection.summary();
  const at = summary.refreshExpiresAt;
  if (isoDate(at) === undefined || at === undefined || summary.state === 'reauthorization_required' || at - Date.now() > watch.warnMs || warned.get(id) === at) return undefined;
  warned.set(id, at);
  return {
    event: 'refresh_token_expiring',
    configNode: connection.identity,
    at: Date.now(),
    refreshExpiresAt: at,
    message: at <= Date.now()
      ? 'the refresh token has expired: authorize again'
      : `the refresh token expires in ${durationText(at - Date.now())} (${isoDate(at)}): authorize again before then, or let keep-alive refresh it if the provider renews it`,
  };
}

/**
 * `oauth2-health`: one message per lifecycle event of the watched config node (or of all of ours):
 * `obtained`, `refreshed`, `rotated`, `refresh_failed`, `reconnect_needed`, `recovered`,
 * `disconnected`, and `refresh_token_expiring` once per refresh token when it expires within the
 * set number of days. msg.topic is the event; msg.payload says which config node, when and what,
 * and never carries a secret.
 */
export = function (RED: RED): void {
  RED.nodes.registerType('oauth2-health', function (this: RedNode, def: NodeDefinition) {
    RED.nodes.createNode(this, def);
    const node: RedNode & { send(msg: NodeMessage): void } = this as RedNode & { send(msg: NodeMessage): void };
    const watch = watchOf(def);
    /** config node id → the refresh-token expiry already warned about. */
    const warned = new Map<string, number>();

    const emit = (event: HealthEvent) => {
      if (!watches(watch, event.configNode.id) || (watch.include.size && !watch.include.has(event.event))) return;
      node.send(messageOf(event));
      const problem = PROBLEMS.has(event.event);
      node.status({ fill: problem ? 'red' : 'green', shape: problem ? 'ring' : 'dot', text: `${event.configNode.name}: ${event.event.replace(/_/g, ' ')}` });
    };
    const checkExpiry = (connection: Connection) => {
      const event = expiringEvent(connection, watch, warned);
      if (event) emit(event);
    };
    const checkAll = () => allConnections().forEach(checkExpiry);

    const stop = onHealth((event) => {
      emit(event);
      // new tokens may carry a new refresh-token expiry
      const connection = allConnections().find((c) => c.identity.id === event.configNode.id);
      if (connection) checkExpiry(connection);
    });
    // config nodes start before and after this one: look once they all have
    const first = setTimeout(checkAll, 1000);
    const timer = setInterval(checkAll, EXPIRY_CHECK_MS);
    first.unref();
    timer.unref();
    node.on('close', (_removed, done) => {
      stop();
      clearTimeout(first);
      clearInterval(timer);
      done();
    });
  });
};
