// Deterministic Zendesk Chat account data besides chats, agents and departments: bans, goals,
// roles, routing settings, shortcuts, skills, triggers, visitors, and the agent timeline,
// conversion and department event exports. Everything derives from the chat data set (its seed,
// "now", agents, departments and chats), so a reset or a new seed gives the same answers again.
import { compareKey, isoSeconds, SKILL_ID_BASE, SKILL_NAMES, type ChatDataset } from './data';
import { alnum, between, int, pick, rngFor } from './prng';

const DAY = 86_400;
const SPAN = 30 * DAY;

export interface Ban {
  id: number;
  type: 'ip_address' | 'visitor';
  ip_address?: string;
  visitor_id?: string;
  visitor_name?: string;
  reason: string;
  created_at: string | null;
}

export interface TimelineEntry {
  agent_id: number;
  /** ISO-8601 with microseconds, as the real export has it. */
  start_time: string;
  status: 'online' | 'away' | 'invisible' | 'offline';
  duration: number;
  engagement_count: number;
}

export interface DepartmentEvent {
  id: string;
  department_id: number;
  timestamp: string;
  field_name: string;
  value: string;
  previous_value: string;
}

/** A time-ordered export: `keyAt(i)` is non-decreasing in `i`. */
export interface Timeline<T> {
  size: number;
  at(index: number): T;
  /** Sort key: a time in the export's unit (seconds or microseconds) and an id ('' when items have none). */
  keyAt(index: number): { time: number; id: string };
}

const BAN_REASONS = ['Spam', 'Abusive language', 'Repeated fake orders', 'Bot traffic', 'Phishing links'];
const GOALS = [
  { name: 'Checkout', description: 'Reached the order confirmation page', url: 'https://shop.example.test/orders/thanks', model: 'last_touch', period: 30 },
  { name: 'Newsletter signup', description: 'Subscribed to the newsletter', url: 'https://shop.example.test/newsletter/welcome', model: 'first_touch', period: 7 },
  { name: 'Demo request', description: 'Asked for a product demo', url: 'https://shop.example.test/demo/requested', model: 'last_touch', period: 14 },
] as const;
const SHORTCUTS = [
  { name: 'goodbye', message: 'Thanks for chatting with us, have a nice day!', options: '', scope: 'all', tags: ['closing'] },
  { name: 'greeting', message: 'Hi {{visitor.name}}, how can I help you?', options: '', scope: 'all', tags: ['opening'] },
  { name: 'order-status', message: 'Could you give me your order number?', options: 'Yes/No', scope: 'department', tags: ['order'] },
  { name: 'returns', message: 'You can start a return from the Returns page.', options: '', scope: 'agent', tags: ['refund', 'returns'] },
] as const;
const TRIGGERS = [
  {
    name: 'Greet returning visitors',
    description: 'Says hello to visitors who chatted before',
    event: 'chat_requested',
    condition: ['and', ['eq', 'visitor_previous_visits', 1], ['icontains', 'visitor_country_code', 'NL']],
    actions: [['sendMessageToVisitor', 'Support', 'Welcome back!']],
  },
  {
    name: 'Offer help on pricing',
    description: 'Offers help after 30 seconds on the pricing page',
    event: 'page_enter',
    condition: ['and', ['icontains', '@visitor_page_url', '/pricing'], ['stillOnSite', 30]],
    actions: [['sendMessageToVisitor', 'Sales', 'Questions about our plans?']],
  },
  {
    name: 'Tag VIP visitors',
    description: 'Tags chats of VIP visitors',
    event: 'chat_requested',
    condition: ['and', ['icontains', 'visitor_notes', 'VIP']],
    actions: [['addTag', 'vip']],
  },
] as const;
const ROLES = [
  { id: 1, name: 'Administrator', description: 'Full access to the account', admin: true },
  { id: 2, name: 'Agent', description: 'Chats with visitors', admin: false },
  { id: 3, name: 'Team lead', description: 'Agents who also monitor their team', admin: false },
] as const;
const STATUSES = ['online', 'away', 'online', 'invisible', 'online', 'offline'] as const;
const DEPARTMENT_FIELDS = ['description', 'enabled', 'members', 'settings.chat_enabled', 'name', 'members'] as const;

const BAN_ID_BASE = 9_100_000;
const GOAL_ID_BASE = 7_200_000;
const TRIGGER_ID_BASE = 8_300_000;
const BAN_COUNT = 15;
const TIMELINE_PER_AGENT = 8;
const EVENTS_PER_DEPARTMENT = 6;
/** Every tenth chat (index 3, 13, 23, …) has a goal conversion. */
const CONVERSION_EVERY = 10;
const CONVERSION_OFFSET = 3;

const cache = new WeakMap<ChatDataset, ZendeskAccountData>();

/** The account data of a chat data set (built once per data set). */
export function accountData(dataset: ChatDataset): ZendeskAccountData {
  let data = cache.get(dataset);
  if (!data) {
    data = new ZendeskAccountData(dataset);
    cache.set(dataset, data);
  }
  return data;
}

/** First index whose key is at or after (time, id) (`inclusive`), or after it. Binary search. */
export function firstIndexFrom<T>(timeline: Timeline<T>, time: number, id: string | null, inclusive: boolean): number {
  let lo = 0;
  let hi = timeline.size;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const key = timeline.keyAt(mid);
    const c = compareKey(key.time, key.id, time, id ?? '');
    if (inclusive ? c >= 0 : c > 0) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

export class ZendeskAccountData {
  readonly bans: Ban[];
  readonly goals: Array<Record<string, unknown> & { id: number }>;
  readonly roles: Array<Record<string, unknown> & { id: number }>;
  readonly shortcuts: Array<Record<string, unknown> & { id: string; name: string }>;
  readonly skills: Array<Record<string, unknown> & { id: number; name: string }>;
  readonly triggers: Array<Record<string, unknown> & { id: number; name: string }>;
  readonly routingSettings: Record<string, unknown>;
  readonly agentTimeline: Timeline<TimelineEntry>;
  readonly departmentEvents: Timeline<DepartmentEvent>;
  readonly conversions: Timeline<Record<string, unknown>>;
  private visitorIndex: Map<string, number> | undefined;

  constructor(private readonly d: ChatDataset) {
    const seed = d.seed;
    const agentIds = d.agents.map((a) => a.id);
    const departmentIds = d.departments.map((x) => x.id);

    this.bans = [];
    for (let k = 0; k < BAN_COUNT; k++) {
      const r = rngFor(seed, 20, k);
      const id = BAN_ID_BASE + 1 + k * 3 + int(r, 3);
      const created = k === 0 ? null : isoSeconds(d.startSec - 60 * DAY + k * 4 * DAY + int(r, DAY));
      const reason = pick(r, BAN_REASONS);
      if (k % 2 === 1 && d.seededCount > 0) {
        const chat = d.chatAt((k * 7) % d.seededCount);
        this.bans.push({ id, type: 'visitor', visitor_id: chat.visitor.id, visitor_name: chat.visitor.name, reason, created_at: created });
      } else {
        this.bans.push({ id, type: 'ip_address', ip_address: `198.51.100.${between(r, 1, 254)}`, reason, created_at: created });
      }
    }

    this.goals = GOALS.map((g, k) => ({
      id: GOAL_ID_BASE + k + 1,
      name: g.name,
      description: g.description,
      enabled: k !== 2,
      attribution_model: g.model,
      attribution_period: g.period,
      settings: { conditions: [{ type: 'url', operator: 'equals', value: g.url }] },
    }));

    this.roles = ROLES.map((role) => ({
      id: role.id,
      name: role.name,
      description: role.description,
      enabled: true,
      members_count: d.agents.filter((a) => a.role_id === role.id).length,
      permissions: {
        visitors_seen: 'account',
        proactive_chatting: role.admin ? 'account' : 'listen-only',
        view_past_chats: role.admin || role.id === 3 ? 'account' : 'department',
        manage_bans: role.admin ? 'account' : 'none',
        access_analytics: role.admin ? 'account' : 'none',
        view_monitor: role.admin || role.id === 3 ? 'account' : 'none',
        edit_department_agents: role.admin ? 'account' : 'none',
        set_agent_chat_limit: role.admin ? 'account' : 'none',
        manage_shortcuts: role.admin ? 'account' : 'none',
        edit_visitor_information: true,
        edit_visitor_notes: true,
        edit_chat_tags: true,
      },
    }));

    this.shortcuts = SHORTCUTS.map((s, k) => ({
      id: s.name,
      name: s.name,
      message: s.message,
      options: s.options,
      scope: s.scope,
      tags: [...s.tags],
      departments: s.scope === 'department' && departmentIds.length ? [departmentIds[k % departmentIds.length]] : [],
      agents: s.scope === 'agent' && agentIds.length > 1 ? [agentIds[1]] : [],
    }));

    this.skills = SKILL_NAMES.map((name, k) => {
      const id = SKILL_ID_BASE + k + 1;
      return { id, name, description: `Chats that need ${name}`, enabled: true, members: d.agents.filter((a) => a.skills.includes(id)).map((a) => a.id) };
    });

    this.triggers = TRIGGERS.map((t, k) => ({
      id: TRIGGER_ID_BASE + k + 1,
      name: t.name,
      description: t.description,
      enabled: k !== 1,
      definition: { event: t.event, condition: structuredClone(t.condition), actions: structuredClone(t.actions), version: 1, editor: 'advanced' },
    }));

    this.routingSettings = {
      routing_mode: 'assigned',
      chat_limit: { enabled: true, limit: 3, limit_type: 'account', allow_agent_override: false },
      skill_routing: { enabled: true, max_wait_time: 30 },
      reassignment: { enabled: true, timeout: 30 },
      auto_idle: { enabled: false, reassignments_before_idle: 3, new_status: 'away' },
      auto_accept: { enabled: false },
    };

    this.agentTimeline = this.buildTimeline();
    this.departmentEvents = this.buildDepartmentEvents();
    this.conversions = this.buildConversions();
  }

  /** The visitor of a chat, looked up by id (visitors have no list endpoint). */
  visitor(id: string): Record<string, unknown> | undefined {
    if (!this.visitorIndex) {
      this.visitorIndex = new Map();
      for (let i = 0; i < this.d.seededCount; i++) {
        const vid = this.d.chatAt(i).visitor.id;
        if (!this.visitorIndex.has(vid)) this.visitorIndex.set(vid, i);
      }
    }
    let index = this.visitorIndex.get(id);
    if (index === undefined) {
      for (let i = this.d.seededCount; i < this.d.size && index === undefined; i++) if (this.d.chatAt(i).visitor.id === id) index = i;
    }
    if (index === undefined) return undefined;
    const chat = this.d.chatAt(index);
    return {
      id: chat.visitor.id,
      name: chat.visitor.name,
      email: chat.visitor.email,
      phone: chat.visitor.phone,
      notes: chat.visitor.notes,
      banned: this.bans.some((b) => b.visitor_id === chat.visitor.id),
      created: chat.timestamp,
      external_id: '',
    };
  }

  private buildTimeline(): Timeline<TimelineEntry> {
    const d = this.d;
    const entries: Array<TimelineEntry & { us: number }> = [];
    d.agents.forEach((agent, a) => {
      for (let j = 0; j < TIMELINE_PER_AGENT; j++) {
        const r = rngFor(d.seed, 21, a * 1000 + j);
        const sec = d.startSec + Math.floor(((j + r()) * SPAN) / TIMELINE_PER_AGENT);
        const us = sec * 1_000_000 + int(r, 1_000_000);
        const status = STATUSES[(a + j) % STATUSES.length];
        entries.push({ us, agent_id: agent.id, start_time: '', status, duration: Math.round(between(r, 60, 4 * 3600) * 1e6 + int(r, 1e6)) / 1e6, engagement_count: status === 'online' ? between(r, 0, 12) : 0 });
      }
    });
    entries.sort((x, y) => x.us - y.us || x.agent_id - y.agent_id);
    for (let i = 1; i < entries.length; i++) if (entries[i].us <= entries[i - 1].us) entries[i].us = entries[i - 1].us + 1;
    for (const e of entries) e.start_time = isoMicros(e.us);
    return {
      size: entries.length,
      at: (i) => {
        const { us: _us, ...entry } = entries[i];
        return entry;
      },
      keyAt: (i) => ({ time: entries[i].us, id: '' }),
    };
  }

  private buildDepartmentEvents(): Timeline<DepartmentEvent> {
    const d = this.d;
    const events: Array<DepartmentEvent & { sec: number }> = [];
    d.departments.forEach((department, k) => {
      let members = department.members.slice(0, 1);
      for (let j = 0; j < EVENTS_PER_DEPARTMENT; j++) {
        const r = rngFor(d.seed, 22, k * 1000 + j);
        const sec = d.startSec + Math.floor(((j + r()) * SPAN) / EVENTS_PER_DEPARTMENT);
        const field = DEPARTMENT_FIELDS[j % DEPARTMENT_FIELDS.length];
        let value: string;
        let previous: string;
        if (field === 'members') {
          previous = members.join(',');
          members = department.members.slice(0, Math.min(department.members.length, members.length + 1));
          value = members.join(',');
        } else if (field === 'enabled' || field === 'settings.chat_enabled') {
          previous = j % 2 ? 'true' : 'false';
          value = j % 2 ? 'false' : 'true';
        } else if (field === 'name') {
          previous = `${department.name} team`;
          value = department.name;
        } else {
          previous = '';
          value = department.description;
        }
        events.push({ sec, id: '', department_id: department.id, timestamp: '', field_name: field, value, previous_value: previous });
      }
    });
    events.sort((x, y) => x.sec - y.sec || x.department_id - y.department_id);
    // distinct seconds: this export pages on the time alone (no end_id), as the sandbox emulates it
    for (let i = 1; i < events.length; i++) if (events[i].sec <= events[i - 1].sec) events[i].sec = events[i - 1].sec + 1;
    events.forEach((e, i) => {
      e.timestamp = isoSeconds(e.sec);
      e.id = `${e.sec}.${String(i).padStart(6, '0')}.${alnum(rngFor(d.seed, 23, i), 6)}`;
    });
    return {
      size: events.length,
      at: (i) => {
        const { sec: _sec, ...event } = events[i];
        return event;
      },
      keyAt: (i) => ({ time: events[i].sec, id: '' }),
    };
  }

  private buildConversions(): Timeline<Record<string, unknown>> {
    const d = this.d;
    const size = d.seededCount > CONVERSION_OFFSET ? Math.floor((d.seededCount - 1 - CONVERSION_OFFSET) / CONVERSION_EVERY) + 1 : 0;
    const chatIndex = (k: number) => k * CONVERSION_EVERY + CONVERSION_OFFSET;
    const idOf = (k: number) => `2406C.${String(k).padStart(8, '0')}.${alnum(rngFor(d.seed, 24, k), 8)}`;
    return {
      size,
      at: (k) => {
        const chat = d.chatAt(chatIndex(k));
        const goal = this.goals[k % this.goals.length];
        const agentId = chat.agent_ids.length ? Number(chat.agent_ids[0]) : null;
        return {
          id: idOf(k),
          timestamp: chat.update_timestamp,
          goal_id: goal.id,
          goal_name: goal.name,
          attribution: {
            agent_id: agentId,
            agent_name: chat.agent_names[0] ?? null,
            department_id: chat.department_id,
            department_name: chat.department_name,
            chat_id: chat.id,
            chat_timestamp: chat.timestamp,
          },
        };
      },
      keyAt: (k) => ({ time: d.updateSecAt(chatIndex(k)), id: idOf(k) }),
    };
  }
}

/** Microseconds since the epoch → "YYYY-MM-DDTHH:MM:SS.ffffffZ". */
export function isoMicros(us: number): string {
  const sec = Math.floor(us / 1_000_000);
  return `${isoSeconds(sec).slice(0, -1)}.${String(us - sec * 1_000_000).padStart(6, '0')}Z`;
}
