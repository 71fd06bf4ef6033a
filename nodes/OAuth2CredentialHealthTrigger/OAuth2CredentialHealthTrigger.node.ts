import { isoDate } from '../../lib/oauth2/time';
import { createHash, randomBytes } from 'crypto';
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	INodeCredentialDescription,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { Redactor } from '../../lib/oauth2/redact';
import { addCredentialSecrets } from '../../hosts/n8n/credential-redactor';
import { assess, messageOf, planCheck, track, transition, type Assessment, type EventDraft, type Memory, type Outcome, type Plan, type Settings, type Snapshot } from './health';
import { isWatched, OAUTH2_CREDENTIALS, PREAUTH_CREDENTIALS, snapshotOf, type WatchedCredential } from './snapshot';
import { runTokenCheck } from './token-check';

interface HealthStaticData {
	/** Random, per trigger: fingerprints of tokens and data are salted with it. */
	salt?: string;
	health?: Memory;
}

const credentials: INodeCredentialDescription[] = [...OAUTH2_CREDENTIALS, ...PREAUTH_CREDENTIALS].map((name) => ({
	name,
	required: true,
	displayOptions: { show: { authentication: [name] } },
}));

/** The current status as an event, for a test run's one item. */
function statusDraft(assessment: Assessment): EventDraft {
	const event = assessment.status === 'healthy' ? 'recovered' : assessment.status;
	return {
		event,
		status: assessment.status,
		reason: assessment.reason,
		...(assessment.error ? { error: assessment.error } : {}),
		...(assessment.refreshExpiresAt !== undefined ? { refreshTokenExpiresAt: assessment.refreshExpiresAt } : {}),
	};
}

/** A time for the item: undefined when it is not a valid date (a huge lifetime never throws here). */
const iso = (ms: number | undefined): string | undefined => isoDate(ms);

function settingsOf(context: IPollFunctions): Settings {
	return {
		mode: context.getNodeParameter('check', 'whenExpired') as Settings['mode'],
		warnDays: Math.max(0, Number(context.getNodeParameter('warnDays', 7)) || 0),
		keepAlive: context.getNodeParameter('keepAlive', false) === true,
		keepAliveIntervalHours: Math.max(0, Number(context.getNodeParameter('keepAliveIntervalHours', 0)) || 0),
	};
}

interface Check {
	memory: Memory;
	snap: Snapshot;
	plan: Plan;
	outcome: Outcome;
	/** Knows the credential's secrets as read before and after the check. */
	redactor: Redactor;
}

/** Looks at the stored credential and, when the plan says so, makes its one token request. */
async function checkCredential(context: IPollFunctions, type: WatchedCredential, memory: Memory, settings: Settings, fp: (value: string) => string, now: number): Promise<Check> {
	const data = await context.getCredentials<ICredentialDataDecryptedObject>(type);
	let snap = snapshotOf(type, data, fp);
	memory = track(memory, snap, now);
	const plan = planCheck(memory, snap, settings, now);
	let outcome: Outcome = { kind: 'none' };
	let after = data;
	if (plan.request) {
		const result = await runTokenCheck(context, type, plan.request, data, memory);
		outcome = result.outcome;
		if (result.clientAuth) memory = { ...memory, clientAuth: result.clientAuth };
		if (outcome.kind === 'ok' && plan.request !== 'grant') {
			// n8n saved the new token: judge what is stored now
			after = await context.getCredentials<ICredentialDataDecryptedObject>(type);
			snap = snapshotOf(type, after, fp);
			memory = track(memory, snap, now);
		}
	}
	return { memory, snap, plan, outcome, redactor: addCredentialSecrets(addCredentialSecrets(new Redactor(), data), after) };
}

/** The output item of an event: fixed texts, codes and dates only, redacted all the same. */
function itemMaker(context: { redactor: Redactor; settings: Settings; now: number; plan: Plan; credential: IDataObject }): (draft: EventDraft, event?: string) => INodeExecutionData {
	const { redactor, settings, now, plan, credential } = context;
	return (draft, event = draft.event) => {
		const json: IDataObject = {
			event,
			status: draft.status,
			...(draft.previousStatus ? { previousStatus: draft.previousStatus } : {}),
			reason: draft.reason,
			message: redactor.redact(messageOf(draft, settings, now)),
			credential: { ...credential },
			checkedAt: iso(now),
			tokenRequest: plan.request ?? 'none',
			...(plan.why ? { tokenRequestReason: plan.why } : {}),
		};
		if (draft.error && (draft.error.code || draft.error.httpStatus)) json.error = { ...draft.error };
		if (draft.refreshTokenExpiresAt !== undefined) json.refreshTokenExpiresAt = iso(draft.refreshTokenExpiresAt);
		if (draft.problemSince !== undefined) json.problemSince = iso(draft.problemSince);
		return { json };
	};
}

export class OAuth2CredentialHealthTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'OAuth2 Credential Health Trigger',
		name: 'oAuth2CredentialHealthTrigger',
		icon: { light: 'file:oauth2Health.svg', dark: 'file:oauth2Health.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{ "Health of " + $parameter["authentication"] }}',
		description:
			'Starts the workflow when an OAuth2 credential needs reconnecting, its refresh token is about to expire, its token request fails, or it works again',
		defaults: { name: 'OAuth2 Credential Health Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials,
		properties: [
			{
				displayName: 'Credential Type',
				name: 'authentication',
				type: 'options',
				options: [
					{ name: 'Advanced OAuth2 API', value: 'advancedOAuth2Api' },
					{ name: 'Deployteq OAuth2 API', value: 'deployteqOAuth2Api' },
					{ name: 'Zendesk Chat OAuth2 API', value: 'zendeskChatOAuth2Api' },
					{ name: 'Zendesk Chat Password OAuth2 API', value: 'zendeskChatPasswordOAuth2Api' },
				],
				default: 'deployteqOAuth2Api',
				description: 'The type of the credential to watch',
			},
			{
				displayName: 'Check',
				name: 'check',
				type: 'options',
				options: [
					{
						name: 'Every Poll',
						value: 'everyPoll',
						description:
							'One token request at every poll: a refresh (saved by n8n), a new client-credentials token, or the credential\'s grant. Finds a revoked sign-in or a changed secret at once.',
					},
					{
						name: 'Stored Data Only',
						value: 'stored',
						description:
							'No token requests (except Keep Alive): finds a missing sign-in and an expiring or expired refresh token from what n8n stored',
					},
					{
						name: 'When the Token Has Expired',
						value: 'whenExpired',
						description:
							'Makes the token request n8n would make at the next use now: refreshes an expired access token, fetches a token when none is stored. Finds a refused refresh token or a wrong secret within one token lifetime.',
					},
				],
				default: 'whenExpired',
			},
			{
				displayName: 'Warn Days Before Refresh Token Expiry',
				name: 'warnDays',
				type: 'number',
				typeOptions: { minValue: 0, numberPrecision: 2 },
				default: 7,
				description:
					'Emits "refresh_token_expiring" once the refresh token expires within this many days (when the provider sends refresh_token_expires_in). Keep Alive refreshes within the same window: keep it shorter than the provider\'s refresh-token lifetime, or every poll refreshes.',
			},
			{
				displayName: 'Keep Alive',
				name: 'keepAlive',
				type: 'boolean',
				default: false,
				description:
					'Whether the poll refreshes the token when the refresh token expires within the warning window, or when the keep-alive interval has passed since the last token, so an idle credential stays connected without any workflow using it',
			},
			{
				displayName: 'Keep Alive Interval (Hours)',
				name: 'keepAliveIntervalHours',
				type: 'number',
				typeOptions: { minValue: 0, numberPrecision: 2 },
				default: 0,
				description:
					'Also get a new token when this many hours have passed since the last one, for providers that revoke idle refresh tokens. 0 refreshes only before the refresh token expires.',
				displayOptions: { show: { keepAlive: [true] } },
			},
		],
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const type = this.getNodeParameter('authentication', 'deployteqOAuth2Api') as string;
		if (!isWatched(type)) throw new NodeOperationError(this.getNode(), `Unknown credential type "${type}"`);
		const settings = settingsOf(this);
		const staticData = this.getWorkflowStaticData('node') as HealthStaticData;
		const salt = staticData.salt ?? randomBytes(16).toString('hex');
		const fp = (value: string) => createHash('sha256').update(`${salt}\u0000${value}`).digest('hex').slice(0, 16);
		const reference = this.getNode().credentials?.[type];
		const key = `${type}:${reference?.id ?? ''}`;
		const now = Date.now();
		const check = await checkCredential(this, type, staticData.health?.key === key ? { ...staticData.health } : { key }, settings, fp, now);
		const assessment = assess(check.memory, check.snap, check.outcome, settings, now);
		const { memory: next, events } = transition(check.memory, assessment, check.snap, check.plan.request, check.outcome, now);
		const item = itemMaker({ redactor: check.redactor, settings, now, plan: check.plan, credential: { id: reference?.id ?? null, name: reference?.name ?? null, type } });
		if (this.getMode() === 'manual') {
			// a test run ("Fetch Test Event") shows the current status and remembers nothing
			const shown = item(statusDraft(assessment), 'status');
			if (assessment.status === 'healthy') shown.json.message = 'The credential looks healthy.';
			return [[shown]];
		}
		staticData.salt = salt;
		staticData.health = JSON.parse(JSON.stringify(next)) as Memory;
		return events.length ? [events.map((draft) => item(draft, draft.event))] : null;
	}
}
