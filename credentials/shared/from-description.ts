/**
 * n8n credential properties derived from a provider description (lib/providers/*): option lists,
 * defaults and help texts come from there; only n8n's own spellings are made here (Title Case
 * names, n8n's grant values).
 */
import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import type { Choice, GrantId, ProviderDescription } from '../../lib/providers/description';

/** n8n's names for the grants (its oAuth2Api `grantType` values). */
export const N8N_GRANT: Record<GrantId, string> = {
	authorization_code: 'authorizationCode',
	client_credentials: 'clientCredentials',
	password: 'password',
};

const SMALL = new Set(['a', 'an', 'and', 'as', 'at', 'by', 'for', 'in', 'of', 'on', 'or', 'the', 'to']);

/** n8n's Title Case for option names ("Execute webhooks" → "Execute Webhooks"); host names stay as they are. */
export function titleCase(text: string): string {
	return text.replace(/[A-Za-z][\w'-]*/g, (word: string, offset: number, whole: string) => {
		if (whole[offset - 1] === '.' || whole[offset + word.length] === '.') return word;
		return offset > 0 && SMALL.has(word) ? word : word[0].toUpperCase() + word.slice(1);
	});
}

export function grantProperty(description: ProviderDescription, grants: readonly GrantId[] = description.grants.map((g) => g.value)): INodeProperties {
	const options: INodePropertyOptions[] = description.grants
		.filter((g) => grants.includes(g.value))
		.map((g) => ({ name: titleCase(g.label), value: N8N_GRANT[g.value], ...(g.description ? { description: g.description } : {}) }));
	return {
		displayName: 'Grant Type',
		name: 'grantType',
		type: 'options',
		options,
		default: N8N_GRANT[grants.includes(description.defaultGrant) ? description.defaultGrant : grants[0]],
	};
}

/** The scopes as a multi-select: "Execute Webhooks (apps.webhook:execute)", defaults preselected. */
export function scopesProperty(description: ProviderDescription, help: string): INodeProperties {
	return {
		displayName: 'Scopes',
		name: 'scopes',
		type: 'multiOptions',
		options: description.scopes.choices.map((c: Choice) => ({
			name: c.label.includes(c.value) ? titleCase(c.label) : `${titleCase(c.label)} (${c.value})`,
			value: c.value,
			...(c.description ? { description: c.description } : {}),
		})),
		default: [...description.scopes.default],
		description: help,
	};
}

/**
 * The hidden `scope` of an oAuth2Api child: the chosen scopes joined, code-grant-only scopes
 * dropped for the other grants (an expression over `$self`, as n8n wants for hidden fields).
 */
export function scopeExpression(description: ProviderDescription, separator = ' '): string {
	const codeOnly = JSON.stringify(description.scopes.codeGrantOnly ?? []);
	return `={{ ($self["scopes"] || []).filter(s => $self["grantType"] === "authorizationCode" || !${codeOnly}.includes(s)).join(${JSON.stringify(separator)}) }}`;
}
