import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { ZendeskChatApi, ZendeskChatValues } from '../../../lib/providers/zendesk-chat/api';
import { findZendeskChatOperation, type ZendeskChatOperation } from '../../../lib/providers/zendesk-chat/catalog';
import { hasLimit } from './properties';

/** Seconds since the epoch of a dateTime parameter (ISO text, Luxon DateTime or Date). */
export function unixSeconds(value: unknown): number {
	const ms = typeof value === 'number' ? value : value instanceof Date ? value.getTime() : Date.parse(String(value));
	if (!Number.isFinite(ms)) throw new TypeError('The start time is not a valid date');
	return Math.floor(ms / 1000);
}

/** The catalog entry of the node's resource and operation (names of earlier versions included). */
export function findOperation(resource: string, operation: string): ZendeskChatOperation | undefined {
	return findZendeskChatOperation(resource, operation);
}

/**
 * Runs one catalog operation for item `itemIndex`: its required parameters are fields of their
 * own, its optional ones come from Additional Fields, lists stop at Limit unless Return All.
 */
export async function runOperation(this: IExecuteFunctions, api: ZendeskChatApi, op: ZendeskChatOperation, itemIndex: number): Promise<unknown> {
	const values: ZendeskChatValues = {};
	const optional = op.params.filter((p) => !p.required);
	const additional = optional.length ? (this.getNodeParameter('additionalFields', itemIndex, {}) as IDataObject) : {};
	for (const param of op.params) {
		values[param.name] = param.required ? this.getNodeParameter(param.name, itemIndex, '') : additional[param.name];
	}
	const limit = hasLimit(op) && !this.getNodeParameter('returnAll', itemIndex, false) ? (this.getNodeParameter('limit', itemIndex, 50) as number) : undefined;
	return await api.run(op, values, { limit });
}

/** Output records of one operation result: arrays become one item per element. */
export function toRecords(result: unknown): IDataObject[] {
	if (Array.isArray(result)) return result.map((r) => (r && typeof r === 'object' ? (r as IDataObject) : { value: r as string }));
	if (result && typeof result === 'object') return [result as IDataObject];
	return result === undefined ? [] : [{ value: result as string }];
}
