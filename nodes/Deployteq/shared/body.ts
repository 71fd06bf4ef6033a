import type { IDataObject, INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

export type BodySource = 'item' | 'fields' | 'raw';

export interface FieldPair {
	name?: string;
	value?: unknown;
}

/** An object from name/value pairs; later names win, empty names are skipped. */
export function objectFromFields(pairs: FieldPair[] | undefined): IDataObject {
	const out: IDataObject = {};
	for (const pair of pairs ?? []) {
		const name = String(pair.name ?? '').trim();
		if (name) out[name] = pair.value as IDataObject[keyof IDataObject];
	}
	return out;
}

/** Parses the raw JSON parameter (text or an already parsed value) into an object or an array. */
export function parseRawBody(node: INode, value: unknown, itemIndex = 0): IDataObject | IDataObject[] {
	let parsed = value;
	if (typeof value === 'string') {
		try {
			parsed = JSON.parse(value);
		} catch {
			throw new NodeOperationError(node, 'The JSON body is not valid JSON', { itemIndex });
		}
	}
	if (parsed === null || typeof parsed !== 'object') {
		throw new NodeOperationError(node, 'The JSON body must be an object or an array of objects', { itemIndex });
	}
	return parsed as IDataObject | IDataObject[];
}

/** The records one delivery sends: arrays in batch mode are flattened into the batch. */
export function recordsOf(body: IDataObject | IDataObject[]): IDataObject[] {
	return Array.isArray(body) ? body : [body];
}
