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
	jwt_bearer: 'jwtBearer',
	token_exchange: 'tokenExchange',
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

/**
 * The name of the scopes multi-select in the credentials' data. Not `scopes`: n8n's credential
 * dialog keeps a new credential's project permissions under that key of its form data
 * (useCredentialForm in n8n 2.x sets `scopes` after the defaults), which emptied a property of that
 * name, so the declared default never showed and an empty list was saved.
 */
export const SCOPES_FIELD = 'requestedScopes';

/** "Execute Webhooks (apps.webhook:execute)"; a label that contains the value stays as it is ("Read"). */
function scopeName(c: Choice): string {
	return c.label.includes(c.value) ? titleCase(c.label) : `${titleCase(c.label)} (${c.value})`;
}

/**
 * The scopes as a multi-select: "Execute Webhooks (apps.webhook:execute)", defaults preselected.
 *
 * `shownWith` names an options field of the credential and all its values. n8n's credential dialog
 * (2.41) renders a new credential's fields before it fills in their defaults, and a multi-select
 * mounted with no value at once stores an empty list (Element Plus's select does so), which the
 * defaults then no longer replace: the field started empty. Shown only once that options field has
 * a value, the multi-select mounts after the defaults are in (an options field gets its default at
 * the same time), so it shows them; for stored credentials and at run time the rule always holds.
 */
export function scopesProperty(description: ProviderDescription, help: string, shownWith: Record<string, string[]>): INodeProperties {
	return {
		displayName: 'Scopes',
		name: SCOPES_FIELD,
		type: 'multiOptions',
		options: description.scopes.choices.map((c: Choice) => ({
			name: scopeName(c),
			value: c.value,
			...(c.description ? { description: c.description } : {}),
		})),
		default: [...description.scopes.default],
		description: help,
		displayOptions: { show: shownWith },
	};
}

/**
 * A notice per required scope, shown in the credential dialog while the Scopes field lacks it (before
 * anyone connects): n8n hides a field when any chosen value matches its `hide` rule, and shows it
 * for an empty list.
 */
export function requiredScopeNotices(description: ProviderDescription): INodeProperties[] {
	return (description.scopes.required ?? []).map((scope, index) => {
		const choice = description.scopes.choices.find((c) => c.value === scope) ?? { value: scope, label: scope };
		return {
			displayName: `Without the scope ${scopeName(choice)} ${description.displayName} refuses the requests of this credential (HTTP 403). Add it to Scopes, and connect again if you connected already.`,
			name: index === 0 ? 'requiredScopeNotice' : `requiredScopeNotice${index + 1}`,
			type: 'notice',
			default: '',
			displayOptions: { hide: { [SCOPES_FIELD]: [scope] } },
		};
	});
}

/** The scopes chosen in a credential's data (undefined when none were stored). */
export function chosenScopes(data: Record<string, unknown>): string[] | undefined {
	const value = data[SCOPES_FIELD];
	return Array.isArray(value) ? value.map(String) : undefined;
}

/**
 * The hidden `scope` of an oAuth2Api child: the chosen scopes joined, code-grant-only scopes
 * dropped for the other grants (an expression over `$self`, as n8n wants for hidden fields).
 */
export function scopeExpression(description: ProviderDescription, separator = ' '): string {
	const codeOnly = JSON.stringify(description.scopes.codeGrantOnly ?? []);
	return `={{ ($self["${SCOPES_FIELD}"] || []).filter(s => $self["grantType"] === "authorizationCode" || !${codeOnly}.includes(s)).join(${JSON.stringify(separator)}) }}`;
}
