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

/** Batches of items: at most `batchSize` items, and each batch's JSON within Deployteq's 6 MB. */
function batches(context: IExecuteFunctions, count: number, batchSize: number): number[][] {
	const sizes = Array.from({ length: count }, (_, i) => {
		try {
			return recordsBytes(recordsOf(bodyForItem(context, i)));
		} catch {
			return 0; // the item's own error is raised when its batch is built
		}
	});
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

	const groups = delivery === 'batch' ? batches(this, items.length, this.getNodeParameter('batchSize', 0, 100) as number) : items.map((_, i) => [i]);

	const settled = await runBoundedAfterFirst(groups.length, options.concurrency ?? 5, async (g) => {
		const indexes = groups[g];
		const endpoint = this.getNodeParameter('endpointUrl', indexes[0]) as string;
		const body = delivery === 'batch' ? indexes.flatMap((i) => recordsOf(bodyForItem(this, i))) : bodyForItem(this, indexes[0]);
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
