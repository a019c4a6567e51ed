/**
 * The one check of the root-only setting (core/billing-access.ts): a single GetCostAndUsage request, this month,
 * MONTHLY, one metric, from the partition's Cost Explorer endpoint. Loaded only for that request. Each request
 * costs USD 0.01 (https://aws.amazon.com/aws-cost-management/aws-cost-explorer/pricing/), so it is tried once:
 * never polled, and a refusal is never retried.
 */
import {CostExplorerClient, GetCostAndUsageCommand} from '@aws-sdk/client-cost-explorer';
import {notActivatedPattern, notChecked, type BillingAccessCheck} from '../core/billing-access.js';
import {denialReason, type DenialReason} from '../core/diagnosis.js';
import {costExplorerRegion} from '../core/partition.js';
import {thisMonth} from '../core/period.js';
import type {Partition} from '../core/principal.js';
import type {Problem} from '../core/problem.js';
import {requestHandler} from './http.js';
import {nameFailedActions} from './sts.js';
import {isAwsError, sentence} from './problems.js';

export interface BillingAccessRequest {
	partition: Partition;
	/** The ARN of the identity that signs: the caller's, or an assumed role session's. */
	checkedAs: string;
	/** A session's keys (the role's, an access role's); without them the caller's own credentials and profile. */
	credentials?: {accessKeyId: string; secretAccessKey: string; sessionToken?: string};
	profile?: string;
	now?: Date;
}

export async function checkBillingAccess({partition, checkedAs, credentials, profile, now = new Date()}: BillingAccessRequest): Promise<BillingAccessCheck> {
	const at = now.toISOString();
	const region = costExplorerRegion[partition];
	if (!region) {
		return notChecked(at, {
			title: `Cost Explorer has no API in the ${partition} partition.`,
			why: 'Billing for this partition is seen from its associated standard account.',
			next: 'Check the setting from the associated standard account.',
		});
	}
	const client = new CostExplorerClient({region, requestHandler, maxAttempts: 1, ...(credentials ? {credentials} : profile && {profile})});
	// An answer that is not AWS's (or one that stalls) says nothing of the setting: it is refused like any other client's.
	nameFailedActions(client, 'ce');
	const period = thisMonth(now);
	try {
		const answer = await client.send(new GetCostAndUsageCommand({TimePeriod: {Start: period.start, End: period.end}, Granularity: 'MONTHLY', Metrics: ['UnblendedCost']}));
		const month = answer.ResultsByTime?.[0];
		const total = month?.Total?.UnblendedCost;
		return {state: 'active', checkedAs, at, cost: {...period, amount: total?.Amount ?? '0', unit: total?.Unit ?? 'USD', estimated: month?.Estimated ?? true}};
	} catch (error) {
		const message = sentence((error as Error)?.message ?? String(error));
		if (isAwsError(error, 'AccessDenied') && notActivatedPattern.test(message)) {
			return {
				state: 'off',
				checkedAs,
				at,
				reason: {
					title: 'IAM access to billing information is not activated in this account.',
					why: `Cost Explorer answered: ${message}`,
					next: 'The root user activates it in the console.',
				},
			};
		}
		return {state: 'unknown', checkedAs, at, reason: whyUnknown(error, message)};
	} finally {
		client.destroy();
	}
}

const refusedBy: Record<DenialReason, string> = {
	'service-control-policy': 'a service control policy',
	'resource-control-policy': 'a resource control policy',
	'permissions-boundary': 'a permissions boundary',
	'session-policy': 'a session policy',
	'identity-deny': 'an explicit Deny in an identity-based policy',
	'no-identity-allow': 'no identity-based policy allowing ce:GetCostAndUsage',
};

/** Cost Explorer answered something other than the setting: what, in the shape of every other problem. */
function whyUnknown(error: unknown, message: string): Problem {
	if (isAwsError(error, 'DataUnavailable')) {
		return {
			title: 'Cost Explorer has no data for this account yet.',
			why: `${message} Cost Explorer fills in its data within about 24 hours of being opened for the first time; until then its answer says nothing of the setting.`,
			next: 'Open Cost Explorer once in the console, then check again tomorrow: billing-setup status --check.',
		};
	}
	if (/not enabled for cost explorer/i.test(message)) {
		return {
			title: 'Cost Explorer is not enabled for this account.',
			why: `${message} It was never opened here, or, in a member account, the management account has not let members in; that refusal comes before the setting is looked at.`,
			next: 'Open Cost Explorer once as the root user or an administrator; in a member account, ask the management account to allow member accounts (Cost Management preferences → Linked account access).',
		};
	}
	if (isAwsError(error, 'AccessDenied')) {
		const reason = denialReason(message);
		const by = reason ? refusedBy[reason] : 'a policy';
		return {
			title: `Cost Explorer refused the request because of ${by}, not the setting.`,
			why: message,
			next: 'Run billing-setup diagnose with that message for what to change.',
		};
	}
	return {title: 'Cost Explorer did not answer.', why: message, next: 'Check again later: billing-setup status --check.'};
}
