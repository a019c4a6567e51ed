/**
 * The proof that billing works through the role: one Cost Explorer read, signed with the role's own session.
 * Loaded only for that read. Cost Explorer's API is served from us-east-1 in the aws partition; each request
 * costs USD 0.01 (https://aws.amazon.com/aws-cost-management/aws-cost-explorer/pricing/).
 */
import {CostExplorerClient, GetCostAndUsageCommand} from '@aws-sdk/client-cost-explorer';
import type {Credentials} from '@aws-sdk/client-sts';
import {thisMonth} from '../core/period.js';
import type {CostCheck} from '../engine/wizard.js';
import {requestHandler} from './http.js';
import {isAwsError, sentence} from './problems.js';

export async function readMonthToDate(credentials: Credentials, now = new Date()): Promise<CostCheck> {
	const period = thisMonth(now);
	const client = new CostExplorerClient({
		region: 'us-east-1',
		requestHandler,
		credentials: {accessKeyId: credentials.AccessKeyId!, secretAccessKey: credentials.SecretAccessKey!, sessionToken: credentials.SessionToken!},
	});
	try {
		const answer = await client.send(
			new GetCostAndUsageCommand({TimePeriod: {Start: period.start, End: period.end}, Granularity: 'MONTHLY', Metrics: ['UnblendedCost']}),
		);
		const month = answer.ResultsByTime?.[0];
		const total = month?.Total?.UnblendedCost;
		return {...period, amount: total?.Amount ?? '0', unit: total?.Unit ?? 'USD', estimated: month?.Estimated ?? true};
	} catch (error) {
		return {...period, problem: costProblem(error)};
	} finally {
		client.destroy();
	}
}

/** Why the read failed, in the shape of every other problem; the role itself is in place either way. */
function costProblem(error: unknown): NonNullable<CostCheck['problem']> {
	const message = sentence((error as Error)?.message ?? String(error));
	if (isAwsError(error, 'DataUnavailable')) {
		return {
			title: 'Cost Explorer has no data for this account yet.',
			why: `${message} Cost Explorer fills in its data within about 24 hours of being opened for the first time.`,
			next: 'Open Cost Explorer once in the console, then check again tomorrow with billing-setup (a finished setup re-run reads it again).',
		};
	}
	if (/not enabled for cost explorer/i.test(message)) {
		return {
			title: 'Cost Explorer is not enabled for this account.',
			why: `${message} In an organization's member account it works only once the management account enables it for members.`,
			next: 'Open Cost Explorer once as the root user or an administrator; in a member account, ask the management account to allow member accounts in its Cost Explorer preferences.',
		};
	}
	if (isAwsError(error, 'AccessDenied')) {
		return {
			title: 'The role was refused Cost Explorer.',
			why: `${message} Until the root user activates IAM access to billing, or when an organization policy denies it, the role's own permissions are not enough.`,
			next: 'Do the root activation step (shown at the end) if it is not done; otherwise read the reason above.',
		};
	}
	return {title: 'Cost Explorer could not be read.', why: message, next: 'Run billing-setup again later; the role itself is in place.'};
}
