import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { collect, type ZendeskChatApi } from '../../../lib/providers/zendesk-chat/api';

type Operation = (this: IExecuteFunctions, api: ZendeskChatApi, itemIndex: number) => Promise<unknown>;

function limitOf(context: IExecuteFunctions, itemIndex: number): number | undefined {
	return context.getNodeParameter('returnAll', itemIndex, false) ? undefined : (context.getNodeParameter('limit', itemIndex, 50) as number);
}

/** Seconds since the epoch of a dateTime parameter (ISO text, Luxon DateTime or Date). */
export function unixSeconds(value: unknown): number {
	const ms = typeof value === 'number' ? value : value instanceof Date ? value.getTime() : Date.parse(String(value));
	if (!Number.isFinite(ms)) throw new TypeError('The start time is not a valid date');
	return Math.floor(ms / 1000);
}

async function* incrementalChats(api: ZendeskChatApi, startTime: number, pageSize: number): AsyncGenerator<IDataObject[]> {
	for await (const page of api.incrementalPages({ startTime, limit: pageSize, fields: 'chats(*)' })) yield page.chats as IDataObject[];
}

const OPERATIONS: Record<string, Record<string, Operation>> = {
	chat: {
		async get(api, i) {
			return await api.getChat(this.getNodeParameter('chatId', i) as string);
		},
		async getAll(api, i) {
			return await collect(api.chatPages(), limitOf(this, i));
		},
		async search(api, i) {
			return await collect(api.searchPages(this.getNodeParameter('query', i) as string), limitOf(this, i));
		},
		async incrementalExport(api, i) {
			const limit = limitOf(this, i);
			const startTime = unixSeconds(this.getNodeParameter('startTime', i));
			return await collect(incrementalChats(api, startTime, Math.min(limit ?? 1000, 1000)), limit);
		},
	},
	agent: {
		async get(api, i) {
			return await api.getAgent(String(this.getNodeParameter('agentId', i)));
		},
		async getAll(api, i) {
			return await collect(api.agentPages(), limitOf(this, i));
		},
	},
	department: {
		async get(api, i) {
			return await api.getDepartment(String(this.getNodeParameter('departmentId', i)));
		},
		async getAll(api, i) {
			const all = await api.departments();
			const list = Array.isArray(all) ? (all as IDataObject[]) : [];
			const limit = limitOf(this, i);
			return limit === undefined ? list : list.slice(0, limit);
		},
	},
	account: {
		async get(api) {
			return await api.account();
		},
	},
};

export function findOperation(resource: string, operation: string): Operation | undefined {
	return OPERATIONS[resource]?.[operation];
}

/** Output records of one operation result: arrays become one item per element. */
export function toRecords(result: unknown): IDataObject[] {
	if (Array.isArray(result)) return result.map((r) => (r && typeof r === 'object' ? (r as IDataObject) : { value: r as string }));
	if (result && typeof result === 'object') return [result as IDataObject];
	return result === undefined ? [] : [{ value: result as string }];
}
