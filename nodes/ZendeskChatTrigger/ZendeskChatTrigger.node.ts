import type { IDataObject, INodeExecutionData, INodeType, INodeTypeDescription, IPollFunctions } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { toNodeError } from '../../hosts/n8n/errors';
import { authenticationProperty, credentialsOfZendeskChat } from '../ZendeskChat/resources/authentication';
import { unixSeconds } from '../ZendeskChat/resources/run';
import { zendeskChatApi, type ZendeskChatConnection } from '../ZendeskChat/shared/connection';
import { advanceCursor, pollStart, type ExportCursor, type PageEnd } from './cursor';

/** How far back a manual test run looks when there is no cursor yet. */
const MANUAL_LOOKBACK_SEC = 7 * 24 * 3600;
/** How many chats a manual test run shows. */
const MANUAL_SAMPLE = 10;

export class ZendeskChatTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Zendesk Chat Trigger',
		name: 'zendeskChatTrigger',
		icon: { light: 'file:zendeskChat.svg', dark: 'file:zendeskChat.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{ "Chats created or updated" }}',
		description: 'Starts the workflow when chats are created or updated in Zendesk Chat (checks at the interval you set)',
		defaults: { name: 'Zendesk Chat Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: credentialsOfZendeskChat,
		properties: [
			authenticationProperty,
			{
				displayName: 'Start From',
				name: 'startFrom',
				type: 'options',
				options: [
					{
						name: 'Now',
						value: 'now',
						description: 'Only chats created or updated after the workflow is activated',
					},
					{
						name: 'A Date',
						value: 'date',
						description: 'Also chats changed since a date (the first check may return many)',
					},
				],
				default: 'now',
			},
			{
				displayName: 'Start Date',
				name: 'startDate',
				type: 'dateTime',
				default: '',
				displayOptions: { show: { startFrom: ['date'] } },
			},
		],
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const staticData = this.getWorkflowStaticData('node') as ExportCursor;
		const manual = this.getMode() === 'manual';
		const nowSec = Math.floor(Date.now() / 1000);
		const startFrom = this.getNodeParameter('startFrom', 'now') as 'now' | 'date';
		const start = pollStart(staticData, {
			startFrom,
			startDate: startFrom === 'date' ? unixSeconds(this.getNodeParameter('startDate')) : undefined,
			nowSec,
			manual,
			lookbackSec: MANUAL_LOOKBACK_SEC,
		});
		if (!start) {
			staticData.startTime = nowSec;
			delete staticData.startId;
			return null;
		}

		const chats: IDataObject[] = [];
		const ends: PageEnd[] = [];
		let connection: ZendeskChatConnection | undefined;
		try {
			connection = await zendeskChatApi(this);
			const { api } = connection;
			for await (const page of api.incrementalPages({ ...start, limit: 1000, fields: 'chats(*)' })) {
				chats.push(...(page.chats as IDataObject[]));
				ends.push({ endTime: page.endTime, endId: page.endId });
			}
		} catch (error) {
			throw toNodeError(this.getNode(), error, undefined, connection?.fetch);
		}

		if (!manual) Object.assign(staticData, advanceCursor(staticData, ends));
		const emitted = manual ? chats.slice(-MANUAL_SAMPLE) : chats;
		return emitted.length ? [emitted.map((json) => ({ json }))] : null;
	}
}
