/** Reads the role back and proves it can be assumed, waiting out IAM's propagation delay. */
import {AssumeRoleCommand} from '@aws-sdk/client-sts';
import {costExplorerPolicyName, managedByTag, type Plan} from '../core/plan.js';
import {ProblemError} from '../core/problem.js';
import type {Verification} from '../engine/wizard.js';
import type {Clients} from './clients.js';
import {isAwsError, sentence} from './problems.js';
import {getRole, isManagedByUs, listAttachedPolicyArns, listInlinePolicyNames} from './role.js';

export interface VerifyOptions {
	/** Why the assume check is skipped, when it is. */
	assumeSkipped?: string;
	timeoutMs: number;
	now?: () => number;
	sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>(resolve => setTimeout(resolve, ms));

function missing(plan: Plan, what: string): ProblemError {
	return new ProblemError({
		title: `The role ${plan.roleName} is missing ${what}.`,
		why: 'It was changed outside billing-setup after it was set up, or an earlier run stopped half-way.',
		next: 'Run billing-setup again: it adds what is missing and changes nothing else.',
	});
}

export async function verifyRole(clients: Clients, plan: Plan, options: VerifyOptions): Promise<Verification> {
	const {iam} = clients;
	const role = await getRole(iam, plan.roleName);
	if (!role) throw missing(plan, 'entirely (it does not exist)');
	if (!isManagedByUs(role)) throw missing(plan, `its ${managedByTag.Key}=${managedByTag.Value} tag`);
	const managedPolicies = await listAttachedPolicyArns(iam, plan.roleName);
	if (!managedPolicies.includes(plan.managedPolicyArn)) throw missing(plan, `the policy ${plan.managedPolicyArn}`);
	const inlinePolicies = await listInlinePolicyNames(iam, plan.roleName);
	if (plan.costExplorerPolicy && !inlinePolicies.includes(costExplorerPolicyName)) {
		throw missing(plan, `the inline policy ${costExplorerPolicyName}`);
	}
	const base = {roleArn: role.Arn ?? plan.roleArn, managedPolicies, inlinePolicies, at: new Date().toISOString()};
	if (options.assumeSkipped) return {...base, assumeSkipped: options.assumeSkipped};
	return {...base, assumedAs: await assumeWithPatience(clients, plan, options)};
}

/**
 * Proves the caller can switch to the role. AssumeRole's answer names the assumed-role ARN, so a
 * further GetCallerIdentity with the new keys would add a call and prove nothing more.
 * A new role is often refused for 10–30 s after CreateRole, with the same AccessDenied a missing
 * permission gives, so AccessDenied is retried until the deadline and explained only then.
 */
async function assumeWithPatience(clients: Clients, plan: Plan, options: VerifyOptions): Promise<string> {
	const now = options.now ?? Date.now;
	const sleep = options.sleep ?? defaultSleep;
	const deadline = now() + options.timeoutMs;
	for (let attempt = 0; ; attempt++) {
		try {
			const answer = await clients.sts.send(
				new AssumeRoleCommand({RoleArn: plan.roleArn, RoleSessionName: 'billing-setup-verify', DurationSeconds: 900}),
			);
			return answer.AssumedRoleUser?.Arn ?? plan.roleArn;
		} catch (error) {
			if (!isAwsError(error, 'AccessDenied')) throw error;
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
