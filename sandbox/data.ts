// Deterministic Zendesk Chat data: agents, departments and chats generated on demand from their
// index (cheap enough for 100,000+ chats: nothing but added chats is kept in memory).
import { alnum, between, int, pick, rngFor, type Rng } from './prng';

export interface ChatVisitor {
  id: string;
  name: string;
  email: string;
  phone: string;
  notes: string;
}

export interface ChatSession {
  browser: string;
  city: string;
  country_code: string;
  country_name: string;
  end_date: string;
  id: string;
  ip: string;
  platform: string;
  region: string;
  start_date: string;
  user_agent: string;
}

export interface ChatHistoryEntry {
  index: number;
  type: 'chat.memberjoin' | 'chat.msg' | 'chat.memberleave';
  name: string;
  nick: string;
  timestamp: string;
  channel: string;
  msg?: string;
  msg_id?: string;
  sender_type?: 'Visitor' | 'Agent';
  agent_id?: string;
  options?: string;
}

export interface WebpathEntry {
  from: string;
  timestamp: string;
  title: string;
  to: string;
}

export interface Chat {
  id: string;
  type: 'chat' | 'offline_msg';
  timestamp: string;
  update_timestamp: string;
  end_timestamp: string;
  visitor: ChatVisitor;
  session: ChatSession;
  department_id: number | null;
  department_name: string | null;
  history: ChatHistoryEntry[];
  count: { visitor: number; agent: number; total: number };
  duration: number;
  response_time: { first: number; avg: number; max: number } | null;
  agent_ids: string[];
  agent_names: string[];
  tags: string[];
  rating: 'good' | 'bad' | null;
  comment: string | null;
  missed: boolean;
  started_by: 'visitor' | 'agent';
  triggered: boolean;
  webpath: WebpathEntry[];
  conversions: unknown[];
  zendesk_ticket_id: number | null;
  /** offline_msg only */
  message?: string;
  unread?: boolean;
}

export interface Agent {
  id: number;
  first_name: string;
  last_name: string;
  display_name: string;
  email: string;
  enabled: boolean;
  role_id: number;
  roles: { administrator: boolean; owner: boolean };
  departments: number[];
  skills: number[];
  create_date: string;
  last_login: string;
}

export interface Department {
  id: number;
  name: string;
  description: string;
  enabled: boolean;
  members: number[];
  settings: { chat_enabled: boolean; support_group_id: number };
}

export interface DatasetParams {
  seed: number;
  chatCount: number;
  agentCount: number;
  departmentCount: number;
  /** Epoch ms; null = now. */
  now: number | null;
  subdomain: string;
  userEmail: string;
}

const FIRST = ['Anna', 'Bram', 'Chloe', 'Daan', 'Eva', 'Finn', 'Grace', 'Hugo', 'Iris', 'Jesse', 'Kim', 'Lars', 'Mila', 'Noah', 'Olivia', 'Pim', 'Quinn', 'Ruby', 'Sem', 'Tess', 'Umar', 'Vera', 'Wout', 'Xena', 'Yara', 'Zoe'];
const LAST = ['Jansen', 'de Vries', 'Bakker', 'Visser', 'Smit', 'Meijer', 'Mulder', 'Bos', 'Vos', 'Peters', 'Hendriks', 'Dekker', 'Brouwer', 'Dijkstra', 'Smith', 'Garcia', 'Muller', 'Rossi', 'Novak', 'Kowalski'];
const LOCATIONS = [
  { city: 'Amsterdam', region: 'North Holland', country_code: 'NL', country_name: 'Netherlands' },
  { city: 'Utrecht', region: 'Utrecht', country_code: 'NL', country_name: 'Netherlands' },
  { city: 'Antwerp', region: 'Flanders', country_code: 'BE', country_name: 'Belgium' },
  { city: 'Berlin', region: 'Berlin', country_code: 'DE', country_name: 'Germany' },
  { city: 'London', region: 'England', country_code: 'GB', country_name: 'United Kingdom' },
  { city: 'Lyon', region: 'Auvergne-Rhone-Alpes', country_code: 'FR', country_name: 'France' },
];
const BROWSERS = [
  { browser: 'Chrome 126', platform: 'Windows', user_agent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/126.0 Safari/537.36' },
  { browser: 'Firefox 127', platform: 'Linux', user_agent: 'Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0' },
  { browser: 'Safari 17', platform: 'Mac OS', user_agent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) Version/17.5 Safari/605.1.15' },
  { browser: 'Mobile Safari 17', platform: 'iOS', user_agent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) Mobile/15E148' },
];
const PAGES = [
  { url: 'https://shop.example.test/', title: 'Home' },
  { url: 'https://shop.example.test/pricing', title: 'Pricing' },
  { url: 'https://shop.example.test/orders', title: 'My orders' },
  { url: 'https://shop.example.test/returns', title: 'Returns' },
  { url: 'https://shop.example.test/contact', title: 'Contact' },
];
const VISITOR_MSGS = [
  'Hi, where is my order?',
  'Can I change my delivery address?',
  'How do I return a product?',
  'My invoice shows the wrong amount',
  'Do you ship to Belgium?',
  'The discount code does not work',
  'I cannot log in to my account',
  'Is the blue model back in stock?',
  'Thanks, that helps!',
  'Could you send me the tracking link?',
];
const AGENT_MSGS = [
  'Hello! Let me check that for you.',
  'Could you give me your order number?',
  'I have updated the address for you.',
  'You can start a return from the Returns page.',
  'I have sent you a corrected invoice.',
  'Yes, we ship to Belgium within 2 days.',
  'I have reset your password link.',
  'Is there anything else I can help with?',
];
const OFFLINE_MSGS = [
  'Please call me back about my refund.',
  'I would like a quote for 50 units.',
  'My package arrived damaged.',
  'Do you have a store in Rotterdam?',
];
const NOTES = ['Returning customer', 'VIP', 'Asked for a callback'];
const TAGS = ['order', 'refund', 'shipping', 'billing', 'vip', 'login', 'stock', 'complaint'];
const COMMENTS = ['Very helpful, thanks', 'Quick answer', 'Took too long', 'Problem not solved'];
const DEPARTMENT_NAMES = ['Sales', 'Support', 'Billing', 'Technical', 'Returns', 'Partners', 'Logistics', 'Marketing'];

const DAY = 86_400;
const SPAN = 30 * DAY;
const ID_PREFIX = '2406';
const AGENT_ID_BASE = 361_000_000;
const DEPARTMENT_ID_BASE = 3_600_100;
/** Skills of the account (ids SKILL_ID_BASE + 1…); agents hold them as below, zendesk-data.ts lists them. */
export const SKILL_NAMES = ['English', 'Dutch', 'German', 'Billing'] as const;
export const SKILL_ID_BASE = 5_100_000;

/** Skill ids of agent number `k`: the owner has all, the others one language, every third also Billing. */
export function skillsOfAgent(k: number): number[] {
  if (k === 0) return SKILL_NAMES.map((_, i) => SKILL_ID_BASE + i + 1);
  const skills = [SKILL_ID_BASE + (k % 3) + 1];
  if (k % 3 === 0) skills.push(SKILL_ID_BASE + 4);
  return skills;
}

// Formatting dates is the hot path of chat generation: cache the date part per day.
const dayPrefixes = new Map<number, string>();

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** Unix seconds → "YYYY-MM-DDTHH:MM:SSZ". */
export function isoSeconds(sec: number): string {
  const whole = Math.floor(sec);
  const day = Math.floor(whole / DAY);
  let prefix = dayPrefixes.get(day);
  if (prefix === undefined) {
    prefix = new Date(day * DAY * 1000).toISOString().slice(0, 11);
    if (dayPrefixes.size > 10_000) dayPrefixes.clear();
    dayPrefixes.set(day, prefix);
  }
  const rest = whole - day * DAY;
  return `${prefix}${pad2(Math.floor(rest / 3600))}:${pad2(Math.floor((rest % 3600) / 60))}:${pad2(rest % 60)}Z`;
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Chats sort by (update time, id); ids are zero-padded so string order follows the index. */
export function compareKey(aSec: number, aId: string, bSec: number, bId: string): number {
  if (aSec !== bSec) return aSec < bSec ? -1 : 1;
  return aId < bId ? -1 : aId > bId ? 1 : 0;
}

export class ChatDataset {
  readonly nowSec: number;
  readonly startSec: number;
  readonly agents: Agent[];
  readonly departments: Department[];
  private readonly added: Chat[] = [];
  private readonly addedById = new Map<string, Chat>();

  constructor(private readonly p: DatasetParams) {
    this.nowSec = Math.floor((p.now ?? Date.now()) / 1000);
    this.startSec = this.nowSec - SPAN;
    this.departments = this.makeDepartments();
    this.agents = this.makeAgents();
  }

  /** The seed of the PRNG (other Zendesk data derives from it too). */
  get seed(): number {
    return this.p.seed;
  }

  get seededCount(): number {
    return this.p.chatCount;
  }

  get size(): number {
    return this.p.chatCount + this.added.length;
  }

  /** The owner/admin (creator of API clients; /agents/me for client credentials). */
  get admin(): Agent {
    return this.agents[0];
  }

  agentByEmail(email: string): Agent | undefined {
    const e = email.toLowerCase();
    return this.agents.find((a) => a.email.toLowerCase() === e);
  }

  idAt(index: number): string {
    if (index >= this.p.chatCount) return this.added[index - this.p.chatCount].id;
    return this.makeId(index);
  }

  /** Update time (unix s) of chat `index`; non-decreasing in the index. */
  updateSecAt(index: number): number {
    if (index >= this.p.chatCount) return Date.parse(this.added[index - this.p.chatCount].update_timestamp) / 1000;
    const jitter = rngFor(this.p.seed, 3, index)();
    return this.startSec + Math.floor(((index + jitter) * SPAN) / this.p.chatCount);
  }

  chatAt(index: number): Chat {
    if (index >= this.p.chatCount) return structuredClone(this.added[index - this.p.chatCount]);
    return this.generate(index, this.updateSecAt(index));
  }

  findById(id: string): Chat | undefined {
    const addedChat = this.addedById.get(id);
    if (addedChat) return structuredClone(addedChat);
    const m = /^\d{4}\.(\d{8})\.[A-Za-z0-9]{10}$/.exec(id);
    if (!m) return undefined;
    const index = Number(m[1]);
    if (index >= this.p.chatCount || this.makeId(index) !== id) return undefined;
    return this.generate(index, this.updateSecAt(index));
  }

  /** Index of the first chat whose key is after (startSec, startId); startId null = at or after startSec. */
  firstIndexAfter(startSec: number, startId: string | null): number {
    const after = (i: number): boolean => {
      const c = compareKey(this.updateSecAt(i), this.idAt(i), startSec, startId ?? '');
      return startId === null ? c >= 0 : c > 0;
    };
    let lo = 0;
    let hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (after(mid)) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  addChat(partial: Partial<Chat> = {}): Chat {
    const index = this.size;
    const last = index > 0 ? this.updateSecAt(index - 1) : 0;
    const updateSec = Math.max(Math.floor(Date.now() / 1000), this.nowSec, last);
    const chat = this.generate(index, updateSec);
    const merged: Chat = { ...chat, ...structuredClone(partial), id: chat.id, update_timestamp: chat.update_timestamp };
    this.added.push(merged);
    this.addedById.set(merged.id, merged);
    return structuredClone(merged);
  }

  account(): Record<string, unknown> {
    const sub = this.p.subdomain;
    return {
      account_key: `${sub}-sandbox-account`,
      status: 'active',
      create_date: isoSeconds(this.nowSec - 400 * DAY),
      billing: {
        company: `${cap(sub)} Inc.`,
        first_name: this.admin.first_name,
        last_name: this.admin.last_name,
        email: this.admin.email,
        phone: '+31 20 000 0000',
        address1: 'Sandboxstraat 1',
        city: 'Amsterdam',
        postal_code: '1000 AA',
        country_code: 'NL',
        state: '',
        additional_info: '',
      },
      plan: {
        name: 'enterprise',
        price: 0,
        max_agents: this.agents.length,
        max_departments: this.departments.length,
        max_concurrent_chats: 'unlimited',
        max_history_search_days: 'unlimited',
        analytics: true,
        file_upload: true,
        rest_api: true,
        widget_customization: 'full',
        unbranding: true,
      },
    };
  }

  private makeId(index: number): string {
    return `${ID_PREFIX}.${String(index).padStart(8, '0')}.${alnum(rngFor(this.p.seed, 2, index), 10)}`;
  }

  private makeDepartments(): Department[] {
    const out: Department[] = [];
    for (let k = 0; k < this.p.departmentCount; k++) {
      const base = DEPARTMENT_NAMES[k % DEPARTMENT_NAMES.length];
      const name = k < DEPARTMENT_NAMES.length ? base : `${base} ${Math.floor(k / DEPARTMENT_NAMES.length) + 1}`;
      out.push({
        id: DEPARTMENT_ID_BASE + k + 1,
        name,
        description: `${name} team`,
        enabled: true,
        members: [],
        settings: { chat_enabled: true, support_group_id: 0 },
      });
    }
    return out;
  }

  private makeAgents(): Agent[] {
    const sub = this.p.subdomain;
    const out: Agent[] = [];
    const used = new Set<string>();
    for (let k = 0; k < this.p.agentCount; k++) {
      const r = rngFor(this.p.seed, 4, k);
      let first: string;
      let last: string;
      let email: string;
      if (k === 0) {
        [first, last, email] = ['Ada', 'Admin', `admin@${sub}.test`];
      } else if (k === 1) {
        [first, last, email] = ['Alex', 'Agent', this.p.userEmail];
      } else {
        first = pick(r, FIRST);
        last = pick(r, LAST);
        email = `${first}.${last.replace(/\s+/g, '')}@${sub}.test`.toLowerCase();
        if (used.has(email)) email = email.replace('@', `${k}@`);
      }
      used.add(email);
      const id = AGENT_ID_BASE + k + 1;
      const departments = this.departments.length ? (k === 0 ? this.departments.map((d) => d.id) : [this.departments[k % this.departments.length].id]) : [];
      for (const d of this.departments) if (departments.includes(d.id)) d.members.push(id);
      out.push({
        id,
        first_name: first,
        last_name: last,
        display_name: `${first} ${last}`,
        email,
        enabled: k === 0 || r() > 0.1,
        role_id: k === 0 ? 1 : 2,
        roles: { administrator: k === 0, owner: k === 0 },
        departments,
        skills: skillsOfAgent(k),
        create_date: isoSeconds(this.nowSec - (300 - k) * DAY),
        last_login: isoSeconds(this.nowSec - int(r, 3 * DAY)),
      });
    }
    return out;
  }

  private generate(index: number, updateSec: number): Chat {
    const r = rngFor(this.p.seed, 1, index);
    const offline = r() < 0.1;
    const first = pick(r, FIRST);
    const last = pick(r, LAST);
    const visitor: ChatVisitor = {
      id: `${between(r, 1_000_000, 9_999_999)}.${alnum(r, 12)}`,
      name: `${first} ${last}`,
      email: `${first}.${last.replace(/\s+/g, '')}${index}@example.test`.toLowerCase(),
      phone: r() < 0.35 ? `+31 6 ${between(r, 10_000_000, 99_999_999)}` : '',
      notes: r() < 0.08 ? pick(r, NOTES) : '',
    };
    const department = this.departments.length && r() < 0.85 ? pick(r, this.departments) : null;
    const location = pick(r, LOCATIONS);
    const browser = pick(r, BROWSERS);
    const tagCount = int(r, 4);
    const tags: string[] = [];
    for (let t = 0; t < tagCount; t++) {
      const tag = pick(r, TAGS);
      if (!tags.includes(tag)) tags.push(tag);
    }
    const ratingRoll = r();
    const rating = offline ? null : ratingRoll < 0.4 ? 'good' : ratingRoll < 0.5 ? 'bad' : null;
    const comment = rating && r() < 0.5 ? pick(r, COMMENTS) : null;

    let startSec: number;
    let endSec: number;
    const chatPart = offline ? null : this.conversation(r, index, updateSec, department, visitor.name);
    if (chatPart) {
      startSec = chatPart.startSec;
      endSec = chatPart.endSec;
    } else {
      startSec = updateSec - between(r, 0, 600);
      endSec = startSec;
    }
    const webpath = this.webpath(r, startSec);
    const session: ChatSession = {
      browser: browser.browser,
      city: location.city,
      country_code: location.country_code,
      country_name: location.country_name,
      end_date: isoSeconds(endSec),
      id: `${isoSeconds(startSec).slice(2, 10).replace(/-/g, '')}.${alnum(r, 12)}`,
      ip: `203.0.113.${between(r, 1, 254)}`,
      platform: browser.platform,
      region: location.region,
      start_date: isoSeconds(startSec),
      user_agent: browser.user_agent,
    };
    const chat: Chat = {
      id: this.makeId(index),
      type: offline ? 'offline_msg' : 'chat',
      timestamp: isoSeconds(startSec),
      update_timestamp: isoSeconds(updateSec),
      end_timestamp: isoSeconds(endSec),
      visitor,
      session,
      department_id: department ? department.id : null,
      department_name: department ? department.name : null,
      history: chatPart ? chatPart.history : [],
      count: chatPart ? chatPart.count : { visitor: 0, agent: 0, total: 0 },
      duration: endSec - startSec,
      response_time: chatPart ? chatPart.responseTime : null,
      agent_ids: chatPart ? chatPart.agents.map((a) => String(a.id)) : [],
      agent_names: chatPart ? chatPart.agents.map((a) => a.display_name) : [],
      tags,
      rating,
      comment,
      missed: chatPart ? chatPart.agents.length === 0 : false,
      started_by: 'visitor',
      triggered: false,
      webpath,
      conversions: [],
      zendesk_ticket_id: null,
    };
    if (offline) {
      chat.message = pick(r, OFFLINE_MSGS);
      chat.unread = r() < 0.3;
      chat.zendesk_ticket_id = r() < 0.5 ? 10_000 + index : null;
    }
    return chat;
  }

  private webpath(r: Rng, startSec: number): WebpathEntry[] {
    const n = between(r, 1, 3);
    const out: WebpathEntry[] = [];
    let from = '';
    for (let k = 0; k < n; k++) {
      const page = pick(r, PAGES);
      out.push({ from, timestamp: isoSeconds(startSec - (n - k) * 45), title: page.title, to: page.url });
      from = page.url;
    }
    return out;
  }

  private conversation(r: Rng, index: number, updateSec: number, department: Department | null, visitorName: string) {
    const missed = r() < 0.06;
    const pool = department && department.members.length ? department.members : this.agents.map((a) => a.id);
    const agents: Agent[] = [];
    if (!missed && this.agents.length) {
      const n = r() < 0.85 ? 1 : 2;
      for (let k = 0; k < n; k++) {
        const id = pick(r, pool);
        const agent = this.agents.find((a) => a.id === id);
        if (agent && !agents.includes(agent)) agents.push(agent);
      }
    }
    const endSec = updateSec - between(r, 0, 120);
    const duration = between(r, 60, 1800);
    const startSec = endSec - duration;
    const messages = missed ? between(r, 1, 2) : between(r, 2, 9);
    const history: ChatHistoryEntry[] = [];
    const push = (e: Omit<ChatHistoryEntry, 'index' | 'channel'>) => history.push({ index: history.length, channel: `#${index}`, ...e });
    push({ type: 'chat.memberjoin', name: visitorName, nick: 'visitor', timestamp: isoSeconds(startSec) });
    let visitorCount = 0;
    let agentCount = 0;
    let lastVisitorSec = startSec;
    const responses: number[] = [];
    const joined = new Set<number>();
    for (let k = 0; k < messages; k++) {
      const t = startSec + Math.floor(((k + 1) * duration) / (messages + 1));
      const fromAgent = agents.length > 0 && k > 0 && (k % 2 === 1 || r() < 0.3);
      if (fromAgent) {
        const agent = agents[Math.min(agents.length - 1, int(r, agents.length))];
        if (!joined.has(agent.id)) {
          joined.add(agent.id);
          push({ type: 'chat.memberjoin', name: agent.display_name, nick: `agent:${agent.id}`, timestamp: isoSeconds(t - 1) });
        }
        push({ type: 'chat.msg', name: agent.display_name, nick: `agent:${agent.id}`, msg: pick(r, AGENT_MSGS), msg_id: alnum(r, 8), sender_type: 'Agent', agent_id: String(agent.id), options: '', timestamp: isoSeconds(t) });
        responses.push(t - lastVisitorSec);
        agentCount++;
      } else {
        push({ type: 'chat.msg', name: visitorName, nick: 'visitor', msg: pick(r, VISITOR_MSGS), msg_id: alnum(r, 8), sender_type: 'Visitor', options: '', timestamp: isoSeconds(t) });
        lastVisitorSec = t;
        visitorCount++;
      }
    }
    push({ type: 'chat.memberleave', name: visitorName, nick: 'visitor', timestamp: isoSeconds(endSec) });
    const responseTime = responses.length
      ? { first: responses[0], avg: Math.round(responses.reduce((a, b) => a + b, 0) / responses.length), max: Math.max(...responses) }
      : { first: 0, avg: 0, max: 0 };
    return {
      startSec,
      endSec,
      agents,
      history,
      count: { visitor: visitorCount, agent: agentCount, total: visitorCount + agentCount },
      responseTime,
    };
  }
}
