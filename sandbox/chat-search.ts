// The Zendesk Chat search syntax subset: free text, field:value, field:[from TO to], joined by AND.
import type { Chat } from './data';

type Term =
  | { kind: 'text'; words: string[] }
  | { kind: 'field'; field: string; value: string }
  | { kind: 'range'; field: 'timestamp' | 'end_timestamp' | 'update_timestamp'; from: number; to: number };

const FIELDS = new Set(['visitor_email', 'visitor_name', 'type', 'department_id', 'department_name', 'tags', 'tag', 'rating', 'id', 'agent_names', 'missed']);
const RANGE_FIELDS = new Set(['timestamp', 'end_timestamp', 'update_timestamp']);

function unquote(value: string): string {
  const v = value.trim();
  return v.length >= 2 && v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1) : v;
}

function parseDate(value: string, open: number): number {
  const v = value.trim();
  if (v === '*') return open;
  const withZone = /[zZ]|[+-]\d\d:?\d\d$/.test(v) || !/T/.test(v) ? v : `${v}Z`;
  const ms = Date.parse(withZone);
  if (Number.isNaN(ms)) throw new Error(`Invalid date in search range: ${value}`);
  return ms;
}

export function parseSearch(q: string): Term[] {
  const terms: Term[] = [];
  for (const part of q.split(/\s+AND\s+/)) {
    const text = part.trim();
    if (!text) continue;
    const m = /^([a-z_]+):(.+)$/i.exec(text);
    const field = m ? m[1].toLowerCase() : '';
    if (m && RANGE_FIELDS.has(field)) {
      const range = /^\[(.+?)\s+TO\s+(.+?)\]$/.exec(m[2].trim());
      if (range) {
        terms.push({ kind: 'range', field: field as 'timestamp', from: parseDate(range[1], -Infinity), to: parseDate(range[2], Infinity) });
        continue;
      }
    }
    if (m && FIELDS.has(field)) {
      terms.push({ kind: 'field', field, value: unquote(m[2]).toLowerCase() });
      continue;
    }
    const words = unquote(text)
      .toLowerCase()
      .split(/\s+/)
      .filter((w) => w !== '');
    if (words.length) terms.push({ kind: 'text', words });
  }
  return terms;
}

function fieldMatches(chat: Chat, field: string, value: string): boolean {
  switch (field) {
    case 'visitor_email':
      return chat.visitor.email.toLowerCase() === value;
    case 'visitor_name':
      return chat.visitor.name.toLowerCase().includes(value);
    case 'type':
      return chat.type === value;
    case 'department_id':
      return String(chat.department_id) === value;
    case 'department_name':
      return (chat.department_name ?? '').toLowerCase() === value;
    case 'tags':
    case 'tag':
      return chat.tags.includes(value);
    case 'rating':
      return String(chat.rating) === value;
    case 'id':
      return chat.id.toLowerCase() === value;
    case 'agent_names':
      return chat.agent_names.some((n) => n.toLowerCase().includes(value));
    case 'missed':
      return String(chat.missed) === value;
    default:
      return false;
  }
}

function haystack(chat: Chat): string {
  const parts = [chat.visitor.name, chat.visitor.email, chat.message ?? ''];
  for (const h of chat.history) if (h.msg) parts.push(h.msg);
  return parts.join('\n').toLowerCase();
}

export function matches(chat: Chat, terms: Term[]): boolean {
  let text: string | null = null;
  for (const term of terms) {
    if (term.kind === 'field') {
      if (!fieldMatches(chat, term.field, term.value)) return false;
    } else if (term.kind === 'range') {
      const t = Date.parse(chat[term.field]);
      if (t < term.from || t > term.to) return false;
    } else {
      text ??= haystack(chat);
      const t = text;
      if (!term.words.every((w) => t.includes(w))) return false;
    }
  }
  return true;
}

export function preview(chat: Chat): string {
  const first = chat.message ?? chat.history.find((h) => h.sender_type === 'Visitor')?.msg ?? '';
  return first.length > 100 ? `${first.slice(0, 97)}...` : first;
}
