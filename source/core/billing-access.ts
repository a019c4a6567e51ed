/**
 * The root-only setting, "IAM user and role access to billing information", as AWS states it. No API reads it
 * (aws/aws-sdk#399), but Cost Explorer refuses an IAM identity's GetCostAndUsage with "IAM user access not
 * activated" while it is off, and answers once it is on. One such request (USD 0.01) is the one check of it; any
 * other answer says nothing of the setting, and the check is then `unknown`, with the reason. Pure: the request
 * is in aws/cost.ts.
 */
import {activationInOneLine} from './partition.js';
import type {Identity, Partition} from './principal.js';
import type {Problem} from './problem.js';

/** Cost Explorer's words for the setting being off (AccessDeniedException). */
export const notActivatedPattern = /IAM user access not activated/i;

/** What one request costs: said wherever a person decides to make one. */
export const checkPrice = 'one Cost Explorer request, USD 0.01';

/** This month so far, as Cost Explorer answered it. */
export interface MonthToDate {
	start: string;
	end: string;
	amount: string;
	unit: string;
	estimated: boolean;
}

export type BillingAccessState = 'active' | 'off' | 'unknown';

/** One check of the setting: what AWS answered, to whom, and when. */
export interface BillingAccessCheck {
	state: BillingAccessState;
	/** The identity that signed the request; absent when none was made. */
	checkedAs?: string;
	at: string;
	/** `active`: what Cost Explorer answered, the proof that billing works for that identity. */
	cost?: MonthToDate;
	/** `unknown`: why the answer says nothing of the setting (or why no request was made); `off`: AWS's refusal. */
	reason?: Problem;
}

/** The identities whose requests the setting gates: the root user is never refused, so its answer proves nothing. */
export function gatedIdentity(identity: Pick<Identity, 'kind'>): boolean {
	return identity.kind !== 'root';
}

/** `user/alice`, `assumed-role/BillingAccess/billing-setup-verify`: the ARN's resource part, as people name an identity. */
export function identityName(arn: string): string {
	return /^arn:[\w-]+:(?:iam|sts)::\d{12}:(.+)$/.exec(arn)?.[1] ?? arn;
}

function whom(check: BillingAccessCheck): string {
	return check.checkedAs ? identityName(check.checkedAs) : 'no one';
}

function amountOf(cost: MonthToDate): string {
	return `${cost.unit} ${Number(cost.amount).toFixed(2)}${cost.estimated ? ' (estimated)' : ''}`;
}

/** The check in one line: the trail, the result, status and the hand-off all say it this way. */
export function billingAccessLine(check: BillingAccessCheck): string {
	switch (check.state) {
		case 'active':
			return `IAM access to billing is on: Cost Explorer answered ${whom(check)}${check.cost ? ` (this month so far ${amountOf(check.cost)})` : ''}`;
		case 'off':
			return `IAM access to billing is off: Cost Explorer refused ${whom(check)} with “IAM user access not activated”`;
		case 'unknown':
			return `IAM access to billing is not known: ${check.reason?.title ?? 'nothing was checked.'}`;
	}
}

/** What to do after a check, in one sentence. */
export function billingAccessNext(check: BillingAccessCheck, partition: Partition): string {
	switch (check.state) {
		case 'active':
			return 'Nothing: Billing and Cost Explorer open to every IAM identity whose own policies allow them.';
		case 'off':
			return `${activationInOneLine(partition)} Activation can take a minute to reach Cost Explorer; then check again.`;
		case 'unknown':
			return check.reason?.next ?? activationInOneLine(partition);
	}
}

/** A check that made no request: why not, in the shape of every other reason. */
export function notChecked(at: string, reason: Problem): BillingAccessCheck {
	return {state: 'unknown', at, reason};
}

/** Why the caller is not asked: the root user is never refused, so its answer says nothing of the setting. */
export function rootCallerRefusal(identity: Pick<Identity, 'kind'>): Problem | undefined {
	if (gatedIdentity(identity)) return undefined;
	return {
		title: 'The root user is never refused Cost Explorer, so its answer says nothing about IAM identities.',
		why: 'The setting gates IAM users and roles only.',
		next: 'Run billing-setup status --check as an IAM user or role whose policies allow ce:GetCostAndUsage.',
	};
}
