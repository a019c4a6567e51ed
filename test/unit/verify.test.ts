import {describe, expect, test} from 'vitest';
import type {Clients} from '../../source/aws/clients.js';
import {isAwsError} from '../../source/aws/problems.js';
import {verifyRole} from '../../source/aws/verify.js';
import {buildPlan} from '../../source/core/plan.js';
import {ProblemError} from '../../source/core/problem.js';
import {defaultSettings} from '../../source/core/settings.js';
import {convergeRole, inspectRole} from '../../source/reconcile/role-resources.js';
import {memoryIam, type MemoryIam} from '../support/memory-iam.js';

const plan = buildPlan('123456789012', 'aws', defaultSettings, {setupId: 'setup-1'});
const record = {setupId: 'setup-1', changes: []};

/** IAM with the role exactly as planned. */
async function iamWithRole(): Promise<MemoryIam> {
	const iam = memoryIam();
	const {inspection} = await inspectRole(iam, plan, record);
	await convergeRole(iam, plan, record, {reviewed: inspection, adopt: false, write: () => {}});
	return iam;
}
const denied = () => Object.assign(new Error('not authorized to perform: sts:AssumeRole'), {name: 'AccessDenied'});

/** STS answers from the script, one entry per AssumeRole. */
function clients(assumeAnswers: Array<'denied' | 'ok' | Error>): Clients & {assumeCalls: number} {
	const state = {assumeCalls: 0};
	return {
		get assumeCalls() {
			return state.assumeCalls;
		},
		sts: {
			async send() {
				const answer = assumeAnswers[Math.min(state.assumeCalls++, assumeAnswers.length - 1)];
				if (answer === 'denied') throw denied();
				if (answer instanceof Error) throw answer;
				return {AssumedRoleUser: {Arn: 'arn:aws:sts::123456789012:assumed-role/BillingAccess/billing-setup-verify'}};
			},
		},
	} as unknown as Clients & {assumeCalls: number};
}

/** A clock that moves only when the code under test sleeps. */
function fakeTime() {
	let now = 0;
	const waits: number[] = [];
	return {waits, now: () => now, sleep: async (ms: number) => void (waits.push(ms), (now += ms))};
}

describe('verifyRole', () => {
	test('retries AccessDenied with growing waits until the new role can be assumed', async () => {
		const time = fakeTime();
		const fake = clients(['denied', 'denied', 'denied', 'ok']);
		const verification = await verifyRole(fake, await iamWithRole(), plan, record, {timeoutMs: 120_000, costCheck: false, ...time});
		expect(verification.assumedAs).toBe('arn:aws:sts::123456789012:assumed-role/BillingAccess/billing-setup-verify');
		expect(time.waits).toEqual([1000, 2000, 4000]);
	});

	test.each([
		['a service control policy', /Ask your organization's administrator .* to allow sts:AssumeRole for this account/],
		['a permissions boundary', /allow sts:AssumeRole in this identity's permissions boundary/],
		['a session policy', /Start a session whose policy allows sts:AssumeRole/],
	])('an explicit deny in %s stops at once with the advice diagnose gives', async (where, next) => {
		const time = fakeTime();
		const explicit = Object.assign(
			new Error(`User: arn:aws:iam::123456789012:user/alice is not authorized to perform: sts:AssumeRole on resource: ${plan.roleArn} with an explicit deny in ${where}`),
			{name: 'AccessDenied'},
		);
		const fake = clients([explicit]);
		const failure = await verifyRole(fake, await iamWithRole(), plan, record, {timeoutMs: 120_000, costCheck: false, ...time}).catch((error: unknown) => error);
		expect(fake.assumeCalls).toBe(1);
		expect(time.waits).toEqual([]);
		expect((failure as ProblemError).problem.next).toMatch(next);
		expect((failure as ProblemError).problem.next).not.toMatch(/administrators have it/);
	});

	test('gives up at the deadline and says what to grant', async () => {
		const time = fakeTime();
		const fake = clients(['denied']);
		const failure = await verifyRole(fake, await iamWithRole(), plan, record, {timeoutMs: 20_000, costCheck: false, ...time}).catch((error: unknown) => error);
		expect(failure).toBeInstanceOf(ProblemError);
		expect((failure as ProblemError).problem.next).toContain(`Allow sts:AssumeRole on ${plan.roleArn}`);
		expect(time.now()).toBeLessThanOrEqual(20_000);
		expect(time.waits.every(wait => wait <= 8000)).toBe(true);
	});

	test('other errors are not retried', async () => {
		const time = fakeTime();
		const boom = Object.assign(new Error('boom'), {name: 'InternalFailure'});
		await expect(verifyRole(clients([boom]), await iamWithRole(), plan, record, {timeoutMs: 120_000, costCheck: false, ...time})).rejects.toBe(boom);
		expect(time.waits).toEqual([]);
	});

	test('skips the switch with the reason given, and never calls STS', async () => {
		const fake = clients(['denied']);
		const verification = await verifyRole(fake, await iamWithRole(), plan, record, {timeoutMs: 1000, costCheck: false, assumeSkipped: 'the root user cannot switch roles'});
		expect(verification).toMatchObject({assumeSkipped: 'the root user cannot switch roles', roleArn: plan.roleArn});
		expect(fake.assumeCalls).toBe(0);
	});

	test('a role that grants more than the plan is never verified, and STS is not asked', async () => {
		const iam = await iamWithRole();
		await iam.attachPolicy(plan.roleName, 'arn:aws:iam::aws:policy/AdministratorAccess');
		const fake = clients(['ok']);
		const failure = await verifyRole(fake, iam, plan, record, {timeoutMs: 1000, costCheck: false}).catch((error: unknown) => error);
		expect((failure as ProblemError).problem.title).toBe(`The role ${plan.roleName} does not match the plan.`);
		expect((failure as ProblemError).problem.why).toContain('detach AdministratorAccess (attached outside billing-setup)');
		expect(fake.assumeCalls).toBe(0);
	});
});

describe('isAwsError', () => {
	test('matches an AWS error code with or without the Exception suffix, and nothing else', () => {
		expect(isAwsError(Object.assign(new Error('x'), {name: 'NoSuchEntity'}), 'NoSuchEntity')).toBe(true);
		expect(isAwsError(Object.assign(new Error('x'), {name: 'NoSuchEntityException'}), 'NoSuchEntity')).toBe(true);
		expect(isAwsError(Object.assign(new Error('x'), {name: 'AccessDenied'}), 'NoSuchEntity')).toBe(false);
		expect(isAwsError(undefined, 'NoSuchEntity')).toBe(false);
	});
});
