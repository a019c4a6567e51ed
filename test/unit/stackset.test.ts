import {describe, expect, test} from 'vitest';
import {ProblemError} from '../../source/core/problem.js';
import {defaultSettings, type RoleSettings} from '../../source/core/settings.js';
import {buildStackSetPlan, type StackSetScope} from '../../source/core/stackset.js';
import {mayChange, type SetupRecord} from '../../source/reconcile/role-resources.js';
import {convergeStackSet, inspectStackSet, resolveScope, stackSetCommands, undoStackSet} from '../../source/reconcile/stackset.js';
import {followOperation, resumeOperation, runOperation, savedOperation, type Following, type OperationProgress} from '../../source/reconcile/stackset-operation.js';
import {managementAccount, memoryStackSets, rootId, type MemoryStackSets} from '../support/memory-stackset.js';
import {recording} from '../support/recording.js';

const [a1, a2, b1] = ['222222222222', '333333333333', '444444444444'];

/** Two OUs under the root, three members: two in ou-a, one in ou-b; the management account sits in the root. */
function organization(): MemoryStackSets {
	const port = memoryStackSets();
	port.parents.set(managementAccount, rootId);
	port.units.set('ou-a', rootId);
	port.units.set('ou-b', rootId);
	port.addAccount(a1, 'ou-a');
	port.addAccount(a2, 'ou-a');
	port.addAccount(b1, 'ou-b');
	return port;
}

/** Counted polls, the pauses counted too: nothing waits on the clock. */
function following(polls = 5): Following & {pauses: number; seen: OperationProgress[]} {
	const state = {
		polls,
		pauses: 0,
		seen: [] as OperationProgress[],
		async pause() {
			state.pauses += 1;
		},
		onProgress: (progress: OperationProgress) => void state.seen.push(progress),
	};
	return state;
}

async function planFor(port: MemoryStackSets, scope: StackSetScope, {settings = defaultSettings, setupId = 'mine'}: {settings?: RoleSettings; setupId?: string} = {}) {
	const resolved = await resolveScope(port, scope, managementAccount);
	return buildStackSetPlan(settings, {setupId, region: 'us-east-1', managementAccountId: managementAccount, scope, resolved});
}

async function converge(port: MemoryStackSets, plan: Awaited<ReturnType<typeof planFor>>, record = recording(), {adopt = false, follow = following()} = {}) {
	const before = record.changes.length;
	const {inspection} = await inspectStackSet(port, plan, record, {following: follow});
	const outcome = await convergeStackSet(port, plan, record, {reviewed: inspection, adopt, write: record.write, following: follow});
	return {outcome, inspection, writes: record.actions().slice(before)};
}

const summaries = async (port: MemoryStackSets, plan: Awaited<ReturnType<typeof planFor>>, record: SetupRecord) =>
	(await inspectStackSet(port, plan, record, {following: following()})).inspection.differences.map(difference => difference.summary);

describe('the scope, as Organizations has it', () => {
	test('all: the root is the target, every ACTIVE member is reached, and the management account is left out and said so', async () => {
		const port = organization();
		port.addAccount('555555555555', 'ou-b', 'SUSPENDED');
		const plan = await planFor(port, {kind: 'all'});
		expect(plan).toMatchObject({name: 'billing-setup-BillingAccess', unitIds: [rootId], filtered: false, region: 'us-east-1'});
		expect(plan.accounts.map(account => [account.id, account.unitId])).toEqual([
			[a1, rootId],
			[a2, rootId],
			[b1, rootId],
		]);
		expect(plan.notes).toEqual([`StackSets never deploy to the management account ${managementAccount}: billing-setup sets up the role there itself.`]);
		expect(plan.tags).toEqual([
			{Key: 'ManagedBy', Value: 'billing-setup'},
			{Key: 'BillingSetupId', Value: 'mine'},
		]);
		expect(JSON.parse(plan.templateBody)).toHaveProperty('Resources.BillingRole.Type', 'AWS::IAM::Role');
	});

	test('a list of accounts: their OUs, narrowed to them; the management account among them is left out and said so', async () => {
		const plan = await planFor(organization(), {kind: 'accounts', ids: [a1, b1, managementAccount]});
		expect(plan).toMatchObject({unitIds: ['ou-a', 'ou-b'], filtered: true, coversManagement: true});
		expect(plan.accounts.map(account => account.id)).toEqual([a1, b1]);
		expect(plan.notes).toHaveLength(1);
	});

	test('an OU: every account beneath it, and nothing said of a management account it does not hold', async () => {
		const plan = await planFor(organization(), {kind: 'units', ids: ['ou-a']});
		expect(plan).toMatchObject({unitIds: ['ou-a'], filtered: false, coversManagement: false, notes: []});
		expect(plan.accounts.map(account => account.id)).toEqual([a1, a2]);
	});

	test('an account or OU the organization does not have stops before any write, in words', async () => {
		const port = organization();
		await expect(resolveScope(port, {kind: 'accounts', ids: ['999999999999']}, managementAccount)).rejects.toThrow('The organization has no account 999999999999.');
		await expect(resolveScope(port, {kind: 'units', ids: ['ou-nope']}, managementAccount)).rejects.toThrow('The organization has no OU or root ou-nope.');
		expect(port.calls.filter(call => /create|update|delete/i.test(call))).toEqual([]);
	});
});

describe('the StackSet reconciler', () => {
	test('creates the StackSet and its instances for the root, records them and the operation, and a re-run finds nothing to do', async () => {
		const port = organization();
		const plan = await planFor(port, {kind: 'all'});
		const record = recording();
		const {outcome, inspection, writes} = await converge(port, plan, record);
		expect(inspection.ownership).toBe('absent');
		expect(inspection.differences.map(difference => difference.summary)).toEqual([
			"create the StackSet billing-setup-BillingAccess: service-managed, automatic deployment on, the role BillingAccess from billing-setup's template, in us-east-1",
			'target r-test: every account in it, and each account that joins it later',
			`deploy the role to account ${a1} (member ${a1}) in r-test`,
			`deploy the role to account ${a2} (member ${a2}) in r-test`,
			`deploy the role to account ${b1} (member ${b1}) in r-test`,
		]);
		expect(outcome).toEqual({kind: 'converged'});
		expect(writes).toEqual(['cloudformation:CreateStackSet', 'cloudformation:CreateStackInstances', 'cloudformation:StackSetOperation']);
		expect(port.calls).toContain('createInstances {"organizationalUnitIds":["r-test"]}');
		expect(port.instancesOf(plan.name).map(instance => instance.account)).toEqual([a1, a2, b1]);

		const again = await converge(port, plan, record);
		expect(again.inspection).toMatchObject({ownership: 'ours', differences: []});
		expect(again.writes).toEqual([]);
	});

	test('an account listed later is deployed by name; an account dropped from the list loses the instance this record made', async () => {
		const port = organization();
		const record = recording();
		await converge(port, await planFor(port, {kind: 'accounts', ids: [a1]}), record);
		expect(port.calls).toContain(`createInstances {"organizationalUnitIds":["ou-a"],"accounts":["${a1}"]}`);

		const wider = await planFor(port, {kind: 'accounts', ids: [a1, b1]});
		expect(await summaries(port, wider, record)).toEqual([`deploy the role to account ${b1} (member ${b1}) in ou-b`]);
		await converge(port, wider, record);

		const narrower = await planFor(port, {kind: 'accounts', ids: [b1]});
		const {inspection} = await converge(port, narrower, record);
		expect(inspection.differences).toEqual([
			expect.objectContaining({kind: 'remove', summary: `remove the role's stack instance in account ${a1}, us-east-1 (--accounts no longer names it)`, foreign: false}),
		]);
		expect(port.calls).toContain(`deleteInstances {"organizationalUnitIds":["ou-a"],"accounts":["${a1}"]}`);
		expect(port.instancesOf(narrower.name).map(instance => instance.account)).toEqual([b1]);
	});

	test('changed settings update the StackSet, which pushes the template to every instance', async () => {
		const port = organization();
		const record = recording();
		await converge(port, await planFor(port, {kind: 'all'}), record);
		const readOnly = await planFor(port, {kind: 'all'}, {settings: {...defaultSettings, access: 'read-only'}});
		const {writes, inspection} = await converge(port, readOnly, record);
		expect(inspection.differences.map(difference => difference.summary)).toEqual([
			"update the StackSet's template to the role BillingAccess as these settings make it (every stack instance is updated)",
		]);
		expect(writes).toEqual(['cloudformation:UpdateStackSet', 'cloudformation:StackSetOperation']);
		expect(port.stackSets.get(readOnly.name)?.templateBody).toBe(readOnly.templateBody);
	});

	test('a StackSet of that name not tagged by billing-setup is foreign: never touched', async () => {
		const port = organization();
		const plan = await planFor(port, {kind: 'all'});
		await port.createStackSet({name: plan.name, templateBody: '{}', tags: []});
		port.calls.length = 0;
		const {outcome, inspection} = await converge(port, plan, recording(), {adopt: true});
		expect(inspection.ownership).toBe('foreign');
		expect(mayChange(inspection, true)).toBe(false);
		expect(outcome.kind).toBe('refused');
		expect(port.calls.filter(call => /create|update|delete/i.test(call))).toEqual([]);
	});

	test("another setup's StackSet is made elsewhere: refused without --adopt, taken over with it", async () => {
		const port = organization();
		await converge(port, await planFor(port, {kind: 'all'}, {setupId: 'theirs'}), recording('theirs'));
		const plan = await planFor(port, {kind: 'all'}, {settings: {...defaultSettings, access: 'read-only'}});
		const refused = await converge(port, plan, recording());
		expect(refused.inspection).toMatchObject({ownership: 'elsewhere', billingShaped: true});
		expect(refused.outcome.kind).toBe('refused');
		const adopted = await converge(port, plan, recording(), {adopt: true});
		expect(adopted.outcome.kind).toBe('converged');
		expect(port.stackSets.get(plan.name)?.tags.BillingSetupId).toBe('mine');
	});

	test('an instance added outside billing-setup, in an account the plan does not name, is a foreign removal', async () => {
		const port = organization();
		const record = recording();
		const plan = await planFor(port, {kind: 'units', ids: ['ou-a']});
		await converge(port, plan, record);
		await port.createInstances(plan.name, {organizationalUnitIds: ['ou-b']}, ['us-east-1']);
		const differences = (await inspectStackSet(port, plan, record, {following: following()})).inspection.differences;
		expect(differences).toEqual([
			expect.objectContaining({kind: 'remove', summary: `remove the role's stack instance in account ${b1}, us-east-1 (added outside billing-setup)`, foreign: true, widening: true}),
		]);
	});

	test('a failed instance fails the run with its reason in words, and the next run deploys it again', async () => {
		const port = organization();
		const record = recording();
		const plan = await planFor(port, {kind: 'all'});
		port.failing.set(b1, 'ResourceLogicalId:BillingRole, ResourceType:AWS::IAM::Role, ResourceStatusReason:Role with name BillingAccess already exists.');
		const failed = await converge(port, plan, record).catch((error: unknown) => error);
		expect(failed).toBeInstanceOf(ProblemError);
		expect((failed as ProblemError).problem).toMatchObject({
			title: `The StackSet ${plan.name} could not deploy the role to the accounts (operation operation-2 FAILED).`,
			why: `account ${b1}: Role with name BillingAccess already exists. A role of that name was made there outside this StackSet: remove or rename it there, then run again.`,
		});

		port.failing.clear();
		const {inspection, writes} = await converge(port, plan, record);
		expect(inspection.differences.map(difference => difference.summary)).toEqual([
			`deploy again to account ${b1}: its stack instance is OUTDATED (Role with name BillingAccess already exists. A role of that name was made there outside this StackSet: remove or rename it there, then run again.)`,
		]);
		expect(writes).toEqual(['cloudformation:UpdateStackInstances', 'cloudformation:StackSetOperation']);
		expect(port.instancesOf(plan.name).every(instance => instance.status === 'CURRENT')).toBe(true);
	});

	test('undo removes the instances this record made, then the StackSet', async () => {
		const port = organization();
		const record = recording();
		const plan = await planFor(port, {kind: 'all'});
		await converge(port, plan, record);
		await undoStackSet(port, plan, record, {write: record.write, following: following()});
		expect(port.stackSets.has(plan.name)).toBe(false);
		expect(record.actions().slice(-3)).toEqual(['cloudformation:DeleteStackInstances', 'cloudformation:StackSetOperation', 'cloudformation:DeleteStackSet']);
	});

	test('undo leaves the StackSet, and says so, while instances it did not make remain on it', async () => {
		const port = organization();
		const record = recording();
		const plan = await planFor(port, {kind: 'units', ids: ['ou-a']});
		await converge(port, plan, record);
		await port.createInstances(plan.name, {organizationalUnitIds: ['ou-b']}, ['us-east-1']);
		await expect(undoStackSet(port, plan, record, {write: record.write, following: following()})).rejects.toThrow(
			`The StackSet ${plan.name} still has stack instances billing-setup did not make, so it was left in place.`,
		);
		expect(port.instancesOf(plan.name).map(instance => instance.account)).toEqual([b1]);
		expect(port.stackSets.has(plan.name)).toBe(true);
	});

	test("undo refuses another setup's StackSet", async () => {
		const port = organization();
		const plan = await planFor(port, {kind: 'all'}, {setupId: 'theirs'});
		await converge(port, plan, recording('theirs'));
		await expect(undoStackSet(port, plan, recording(), {write: () => {}, following: following()})).rejects.toThrow('was not made by this setup');
		expect(port.instancesOf(plan.name)).toHaveLength(3);
	});

	test('describe: the create-stack-set and create-stack-instances commands, every value a safe shell word (quoted where it needs it)', async () => {
		const port = organization();
		const [createSet, createInstances] = stackSetCommands(await planFor(port, {kind: 'accounts', ids: [a1, b1]}));
		expect(createSet).toContain('aws cloudformation create-stack-set \\\n  --stack-set-name billing-setup-BillingAccess');
		expect(createSet).toContain('--permission-model SERVICE_MANAGED \\\n  --auto-deployment Enabled=true,RetainStacksOnAccountRemoval=false \\\n  --capabilities CAPABILITY_NAMED_IAM');
		expect(createSet).toContain(`--tags '[{"Key":"ManagedBy","Value":"billing-setup"},{"Key":"BillingSetupId","Value":"mine"}]'`);
		expect(createSet).toContain(`--template-body '{\n  "AWSTemplateFormatVersion"`);
		expect(createInstances).toBe(
			[
				'aws cloudformation create-stack-instances',
				'--stack-set-name billing-setup-BillingAccess',
				`--deployment-targets '{"OrganizationalUnitIds":["ou-a","ou-b"],"AccountFilterType":"INTERSECTION","Accounts":["${a1}","${b1}"]}'`,
				'--regions us-east-1',
				'--region us-east-1',
			].join(' \\\n  '),
		);
		expect(stackSetCommands(await planFor(port, {kind: 'all'}))[1]).toContain(`--deployment-targets '{"OrganizationalUnitIds":["r-test"]}'`);
	});
});

describe('following an operation', () => {
	/** A StackSet for ou-a whose instances' create answers RUNNING for that many reads. */
	async function runningCreate(polls: number) {
		const port = organization();
		const plan = await planFor(port, {kind: 'units', ids: ['ou-a']});
		await port.createStackSet({name: plan.name, templateBody: plan.templateBody, tags: plan.tags});
		port.pending.polls = polls;
		return {port, plan, operationId: await port.createInstances(plan.name, {organizationalUnitIds: ['ou-a']}, ['us-east-1'])};
	}

	test('reads it once per poll, pausing between, and reports each account until it ends', async () => {
		const {port, plan, operationId} = await runningCreate(2);
		const follow = following();
		const outcome = await followOperation(port, plan.name, operationId, follow);
		expect(outcome).toMatchObject({status: 'SUCCEEDED', finished: true, succeeded: 2, failed: 0});
		expect(follow.pauses).toBe(2);
		expect(follow.seen.map(progress => [progress.status, progress.accounts.map(account => account.status)])).toEqual([
			['RUNNING', ['RUNNING', 'RUNNING']],
			['RUNNING', ['RUNNING', 'RUNNING']],
			['SUCCEEDED', ['SUCCEEDED', 'SUCCEEDED']],
		]);
	});

	test('stops after its polls with the operation unfinished, and says to run again', async () => {
		const port = organization();
		const plan = await planFor(port, {kind: 'all'});
		const record = recording();
		port.pending.polls = 10;
		const stopped = await converge(port, plan, record, {follow: following(3)}).catch((error: unknown) => error);
		expect((stopped as ProblemError).problem).toEqual({
			title: `billing-setup stopped waiting on the StackSet ${plan.name} to deploy the role to the accounts.`,
			why: 'Its operation operation-2 is still RUNNING: 0 accounts done, 0 failed so far.',
			next: 'Run billing-setup again: it follows the same operation instead of starting another.',
		});
		// The operation id was recorded before waiting on it.
		expect(savedOperation(record, plan.name)).toBe('operation-2');
	});

	test('a run stopped mid-operation picks the saved operation up instead of starting another', async () => {
		const port = organization();
		const plan = await planFor(port, {kind: 'all'});
		const record = recording();
		port.pending.polls = 4;
		await converge(port, plan, record, {follow: following(1)}).catch(() => {});
		const operations = port.operations.length;
		const follow = following();
		const resumed = await resumeOperation(port, plan.name, record, follow);
		expect(resumed).toMatchObject({operationId: 'operation-2', status: 'SUCCEEDED', finished: true, succeeded: 3});
		expect(port.operations).toHaveLength(operations);
		// Once it ended there is nothing to pick up, and the next pass finds everything in place.
		expect(await resumeOperation(port, plan.name, record, follow)).toBeUndefined();
		expect(await summaries(port, plan, record)).toEqual([]);
	});

	test('a write refused because another operation runs follows that one, then starts its own', async () => {
		const {port, plan, operationId: running} = await runningCreate(1);
		const record = recording();
		await runOperation(port, plan.name, {
			what: 'update it',
			following: following(),
			record: record.write,
			start: () => port.updateStackSet({name: plan.name, templateBody: plan.templateBody, tags: plan.tags}),
		});
		expect(port.calls.filter(call => call === 'updateStackSet')).toHaveLength(2);
		expect(port.calls).toContain('activeOperation');
		expect(port.operations.map(operation => operation.operationId)).toEqual([running, 'operation-3']);
		expect(savedOperation(record, plan.name)).toBe('operation-3');
	});
});
