/** AWS Organizations reads: where this account sits, and the accounts of its organization. Loaded only when used, like every client past STS and IAM. */
import {DescribeOrganizationCommand, OrganizationsClient, paginateListAccounts} from '@aws-sdk/client-organizations';
import type {OrganizationAccount, OrganizationPlace} from '../core/account.js';
import {requestHandler} from './http.js';
import {failedCall, isAwsError} from './problems.js';
import {nameFailedActions, type ClientOptions} from './sts.js';

export function createOrganizationsClient({profile}: ClientOptions, region: string): OrganizationsClient {
	const client = new OrganizationsClient({...(profile && {profile}), region, requestHandler});
	nameFailedActions(client, 'organizations');
	return client;
}

/** Standalone, management or member; any failure is `unknown` with its reason, since this only informs the advice. */
export async function describeOrganization(client: OrganizationsClient, accountId: string): Promise<OrganizationPlace> {
	try {
		const {Organization: organization} = await client.send(new DescribeOrganizationCommand({}));
		const organizationId = organization?.Id ?? '';
		const managementAccountId = organization?.MasterAccountId ?? '';
		return managementAccountId === accountId ? {kind: 'management', organizationId} : {kind: 'member', organizationId, managementAccountId};
	} catch (error) {
		if (isAwsError(error, 'AWSOrganizationsNotInUse')) return {kind: 'standalone'};
		return {
			kind: 'unknown',
			reason: isAwsError(error, 'AccessDenied')
				? 'organizations:DescribeOrganization was denied to you, so billing-setup cannot tell whether this account belongs to an AWS Organization.'
				: failedCall(error, 'organizations:DescribeOrganization'),
		};
	}
}

/** Every account of the organization, page by page (AWS answers at most 20 a page); only the management account may ask. */
export async function listAccounts(client: OrganizationsClient): Promise<OrganizationAccount[]> {
	const accounts: OrganizationAccount[] = [];
	for await (const page of paginateListAccounts({client}, {})) {
		for (const account of page.Accounts ?? []) {
			accounts.push({
				id: account.Id ?? '',
				name: account.Name ?? '',
				email: account.Email ?? '',
				// Status is deprecated in favour of State (from September 2026); older answers have only Status.
				status: account.State ?? account.Status ?? 'UNKNOWN',
				joinedMethod: account.JoinedMethod ?? 'UNKNOWN',
			});
		}
	}
	return accounts;
}
