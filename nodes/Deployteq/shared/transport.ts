import type { IAllExecuteFunctions } from 'n8n-workflow';

import type { AuthorizedFetch } from '../../../lib/providers/http-json';
import { n8nAuthorizedFetch } from '../../shared/authorized-fetch';

export const DEPLOYTEQ_CREDENTIAL = 'deployteqOAuth2Api';

/** Requests signed with the Deployteq OAuth2 credential (n8n fetches, refreshes and saves tokens). */
export function deployteqFetch(context: IAllExecuteFunctions): AuthorizedFetch {
	return n8nAuthorizedFetch(context, { type: DEPLOYTEQ_CREDENTIAL, oauth2: true });
}
