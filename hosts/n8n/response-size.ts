import type { INodeProperties } from 'n8n-workflow';

import { DEFAULT_API_RESPONSE_MAX_BYTES } from '../../lib/oauth2/body';

const MB = 1024 * 1024;

/** A node option (inside an "Options" collection): the largest API answer read. */
export const maxResponseSizeOption: INodeProperties = {
	displayName: 'Max Response Size (MB)',
	name: 'maxResponseSizeMb',
	type: 'number',
	typeOptions: { minValue: 1 },
	// n8n's lint wants a literal default; a unit test checks it equals the engine's default
	default: 64,
	description: 'Largest answer read. A larger one (or one that never ends) stops the transfer and fails with "response_too_large".',
};

/** The option in bytes; the default for anything that is not a positive number. */
export function maxResponseBytes(megabytes: unknown): number {
	const value = Number(megabytes);
	return Number.isFinite(value) && value > 0 ? Math.round(value * MB) : DEFAULT_API_RESPONSE_MAX_BYTES;
}
