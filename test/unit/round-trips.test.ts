/**
 * Round trips, counted as waves of calls (test/support/waves.ts), never timed: independent reads and writes go
 * together, dependent ones wait, and no more than requestsAtOnce are in flight.
 */
import {IAMClient} from '@aws-sdk/client-iam';
import {describe, expect, test} from 'vitest';
import {allSettledOrThrow, inFlightLimit, requestsAtOnce} from '../../source/core/concurrency.js';
import {buildPlan, costExplorerPolicyName} from '../../source/core/plan.js';
import {defaultSettings} from '../../source/core/settings.js';
import {iamPort} from '../../source/aws/iam-port.js';
import {checkUndo, convergeRole, inspectRole, undoRole, type SetupRecord} from '../../source/reconcile/role-resources.js';
import {memoryIam, type MemoryIam} from '../support/memory-iam.js';
import {waves, type Waves} from '../support/waves.js';

const plan = buildPlan('123456789012', 'aws', defaultSettings, {setupId: 'mine'});
const fresh: SetupRecord = {setupId: 'mine', changes: []};
const made: SetupRecord = {setupId: 'mine', changes: [{action: 'iam:CreateRole', target: plan.roleArn, role: plan.roleArn}]};
const inlineNames = Object.keys(plan.inlinePolicies);

const noSuchEntity = () => Object.assign(new Error('not found'), {name: 'NoSuchEntity'});

/** A real IAMClient (paginators check for one) whose requests are answered by `answer`, a wave at a time. */
function stubIam(rounds: Waves, answer: (action: string, input: Record<string, unknown>) => unknown): IAMClient {
	const client = new IAMClient({region: 'us-east-1', credentials: {accessKeyId: 'test', secretAccessKey: 'test'}});
	client.send = (async (command: {constructor: {name: string}; input: Record<string, unknown>}) => {
		const action = command.constructor.name.replace(/Command$/, '');
		await rounds.join(action);
		return answer(action, command.input);
	}) as unknown as IAMClient['send'];
	return client;
}

/** IAM with the plan's role in place, as a finished setup leaves it. */
function roleInPlace(action: string, input: Record<string, unknown>): unknown {
	const document = encodeURIComponent(JSON.stringify(plan.inlinePolicies[input.PolicyName as string] ?? {}));
	const tags = plan.tags;
	switch (action) {
		case 'GetRole':
			return {Role: {RoleName: plan.roleName, Path: '/', Arn: plan.roleArn, AssumeRolePolicyDocument: encodeURIComponent(JSON.stringify(plan.trustPolicy)), MaxSessionDuration: plan.maxSessionSeconds, Description: plan.description, Tags: tags}};
		case 'ListAttachedRolePolicies':
			return {AttachedPolicies: [{PolicyArn: plan.managedPolicyArn}]};
		case 'ListRolePolicies':
			return {PolicyNames: inlineNames};
		case 'GetRolePolicy':
			return {PolicyDocument: document};
		default:
			throw new Error(`unexpected ${action}`);
	}
}

const sorted = (list: string[][]) => list.map(wave => [...wave].sort());

describe('the role read', () => {
	test('a role the record made is read in one round: GetRole, both lists and the plan’s inline documents together', async () => {
		const rounds = waves();
		const {inspection} = await inspectRole(iamPort(stubIam(rounds, roleInPlace)), plan, made);
		expect(inspection.differences).toEqual([]);
		expect(sorted(rounds.waves)).toEqual([['GetRole', 'GetRolePolicy', 'GetRolePolicy', 'ListAttachedRolePolicies', 'ListRolePolicies']]);
	});

	test('a role no record made costs one GetRole when it is not there', async () => {
		const rounds = waves();
		const iam = iamPort(
			stubIam(rounds, () => {
				throw noSuchEntity();
			}),
		);
		const {inspection} = await inspectRole(iam, plan, fresh);
		expect(inspection.ownership).toBe('absent');
		expect(rounds.waves).toEqual([['GetRole']]);
	});

	test('one the record did not make but is there: GetRole, then its two lists together, then the documents it has', async () => {
		const rounds = waves();
		await inspectRole(iamPort(stubIam(rounds, roleInPlace)), plan, fresh);
		expect(sorted(rounds.waves)).toEqual([['GetRole'], ['ListAttachedRolePolicies', 'ListRolePolicies'], ['GetRolePolicy', 'GetRolePolicy']]);
	});

	test('a role the record made but that was deleted since reads as absent', async () => {
		const rounds = waves();
		const iam = iamPort(
			stubIam(rounds, () => {
				throw noSuchEntity();
			}),
		);
		expect((await inspectRole(iam, plan, made)).inspection.ownership).toBe('absent');
		expect(rounds.waves).toHaveLength(1);
	});

	test('no more than requestsAtOnce requests are in flight, and every one is answered', async () => {
		const rounds = waves();
		const iam = iamPort(stubIam(rounds, () => ({User: {}})));
		const arns = Array.from({length: requestsAtOnce * 2 + 1}, (_, index) => `arn:aws:iam::123456789012:user/u${index}`);
		expect(await Promise.all(arns.map(arn => iam.principalExists(arn)))).toEqual(arns.map(() => true));
		expect(rounds.maxInFlight).toBe(requestsAtOnce);
		expect(rounds.waves).toHaveLength(3);
	});
});

/** The waves of writes a pass makes, leaving out its reads. */
const writeWaves = (iam: MemoryIam, from: number) => iam.rounds.waves.slice(from).filter(wave => !wave.some(call => /^(read|list|principal)/.test(call)));

describe('the writes', () => {
	test('a full converge writes in three rounds: CreateRole, both inline policies together, then the managed grant', async () => {
		const iam = memoryIam();
		const {inspection} = await inspectRole(iam, plan, fresh);
		const before = iam.rounds.waves.length;
		await convergeRole(iam, plan, fresh, {reviewed: inspection, adopt: false, write: () => {}});
		// The guard's Deny is on before Billing is attached; the two inline policies need nothing of each other.
		expect(writeWaves(iam, before)).toEqual([['createRole'], ['putInlinePolicy', 'putInlinePolicy'], ['attachPolicy']]);
	});

	test('when one of two inline writes fails, the other is recorded, the failure is what converge throws, and Billing is not attached', async () => {
		const iam = memoryIam();
		const put = iam.putInlinePolicy.bind(iam);
		const refused = Object.assign(new Error('throttled'), {name: 'Throttling'});
		iam.putInlinePolicy = async (role, name, document) => {
			if (name === costExplorerPolicyName) throw refused;
			return put(role, name, document);
		};
		const {inspection} = await inspectRole(iam, plan, fresh);
		const writes: string[] = [];
		await expect(convergeRole(iam, plan, fresh, {reviewed: inspection, adopt: false, write: (action, target) => writes.push(`${action} ${target}`)})).rejects.toBe(refused);
		const others = inlineNames.filter(name => name !== costExplorerPolicyName);
		expect(writes).toEqual([`iam:CreateRole ${plan.roleArn}`, ...others.map(name => `iam:PutRolePolicy ${plan.roleArn}/${name}`)]);
		expect(iam.calls).not.toContain('attachPolicy');
	});

	test('undo reads the role and its instance profiles together, then detaches, deletes the inline policies together, then the role', async () => {
		const iam = memoryIam();
		const record: SetupRecord = {setupId: 'mine', changes: []};
		const {inspection} = await inspectRole(iam, plan, record);
		await convergeRole(iam, plan, record, {reviewed: inspection, adopt: false, write: (action, target) => record.changes.push({action, target, role: plan.roleArn})});
		const before = iam.rounds.waves.length;
		const check = await checkUndo(iam, plan, record);
		expect(sorted(iam.rounds.waves.slice(before))).toEqual([['listInstanceProfiles', 'readRole']]);
		const writes: string[] = [];
		await undoRole(check, action => writes.push(action));
		expect(writeWaves(iam, before)).toEqual([['detachPolicy'], ['deleteInlinePolicy', 'deleteInlinePolicy'], ['deleteRole']]);
		expect(writes).toEqual(['iam:DetachRolePolicy', 'iam:DeleteRolePolicy', 'iam:DeleteRolePolicy', 'iam:DeleteRole']);
	});
});

describe('concurrency helpers', () => {
	test('inFlightLimit runs at most its limit at once and every task in turn', async () => {
		const rounds = waves();
		const limit = inFlightLimit(2);
		const done = await Promise.all([1, 2, 3, 4, 5].map(n => limit(async () => (await rounds.join(String(n)), n))));
		expect(done).toEqual([1, 2, 3, 4, 5]);
		expect(rounds.waves).toEqual([['1', '2'], ['3', '4'], ['5']]);
	});

	test('allSettledOrThrow waits for every task before it throws the first failure in list order', async () => {
		const finished: string[] = [];
		const late = new Promise<string>(resolve => setImmediate(() => (finished.push('late'), resolve('late'))));
		await expect(allSettledOrThrow([Promise.reject(new Error('first')), late, Promise.reject(new Error('second'))])).rejects.toThrow('first');
		expect(finished).toEqual(['late']);
	});
});
