import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { OAuth2Error } from '../../lib/oauth2/errors';
import { redact } from '../../lib/oauth2/redact';
import { OAuth2UrlRefusedError, scrubUrls } from '../../lib/oauth2/urls';
import { ProviderApiError } from '../../lib/providers/http-json';

/** What knows the secrets to cut out: the node's `N8nAuthorizedFetch` (its credential's actual values). */
export interface SecretRedactor {
	redact?(text: string): string;
}

/**
 * Turns what the shared provider code (or n8n) throws into a fresh n8n error that holds only
 * cleaned text: the provider's HTTP error (status and its own message) and OAuth2 failures become
 * `NodeApiError`, a refused URL and bad input `NodeOperationError`. Every text that reaches the
 * execution data (message, description, the error response) goes through the credential's
 * redactor (its actual secrets and tokens, plus token-shaped patterns) and loses URL user names,
 * passwords and queries. Errors n8n built are rebuilt too, so nothing of theirs (a response body in
 * `context.data`, say) is carried over.
 */
export function toNodeError(node: INode, error: unknown, itemIndex?: number, secrets?: SecretRedactor): NodeApiError | NodeOperationError {
	const clean = (text: string | undefined | null): string | undefined => {
		if (text === undefined || text === null || text === '') return undefined;
		return scrubUrls(secrets?.redact ? secrets.redact(String(text)) : redact(String(text)));
	};
	const apiError = (message: string | undefined, description?: string | null, httpCode?: string | number | null) => {
		const text = clean(message) ?? 'The request failed';
		return new NodeApiError(node, { message: text } as JsonObject, {
			message: text,
			description: clean(description),
			httpCode: httpCode === undefined || httpCode === null ? undefined : String(httpCode),
			itemIndex,
		});
	};
	const operationError = (message: string | undefined, description?: string | null) =>
		new NodeOperationError(node, clean(message) ?? 'The operation failed', { description: clean(description), itemIndex });

	if (error instanceof OAuth2UrlRefusedError) return operationError(error.message, error.hint);
	if (error instanceof ProviderApiError) return apiError(error.message, error.providerMessage, error.status);
	if (error instanceof OAuth2Error) return apiError(error.message, error.hint, error.status);
	if (error instanceof NodeOperationError) return operationError(error.message, error.description);
	if (error instanceof NodeApiError) return apiError(error.message, error.description, error.httpCode);
	if (error instanceof TypeError || error instanceof RangeError) return operationError(error.message);
	return apiError(error instanceof Error ? error.message : String(error));
}

/** The `json` of an error output item under `continueOnFail`. */
export function errorJson(error: NodeApiError | NodeOperationError): JsonObject {
	const json: JsonObject = { error: error.message };
	if (error.description) json.description = error.description;
	if (error instanceof NodeApiError && error.httpCode) json.httpCode = error.httpCode;
	return json;
}
