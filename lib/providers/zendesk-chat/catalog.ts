/**
 * The Zendesk Chat REST API v2 read operations: one catalog for the engine's executor
 * (`ZendeskChatApi.run`), the n8n node's properties, the Node-RED node and its editor
 * (`window.OAuth2ConnectorsDescriptions.zendeskChat.operations`) and the sandbox's tests. Plain
 * JSON: no functions, no imports.
 *
 * Shapes were checked against public sources (Zendesk's developer docs and connectors that run
 * against the real API: Airbyte, Singer, zenpy, amp-labs, embulk); `unconfirmed` says what no public
 * source settles for an operation. Left out because their shapes are not confirmed: `/bans/ip`,
 * `/routing_settings/agents*`, `/incremental/agent_events` (limited availability) and the OAuth
 * client and token reads.
 *
 * One naming scheme: resources are singular camelCase, operations use n8n's names (`get`, `getAll`,
 * `search`, `incrementalExport`, `getByIds`, `getByEmail`, `getByName`, `getMe`). `aliases` are
 * names saved by earlier versions (Node-RED's `getMany` and `incremental`); `ifParam` picks an
 * alias target only when that parameter has a value (a `getMany` with chat IDs is `getByIds`).
 */

/** How a parameter's value is written: text, a number, a time, or a comma-separated list. */
export type ZendeskChatParamKind = 'string' | 'number' | 'dateTime' | 'list';

export interface ZendeskChatParam {
  /** Parameter name in both hosts (n8n property name, Node-RED `params` key) and the `{name}` of a path. */
  name: string;
  label: string;
  kind: ZendeskChatParamKind;
  /** Asked for by the hosts' forms (n8n: a top-level field; optional ones go to Additional Fields). */
  required: boolean;
  /** Used when no value is given (the API's own default where it documents one). */
  default?: string | number;
  where: 'path' | 'query';
  /** Query key on the wire (default: `name`). */
  key?: string;
  description: string;
  placeholder?: string;
}

/**
 * How a list continues:
 * - `none`: one answer.
 * - `next_url`, `search`: follow the answer's `next_url` (same origin only) until it is null;
 *   search stops near 10,000 hits (the API answers 400 past ~250 pages of 40).
 * - `since_id`: `limit` per page, next page `since_id = highest id + 1`, stop on a short page.
 * - `incremental`: `start_time` (in `unit`), `start_id` when the answer has `end_id`, `limit` up to
 *   `maxPageSize`; continue at `end_time`/`end_id` until a page has fewer than `limit` items.
 */
export type ZendeskChatPaging =
  | { kind: 'none' }
  | { kind: 'next_url' }
  | { kind: 'search' }
  | { kind: 'since_id'; pageSize: number; maxPageSize: number }
  | { kind: 'incremental'; unit: 'seconds' | 'microseconds'; pageSize: number; maxPageSize: number };

export interface ZendeskChatOperation {
  resource: string;
  /** Display name of the resource. */
  resourceName: string;
  operation: string;
  /** Display name of the operation. */
  name: string;
  /** What the operation does, as a short sentence ("Get an agent"). */
  action: string;
  description: string;
  method: 'GET';
  /** Relative to the API base (`…/api/v2/chat` or the legacy `…/api/v2`), `{param}` for path parameters. */
  path: string;
  params: ZendeskChatParam[];
  paging: ZendeskChatPaging;
  /** Key(s) of the answer that hold the list (absent: the answer is the list). A keyed object counts as a list of its values. */
  listKey?: string | string[];
  /** Key of the answer that wraps the object (`{"data": {...}}`); an answer without it is taken as is. */
  objectKey?: string;
  returns: 'object' | 'list';
  /** Whether public sources confirm the path and the answer's shape; `unconfirmed` says what they do not. */
  confirmed: boolean;
  unconfirmed?: string;
  /** Names earlier versions saved for this operation. */
  aliases?: Array<{ operation: string; ifParam?: string }>;
  docs: string;
}

const DOCS = 'https://developer.zendesk.com/api-reference/live-chat/chat-api';

const NONE = { kind: 'none' } as const;

function pathParam(name: string, label: string, description: string, placeholder?: string): ZendeskChatParam {
  return { name, label, kind: 'string', required: true, where: 'path', description, ...(placeholder ? { placeholder } : {}) };
}

function startTime(what: string, unit: 'seconds' | 'microseconds'): ZendeskChatParam {
  return {
    name: 'startTime',
    label: 'Start Time',
    kind: 'dateTime',
    required: true,
    default: 0,
    where: 'query',
    key: 'start_time',
    description: `Export ${what} at or after this time (sent as Unix ${unit}; at least 5 minutes in the past)`,
  };
}

const START_ID: ZendeskChatParam = {
  name: 'startId',
  label: 'Start ID',
  kind: 'string',
  required: false,
  where: 'query',
  key: 'start_id',
  description: 'Continue after this item (the end_id of an earlier export) at the start time',
};

function fields(resource: string): ZendeskChatParam {
  return {
    name: 'fields',
    label: 'Fields',
    kind: 'string',
    required: false,
    default: `${resource}(*)`,
    where: 'query',
    description: `Resource expansion: ${resource}(*) for whole objects, ${resource}(field,…) for some fields; without it items carry only their ID`,
  };
}

function incremental(unit: 'seconds' | 'microseconds') {
  return { kind: 'incremental', unit, pageSize: 1000, maxPageSize: 1000 } as const;
}

function getAll(resource: string, resourceName: string, plural: string, path: string, docs: string, extra: Partial<ZendeskChatOperation> = {}): ZendeskChatOperation {
  return {
    resource,
    resourceName,
    operation: 'getAll',
    name: 'Get Many',
    action: `Get many ${plural}`,
    description: `List the account's ${plural}`,
    method: 'GET',
    path,
    params: [],
    paging: NONE,
    returns: 'list',
    confirmed: true,
    docs,
    ...extra,
  };
}

function getOne(resource: string, resourceName: string, action: string, description: string, path: string, param: ZendeskChatParam, docs: string, extra: Partial<ZendeskChatOperation> = {}): ZendeskChatOperation {
  return { resource, resourceName, operation: 'get', name: 'Get', action, description, method: 'GET', path, params: [param], paging: NONE, returns: 'object', confirmed: true, docs, ...extra };
}

export const ZENDESK_CHAT_CATALOG: ZendeskChatOperation[] = [
  // account
  {
    resource: 'account',
    resourceName: 'Account',
    operation: 'get',
    name: 'Get',
    action: 'Get the account',
    description: "Get the Chat account's details and plan",
    method: 'GET',
    path: '/account',
    params: [],
    paging: NONE,
    returns: 'object',
    confirmed: true,
    docs: `${DOCS}/accounts/`,
  },

  // agents
  getOne('agent', 'Agent', 'Get an agent', 'Get one agent by ID', '/agents/{agentId}', pathParam('agentId', 'Agent ID', 'Numeric ID of the agent'), `${DOCS}/agents/`),
  getAll('agent', 'Agent', 'agents', '/agents', `${DOCS}/agents/`, {
    paging: { kind: 'since_id', pageSize: 100, maxPageSize: 100 },
    confirmed: false,
    aliases: [{ operation: 'getMany' }],
    unconfirmed: 'the documented default and maximum page size (100 is what connectors use: 500 was answered 400)',
  }),
  {
    resource: 'agent',
    resourceName: 'Agent',
    operation: 'getByEmail',
    name: 'Get by Email',
    action: 'Get an agent by email',
    description: 'Get one agent by email address',
    method: 'GET',
    path: '/agents/email/{email}',
    params: [pathParam('email', 'Email', 'Email address of the agent', 'name@email.com')],
    paging: NONE,
    returns: 'object',
    confirmed: true,
    docs: `${DOCS}/agents/`,
  },
  {
    resource: 'agent',
    resourceName: 'Agent',
    operation: 'getMe',
    name: 'Get Me',
    action: 'Get the signed-in agent',
    description: 'Get the agent the credential acts for',
    method: 'GET',
    path: '/agents/me',
    params: [],
    paging: NONE,
    returns: 'object',
    confirmed: true,
    docs: `${DOCS}/agents/`,
  },

  // agent timeline (incremental)
  {
    resource: 'agentTimeline',
    resourceName: 'Agent Timeline',
    operation: 'incrementalExport',
    name: 'Incremental Export',
    action: 'Export agent status changes since a time',
    description: 'Agent status periods (online, away, invisible, offline) since a start time, oldest first',
    method: 'GET',
    path: '/incremental/agent_timeline',
    params: [startTime('agent status periods', 'microseconds'), fields('agent_timeline')],
    paging: incremental('microseconds'),
    listKey: 'agent_timeline',
    returns: 'list',
    confirmed: false,
    unconfirmed: 'the unit of end_time (microseconds is inferred) and whether start_id applies; items have no ID of their own',
    docs: `${DOCS}/incremental_export/`,
  },

  // bans
  getOne('ban', 'Ban', 'Get a ban', 'Get one IP address or visitor ban by ID', '/bans/{banId}', pathParam('banId', 'Ban ID', 'Numeric ID of the ban'), `${DOCS}/bans/`, {
    confirmed: false,
    unconfirmed: 'the answer of a single ban is documented by one public connector only',
  }),
  getAll('ban', 'Ban', 'bans', '/bans', `${DOCS}/bans/`, {
    description: "List the account's IP address and visitor bans",
    paging: { kind: 'since_id', pageSize: 100, maxPageSize: 1000 },
    listKey: ['visitor', 'ip_address'],
  }),

  // chats
  getOne('chat', 'Chat', 'Get a chat', 'Get one chat or offline message by its ID', '/chats/{chatId}', pathParam('chatId', 'Chat ID', 'ID of the chat, e.g. 2001.abcDEF'), `${DOCS}/chats/`),
  getAll('chat', 'Chat', 'chats', '/chats', `${DOCS}/chats/`, {
    description: 'List chats, page by page as Zendesk returns them (follows next_url)',
    paging: { kind: 'next_url' },
    listKey: 'chats',
    confirmed: false,
    unconfirmed: 'the page size and any filter, count or prev_url of GET /chats',
    aliases: [{ operation: 'getMany' }],
  }),
  {
    resource: 'chat',
    resourceName: 'Chat',
    operation: 'getByIds',
    name: 'Get by IDs',
    action: 'Get chats by IDs',
    description: 'Get several chats at once by their IDs',
    method: 'GET',
    path: '/chats',
    params: [{ name: 'chatIds', label: 'Chat IDs', kind: 'list', required: true, where: 'query', key: 'ids', description: 'IDs of the chats, separated by commas (at most 50 is safe)' }],
    paging: NONE,
    listKey: 'docs',
    returns: 'list',
    confirmed: false,
    unconfirmed: 'the most IDs per call and how unknown IDs come back; docs is an object keyed by ID (an array is accepted too)',
    aliases: [{ operation: 'getMany', ifParam: 'chatIds' }],
    docs: `${DOCS}/chats/`,
  },
  {
    resource: 'chat',
    resourceName: 'Chat',
    operation: 'search',
    name: 'Search',
    action: 'Search chats',
    description: 'Find chats with a search query (results carry id, timestamp, preview, type and url)',
    method: 'GET',
    path: '/chats/search',
    params: [
      {
        name: 'query',
        label: 'Query',
        kind: 'string',
        required: true,
        where: 'query',
        key: 'q',
        placeholder: 'visitor_email:someone@example.com',
        description: 'Free text or field searches, e.g. type:chat AND end_timestamp:[2024-01-01T00:00:00 TO 2024-01-15T00:00:00]',
      },
    ],
    paging: { kind: 'search' },
    listKey: 'results',
    returns: 'list',
    confirmed: true,
    docs: `${DOCS}/chats/`,
  },
  {
    resource: 'chat',
    resourceName: 'Chat',
    operation: 'incrementalExport',
    name: 'Incremental Export',
    action: 'Export chats changed since a time',
    description: 'Chats created or updated since a start time, oldest first',
    method: 'GET',
    path: '/incremental/chats',
    params: [startTime('chats created or updated', 'seconds'), START_ID, fields('chats')],
    paging: incremental('seconds'),
    listKey: 'chats',
    returns: 'list',
    confirmed: false,
    unconfirmed: 'whether next_page is null on the last page (the export stops on a short page instead)',
    aliases: [{ operation: 'incremental' }],
    docs: `${DOCS}/incremental_export/`,
  },

  // conversions (incremental)
  {
    resource: 'conversion',
    resourceName: 'Conversion',
    operation: 'incrementalExport',
    name: 'Incremental Export',
    action: 'Export goal conversions since a time',
    description: 'Goal conversions since a start time, oldest first',
    method: 'GET',
    path: '/incremental/conversions',
    params: [startTime('conversions', 'seconds'), START_ID, fields('conversions')],
    paging: incremental('seconds'),
    listKey: 'conversions',
    returns: 'list',
    confirmed: false,
    unconfirmed: 'whether the answer carries end_id besides count, end_time and next_page (both are handled)',
    docs: `${DOCS}/incremental_export/`,
  },

  // departments
  getOne('department', 'Department', 'Get a department', 'Get one department by ID', '/departments/{departmentId}', pathParam('departmentId', 'Department ID', 'Numeric ID of the department'), `${DOCS}/departments/`),
  getAll('department', 'Department', 'departments', '/departments', `${DOCS}/departments/`, { aliases: [{ operation: 'getMany' }] }),
  {
    resource: 'department',
    resourceName: 'Department',
    operation: 'getByName',
    name: 'Get by Name',
    action: 'Get a department by name',
    description: 'Get one department by its name',
    method: 'GET',
    path: '/departments/name/{departmentName}',
    params: [pathParam('departmentName', 'Department Name', 'Name of the department')],
    paging: NONE,
    returns: 'object',
    confirmed: true,
    docs: `${DOCS}/departments/`,
  },

  // department events (incremental)
  {
    resource: 'departmentEvent',
    resourceName: 'Department Event',
    operation: 'incrementalExport',
    name: 'Incremental Export',
    action: 'Export department events since a time',
    description: 'Changes to departments since a start time, oldest first',
    method: 'GET',
    path: '/incremental/department_events',
    params: [startTime('department events', 'seconds'), fields('department_events')],
    paging: incremental('seconds'),
    listKey: 'department_events',
    returns: 'list',
    confirmed: false,
    unconfirmed: 'whether the answer carries end_id, and the types of value and previous_value',
    docs: `${DOCS}/incremental_export/`,
  },

  // goals
  getOne('goal', 'Goal', 'Get a goal', 'Get one goal by ID', '/goals/{goalId}', pathParam('goalId', 'Goal ID', 'Numeric ID of the goal'), `${DOCS}/goals/`),
  getAll('goal', 'Goal', 'goals', '/goals', `${DOCS}/goals/`),

  // roles
  getOne('role', 'Role', 'Get a role', 'Get one role by ID', '/roles/{roleId}', pathParam('roleId', 'Role ID', 'Numeric ID of the role'), `${DOCS}/roles/`),
  getAll('role', 'Role', 'roles', '/roles', `${DOCS}/roles/`),

  // routing settings
  {
    resource: 'routingSettings',
    resourceName: 'Routing Settings',
    operation: 'get',
    name: 'Get',
    action: 'Get the account routing settings',
    description: "Get the account's chat routing settings (mode, chat limit, skill routing, reassignment, auto idle)",
    method: 'GET',
    path: '/routing_settings/account',
    params: [],
    paging: NONE,
    objectKey: 'data',
    returns: 'object',
    confirmed: true,
    docs: `${DOCS}/routing_settings/`,
  },

  // shortcuts
  getOne('shortcut', 'Shortcut', 'Get a shortcut', 'Get one shortcut by name (a shortcut\'s ID is its name)', '/shortcuts/{shortcutName}', pathParam('shortcutName', 'Shortcut Name', 'Name of the shortcut (also its ID)'), `${DOCS}/shortcuts/`),
  getAll('shortcut', 'Shortcut', 'shortcuts', '/shortcuts', `${DOCS}/shortcuts/`),

  // skills
  getOne('skill', 'Skill', 'Get a skill', 'Get one skill by ID', '/skills/{skillId}', pathParam('skillId', 'Skill ID', 'Numeric ID of the skill'), `${DOCS}/skills/`),
  getAll('skill', 'Skill', 'skills', '/skills', `${DOCS}/skills/`),
  {
    resource: 'skill',
    resourceName: 'Skill',
    operation: 'getByName',
    name: 'Get by Name',
    action: 'Get a skill by name',
    description: 'Get one skill by its name',
    method: 'GET',
    path: '/skills/name/{skillName}',
    params: [pathParam('skillName', 'Skill Name', 'Name of the skill')],
    paging: NONE,
    returns: 'object',
    confirmed: true,
    docs: `${DOCS}/skills/`,
  },

  // triggers
  getOne('trigger', 'Trigger', 'Get a trigger', 'Get one trigger by name', '/triggers/{triggerName}', pathParam('triggerName', 'Trigger Name', 'Name of the trigger'), `${DOCS}/triggers/`, {
    confirmed: false,
    unconfirmed: 'whether the numeric ID works in place of the name (the name is what the docs key on)',
  }),
  getAll('trigger', 'Trigger', 'triggers', '/triggers', `${DOCS}/triggers/`),

  // visitors (no list endpoint: visitors are found through chats[].visitor.id)
  getOne('visitor', 'Visitor', 'Get a visitor', 'Get one visitor by ID (found in a chat\'s visitor.id)', '/visitors/{visitorId}', pathParam('visitorId', 'Visitor ID', 'ID of the visitor, e.g. 1234567.abcdefGHIJKL'), `${DOCS}/visitors/`),
];

/** The catalog entry of a resource and operation, or one an earlier version saved (`aliases`). */
export function findZendeskChatOperation(
  resource: string,
  operation: string,
  hasValue: (param: string) => boolean = () => false,
  catalog: readonly ZendeskChatOperation[] = ZENDESK_CHAT_CATALOG,
): ZendeskChatOperation | undefined {
  const ofResource = catalog.filter((op) => op.resource === resource);
  const exact = ofResource.find((op) => op.operation === operation);
  if (exact) return exact;
  const aliased = ofResource.filter((op) => op.aliases?.some((a) => a.operation === operation));
  return aliased.find((op) => op.aliases?.some((a) => a.operation === operation && a.ifParam && hasValue(a.ifParam))) ?? aliased.find((op) => op.aliases?.some((a) => a.operation === operation && !a.ifParam));
}

/** Resources in catalog order, with their display names. */
export function zendeskChatResources(catalog: readonly ZendeskChatOperation[] = ZENDESK_CHAT_CATALOG): Array<{ value: string; name: string }> {
  const seen = new Map<string, string>();
  for (const op of catalog) if (!seen.has(op.resource)) seen.set(op.resource, op.resourceName);
  return [...seen].map(([value, name]) => ({ value, name }));
}

/** The operation a resource starts on: Get Many where there is one, else its first. */
export function defaultZendeskChatOperation(resource: string, catalog: readonly ZendeskChatOperation[] = ZENDESK_CHAT_CATALOG): string | undefined {
  const ops = catalog.filter((op) => op.resource === resource);
  return (ops.find((op) => op.operation === 'getAll') ?? ops[0])?.operation;
}
