import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { groupBySize, recordsBytes, triggerDeployteqWebhook, type WebhookResult } from '../../../../lib/providers/deployteq';
import { runBoundedAfterFirst } from '../../../../hosts/n8n/concurrency';
import { errorJson, toNodeError } from '../../../../hosts/n8n/errors';
import { objectFromFields, parseRawBody, recordsOf, type BodySource, type FieldPair } from '../../shared/body';
import { maxResponseBytes } from '../../../../hosts/n8n/response-size';
import { deployteqFetch, deployteqWebhookPolicy } from '../../shared/connection';

function bodyForItem(context: IExecuteFunctions, itemIndex: number): IDataObject | IDataObject[] {
	const source = context.getNodeParameter('bodySource', itemIndex) as BodySource;
	if (source === 'fields') {
		const fields = context.getNodeParameter('fields.field', itemIndex, []) as FieldPair[];
		return objectFromFields(fields);
	}
	if (source === 'raw') return parseRawBody(context.getNode(), context.getNodeParameter('jsonBody', itemIndex), itemIndex);
	return context.getInputData()[itemIndex].json;
}

function outputJson(result: WebhookResult, full: boolean): IDataObject {
	const body = result.body as IDataObject | IDataObject[] | string | undefined;
	// the brand's webhook calls today (X-Clang-Request-Count), against Deployteq's daily cap
	const count = result.requestCount !== undefined ? { deployteqRequestCount: result.requestCount } : {};
	if (full) return { statusCode: result.status, headers: result.headers, body: body ?? null, ...count };
	if (body && typeof body === 'object' && !Array.isArray(body)) return { ...body, ...count };
	return { response: body ?? null, statusCode: result.status, ...count };
}

/** Each item's body, read once (its parameters are expressions): the body, or the error it raised. */
type ItemBody = { body: IDataObject | IDataObject[] } | { error: unknown };

function itemBodies(context: IExecuteFunctions, count: number): ItemBody[] {
	return Array.from({ length: count }, (_, i) => {
		try {
			return { body: bodyForItem(context, i) };
		} catch (error) {
			return { error };
		}
	});
}

function bodyOf(item: ItemBody): IDataObject | IDataObject[] {
	if ('error' in item) throw item.error;
	return item.body;
}

/** Batches of items: at most `batchSize` items, and each batch's JSON within Deployteq's 6 MB. */
function batches(bodies: ItemBody[], batchSize: number): number[][] {
	// an item whose body failed counts 0 bytes: its own error is raised when its batch is sent
	const sizes = bodies.map((item) => ('error' in item ? 0 : recordsBytes(recordsOf(item.body))));
	return groupBySize(sizes, batchSize);
}

/**
 * Webhook > Trigger: sends each item (or batches of items as one array, split to stay within
 * Deployteq's 6 MB per call) to the Deployteq webhook with bounded parallelism. The first request goes alone so a missing or expired token is fetched
 * or refreshed once, then reused by the rest. Every URL is checked first (https, a Deployteq or an
 * allowed host): the token is never sent anywhere else.
 */
export async function triggerWebhook(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const delivery = this.getNodeParameter('delivery', 0) as 'perItem' | 'batch';
	const options = this.getNodeParameter('options', 0, {}) as { concurrency?: number; fullResponse?: boolean; maxResponseSizeMb?: number };
	const client = deployteqFetch(this, { maxResponseBytes: maxResponseBytes(options.maxResponseSizeMb) });
	const signal = this.getExecutionCancelSignal?.();
	const policy = await deployteqWebhookPolicy(this);

	const bodies = itemBodies(this, items.length);
	const groups = delivery === 'batch' ? batches(bodies, this.getNodeParameter('batchSize', 0, 100) as number) : items.map((_, i) => [i]);

	const settled = await runBoundedAfterFirst(groups.length, options.concurrency ?? 5, async (g) => {
		const indexes = groups[g];
		const endpoint = this.getNodeParameter('endpointUrl', indexes[0]) as string;
		const body = delivery === 'batch' ? indexes.flatMap((i) => recordsOf(bodyOf(bodies[i]))) : bodyOf(bodies[indexes[0]]);
		return await triggerDeployteqWebhook(client, endpoint, body, { ...policy, signal });
	});

	const out: INodeExecutionData[] = [];
	for (let g = 0; g < groups.length; g++) {
		const result = settled[g];
		const pairedItem = groups[g].map((item) => ({ item }));
		if (result.ok) {
			out.push({ json: outputJson(result.value, options.fullResponse === true), pairedItem });
			continue;
		}
		const error = toNodeError(this.getNode(), result.error, groups[g][0], client);
		if (!this.continueOnFail()) throw error;
		out.push({ json: errorJson(error), pairedItem });
	}
	return out;
}
