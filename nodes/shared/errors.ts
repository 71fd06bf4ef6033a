import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { OAuth2Error } from '../../lib/oauth2/errors';
import { redact } from '../../lib/oauth2/redact';
import { ProviderApiError } from '../../lib/providers/http-json';

/**
 * Turns what the shared provider code throws into n8n errors: the provider's HTTP error (status and
 * its own message) and OAuth2 failures become `NodeApiError`, bad input `NodeOperationError`.
 * Messages are redacted again, in case a token-shaped value slipped into one.
 */
export function toNodeError(node: INode, error: unknown, itemIndex?: number): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	if (error instanceof ProviderApiError) {
		return new NodeApiError(node, { message: redact(error.message) } as JsonObject, {
			message: redact(error.message),
			description: error.providerMessage ? redact(error.providerMessage) : undefined,
			httpCode: String(error.status),
			itemIndex,
		});
	}
	if (error instanceof OAuth2Error) {
		return new NodeApiError(node, { message: redact(error.message) } as JsonObject, {
			message: redact(error.message),
			description: error.hint,
			httpCode: error.status === undefined ? undefined : String(error.status),
			itemIndex,
		});
	}
	if (error instanceof TypeError || error instanceof RangeError) {
		return new NodeOperationError(node, redact(error.message), { itemIndex });
	}
	const message = error instanceof Error ? error.message : String(error);
	return new NodeApiError(node, { message: redact(message) } as JsonObject, { message: redact(message), itemIndex });
}

/** The `json` of an error output item under `continueOnFail`. */
export function errorJson(error: NodeApiError | NodeOperationError): JsonObject {
	const json: JsonObject = { error: error.message };
	if (error.description) json.description = error.description;
	if (error instanceof NodeApiError && error.httpCode) json.httpCode = error.httpCode;
	return json;
}
