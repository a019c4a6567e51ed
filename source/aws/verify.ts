/** Reads the role back and proves it can be assumed, waiting out IAM's propagation delay. */
import {AssumeRoleCommand, type Credentials} from '@aws-sdk/client-sts';
import {notChecked, type BillingAccessCheck} from '../core/billing-access.js';
import type {Plan} from '../core/plan.js';
import {ProblemError} from '../core/problem.js';
import type {Verification} from '../engine/ports.js';
import type {IamPort} from '../reconcile/iam.js';
import {inspectRole, substantive, type SetupRecord} from '../reconcile/role-resources.js';
import type {Clients} from './clients.js';
import {explicitDenial, isAwsError, sentence} from './problems.js';

export interface VerifyOptions {
	/** Why the assume check is skipped, when it is. */
	assumeSkipped?: string;
	/** Check the root-only setting as the role (one Cost Explorer request, USD 0.01); false for --no-cost-check. */
	costCheck: boolean;
	timeoutMs: number;
	now?: () => number;
	sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>(resolve => setTimeout(resolve, ms));

/** The role must be what the plan says, no more: a verified role never grants or trusts beyond the plan. */
export async function verifyRole(clients: Clients, iam: IamPort, plan: Plan, record: SetupRecord, options: VerifyOptions): Promise<Verification> {
	const {inspection} = await inspectRole(iam, plan, record);
	const differences = substantive(inspection.differences);
	if (differences.length > 0) {
		throw new ProblemError({
			title: inspection.ownership === 'absent' ? `The role ${plan.roleName} does not exist.` : `The role ${plan.roleName} does not match the plan.`,
			why: `Still to do: ${differences.map(difference => difference.summary).join('; ')}. It was changed outside billing-setup, or an earlier run stopped half-way.`,
			next: 'Run billing-setup again: it shows these changes and applies them when you agree.',
		});
	}
	const base = {roleArn: inspection.liveArn ?? plan.roleArn, at: new Date().toISOString()};
	if (options.assumeSkipped) return {...base, assumeSkipped: options.assumeSkipped};
	const session = await assumeWithPatience(clients, plan, options);
	const billingAccess = options.costCheck ? await checkAs(session, plan) : undefined;
	return {...base, assumedAs: session.arn, ...(billingAccess && {billingAccess})};
}

/** The setting, checked with the role's session: billing works through the role, not only switching to it. */
async function checkAs(session: {arn: string; credentials?: Credentials}, plan: Plan): Promise<BillingAccessCheck> {
	const {AccessKeyId: accessKeyId, SecretAccessKey: secretAccessKey, SessionToken: sessionToken} = session.credentials ?? {};
	if (!accessKeyId || !secretAccessKey) {
		return notChecked(new Date().toISOString(), {title: 'STS answered without a session to check with.', why: 'AssumeRole gave no credentials.', next: 'Run billing-setup status --check.'});
	}
	const {checkBillingAccess} = await import('./cost.js');
	return checkBillingAccess({partition: plan.partition, checkedAs: session.arn, credentials: {accessKeyId, secretAccessKey, ...(sessionToken && {sessionToken})}});
}

/**
 * Proves the caller can switch to the role. AssumeRole's answer names the assumed-role ARN, so a
 * further GetCallerIdentity with the new keys would add a call and prove nothing more.
 * A new role is often refused for 10–30 s after CreateRole, with the same AccessDenied a missing
 * permission gives, so AccessDenied is retried until the deadline and explained only then.
 */
async function assumeWithPatience(clients: Clients, plan: Plan, options: VerifyOptions): Promise<{arn: string; credentials?: Credentials}> {
	const now = options.now ?? Date.now;
	const sleep = options.sleep ?? defaultSleep;
	const deadline = now() + options.timeoutMs;
	for (let attempt = 0; ; attempt++) {
		try {
			const answer = await clients.sts.send(
				new AssumeRoleCommand({RoleArn: plan.roleArn, RoleSessionName: 'billing-setup-verify', DurationSeconds: 900}),
			);
			return {arn: answer.AssumedRoleUser?.Arn ?? plan.roleArn, ...(answer.Credentials && {credentials: answer.Credentials})};
		} catch (error) {
			if (!isAwsError(error, 'AccessDenied')) throw error;
			// An explicit deny is no propagation delay: waiting it out would take minutes and end in the wrong advice.
			const denied = explicitDenial(error, 'sts:AssumeRole');
			if (denied) throw new ProblemError(denied);
			const wait = Math.min(1000 * 2 ** attempt, 8000);
			if (now() + wait > deadline) {
				throw new ProblemError({
					title: `The role was created, but you could not switch to it within ${Math.round(options.timeoutMs / 1000)} s.`,
					why: `${sentence((error as Error).message)} Either your identity lacks sts:AssumeRole on ${plan.roleArn}, or IAM is still propagating the new role.`,
					next: `Allow sts:AssumeRole on ${plan.roleArn} for your identity (administrators have it), then run billing-setup again to re-check.`,
				});
			}
			await sleep(wait);
		}
	}
}
