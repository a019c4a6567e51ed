import {describe, expect, test} from 'vitest';
import {buildPlan, costExplorerPolicyName} from '../../source/core/plan.js';
import {defaultSettings} from '../../source/core/settings.js';
import {checkUndo, convergeRole, inspectRole, mayChange, type SetupRecord} from '../../source/reconcile/role-resources.js';
import {undoBlockers} from '../../source/aws/operations.js';
import {memoryIam, type MemoryIam} from '../support/memory-iam.js';

const plan = buildPlan('123456789012', 'aws', defaultSettings, {setupId: 'mine'});
const record: SetupRecord = {setupId: 'mine', changes: []};
const admin = 'arn:aws:iam::aws:policy/AdministratorAccess';

/** Reads, then converges to the plan of that record as a confirmed review would; returns the writes. */
async function converge(iam: MemoryIam, from: SetupRecord = record, adopt = false): Promise<string[]> {
	const writes: string[] = [];
	const planned = {...plan, setupId: from.setupId, tags: [plan.tags[0]!, {Key: 'BillingSetupId', Value: from.setupId}]};
	const {inspection} = await inspectRole(iam, planned, from);
	const outcome = await convergeRole(iam, planned, from, {reviewed: inspection, adopt, write: action => writes.push(action)});
	expect(outcome).toEqual({kind: 'converged'});
	return writes;
}

describe('converge', () => {
	test('creates the role from nothing, then a second pass finds nothing to write', async () => {
		const iam = memoryIam();
		// The guard's Deny is on before Billing is attached: a run cut short never leaves the grant unguarded.
		expect(await converge(iam)).toEqual(['iam:CreateRole', 'iam:PutRolePolicy', 'iam:PutRolePolicy', 'iam:AttachRolePolicy']);
		iam.calls.length = 0;
		expect(await converge(iam)).toEqual([]);
		expect(iam.calls.filter(call => !/^(read|get|list)/.test(call))).toEqual([]);
	});

	test('a role read as absent is not read again before CreateRole', async () => {
		const iam = memoryIam();
		const {inspection} = await inspectRole(iam, plan, record);
		iam.calls.length = 0;
		await convergeRole(iam, plan, record, {reviewed: inspection, adopt: false, write: () => {}});
		expect(iam.calls[0]).toBe('createRole');
	});

	test('a role created by someone else between the read and CreateRole is shown, not overwritten', async () => {
		const iam = memoryIam();
		const {inspection} = await inspectRole(iam, plan, record);
		await converge(iam, {setupId: 'theirs', changes: []});
		const outcome = await convergeRole(iam, plan, record, {reviewed: inspection, adopt: true, write: () => {}});
		expect(outcome).toMatchObject({kind: 'changed', inspection: {ownership: 'elsewhere'}});
	});

	test('an edit between the review and the write sends the user back to a new review; nothing is written', async () => {
		const iam = memoryIam();
		await converge(iam);
		await iam.attachPolicy(plan.roleName, admin);
		const {inspection} = await inspectRole(iam, plan, record);
		await iam.putInlinePolicy(plan.roleName, 'late', {Version: '2012-10-17', Statement: []});
		iam.calls.length = 0;
		const outcome = await convergeRole(iam, plan, record, {reviewed: inspection, adopt: false, write: () => {}});
		expect(outcome.kind).toBe('changed');
		expect(iam.calls.filter(call => !/^(read|get|list)/.test(call))).toEqual([]);
	});

	test('a foreign role is refused however it is asked', async () => {
		const iam = memoryIam();
		await converge(iam);
		delete iam.roles.get(plan.roleName)!.tags.ManagedBy;
		const {inspection} = await inspectRole(iam, plan, record);
		expect(inspection.ownership).toBe('foreign');
		expect(mayChange(inspection, true)).toBe(false);
		expect(await convergeRole(iam, plan, record, {reviewed: inspection, adopt: true, write: () => {}})).toMatchObject({kind: 'refused'});
	});
});

describe('ownership', () => {
	test('ours by the setup id; elsewhere for another id; ours for a record from before setup ids that holds the CreateRole', async () => {
		const iam = memoryIam();
		await converge(iam);
		expect((await inspectRole(iam, plan, record)).inspection.ownership).toBe('ours');
		expect((await inspectRole(iam, plan, {setupId: 'other', changes: []})).inspection.ownership).toBe('elsewhere');
		delete iam.roles.get(plan.roleName)!.tags.BillingSetupId;
		const legacy = {setupId: 'none', changes: [{action: 'iam:CreateRole', target: plan.roleArn}]};
		expect((await inspectRole(iam, plan, legacy)).inspection.ownership).toBe('ours');
		expect((await inspectRole(iam, plan, {setupId: 'none', changes: []})).inspection.ownership).toBe('elsewhere');
	});

	test('a role made elsewhere may be adopted only while it is a billing role, and only on the user’s word when it would change', async () => {
		const iam = memoryIam();
		await converge(iam, {setupId: 'theirs', changes: []});
		const same = (await inspectRole(iam, plan, record)).inspection;
		expect(same).toMatchObject({ownership: 'elsewhere', billingShaped: true});
		// Only the ownership tag differs: nothing to change, nothing to adopt.
		expect(same.differences.map(difference => difference.adoption)).toEqual([true]);
		expect(mayChange(same, false)).toBe(true);

		iam.roles.get(plan.roleName)!.maxSessionSeconds = 7200;
		const longer = (await inspectRole(iam, plan, record)).inspection;
		expect([mayChange(longer, false), mayChange(longer, true)]).toEqual([false, true]);
		expect(await converge(iam, record, true)).toEqual(['iam:UpdateRole', 'iam:TagRole']);
		expect(iam.roles.get(plan.roleName)!.tags.BillingSetupId).toBe('mine');

		await iam.attachPolicy(plan.roleName, admin);
		const wider = (await inspectRole(iam, plan, {setupId: 'third', changes: []})).inspection;
		expect(wider.billingShaped).toBe(false);
		expect(mayChange(wider, true)).toBe(false);
	});

	test('edited inline content or trust from outside the account is not a billing role', async () => {
		const iam = memoryIam();
		await converge(iam, {setupId: 'theirs', changes: []});
		iam.roles.get(plan.roleName)!.inline[costExplorerPolicyName] = {Version: '2012-10-17', Statement: [{Effect: 'Allow', Action: '*', Resource: '*'}]};
		expect((await inspectRole(iam, plan, record)).inspection.billingShaped).toBe(false);
		await converge(iam, {setupId: 'theirs', changes: []});
		iam.roles.get(plan.roleName)!.trustPolicy = {Version: '2012-10-17', Statement: [{Effect: 'Allow', Principal: {AWS: 'arn:aws:iam::999999999999:root'}, Action: 'sts:AssumeRole'}]};
		expect((await inspectRole(iam, plan, record)).inspection.billingShaped).toBe(false);
	});
});

describe('the differences', () => {
	test('each kind of drift is named, with grants beyond the plan and changes to what billing-setup did not make marked', async () => {
		const iam = memoryIam();
		await converge(iam);
		const role = iam.roles.get(plan.roleName)!;
		role.attached.push(admin);
		role.inline.extra = {Version: '2012-10-17', Statement: []};
		role.permissionsBoundary = 'arn:aws:iam::aws:policy/AWSDenyAll';
		role.maxSessionSeconds = 43_200;
		role.trustPolicy = {Version: '2012-10-17', Statement: [{Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole'}]};
		const {differences} = (await inspectRole(iam, plan, record)).inspection;
		expect(differences.map(({summary, widening, foreign}) => ({summary, widening, foreign}))).toEqual([
			{summary: 'change who may switch: anyone (*) → account 123456789012', widening: true, foreign: false},
			{summary: 'change the longest session: 12 h → 1 h', widening: true, foreign: false},
			{summary: 'remove the permissions boundary arn:aws:iam::aws:policy/AWSDenyAll (set outside billing-setup)', widening: false, foreign: true},
			{summary: 'delete the inline policy extra (added outside billing-setup)', widening: true, foreign: true},
			{summary: 'detach AdministratorAccess (attached outside billing-setup)', widening: true, foreign: true},
		]);
	});

	test('the other billing policy this setup attached earlier is removed as its own, not as foreign', async () => {
		const iam = memoryIam();
		const readOnly = buildPlan('123456789012', 'aws', {...defaultSettings, access: 'read-only'}, {setupId: 'mine'});
		const earlier = {setupId: 'mine', changes: [{action: 'iam:AttachRolePolicy', target: readOnly.managedPolicyArn, role: plan.roleArn}]};
		await converge(iam);
		await iam.attachPolicy(plan.roleName, readOnly.managedPolicyArn);
		const detach = (await inspectRole(iam, plan, earlier)).inspection.differences.find(difference => difference.kind === 'remove');
		expect(detach).toMatchObject({summary: 'detach AWSBillingReadOnlyAccess', foreign: false});
	});

	test('a path the role does not have cannot be applied in place, and says how to go on', async () => {
		const iam = memoryIam();
		await converge(iam);
		const moved = buildPlan('123456789012', 'aws', {...defaultSettings, path: '/team/'}, {setupId: 'mine'});
		const {differences} = (await inspectRole(iam, moved, record)).inspection;
		expect(differences[0]).toMatchObject({summary: 'move it from path / to /team/', blocked: expect.stringContaining('--path /')});
	});
});

describe('undo check', () => {
	test('names grants this record did not make, and the instance profiles the role is in', async () => {
		const iam = memoryIam();
		const made: SetupRecord = {setupId: 'mine', changes: []};
		const writes: SetupRecord['changes'] = [];
		const {inspection} = await inspectRole(iam, plan, made);
		await convergeRole(iam, plan, made, {reviewed: inspection, adopt: false, write: (action, target) => writes.push({action, target, role: plan.roleArn})});
		await iam.attachPolicy(plan.roleName, admin);
		iam.roles.get(plan.roleName)!.instanceProfiles = ['web'];
		const check = await checkUndo(iam, plan, {setupId: 'mine', changes: writes});
		expect(check).toMatchObject({ownership: 'ours', foreignGrants: [admin], instanceProfiles: ['web']});
	});
});

describe('ownership between the review and the write', () => {
	test('a role tagged by another record after the review is shown again, even when its differences read the same', async () => {
		const iam = memoryIam();
		await converge(iam);
		// A record from before setup ids: ours by its CreateRole alone, so the tag counts as not yet written.
		delete iam.roles.get(plan.roleName)!.tags.BillingSetupId;
		const legacy = {setupId: 'mine', changes: [{action: 'iam:CreateRole', target: plan.roleArn}]};
		iam.roles.get(plan.roleName)!.maxSessionSeconds = 7200;
		const {inspection} = await inspectRole(iam, plan, legacy);
		expect(inspection.ownership).toBe('ours');
		iam.roles.get(plan.roleName)!.tags.BillingSetupId = 'theirs';
		const outcome = await convergeRole(iam, plan, legacy, {reviewed: inspection, adopt: true, write: () => {}});
		expect(outcome).toMatchObject({kind: 'changed', inspection: {ownership: 'elsewhere'}});
		expect(iam.roles.get(plan.roleName)!.maxSessionSeconds).toBe(7200);
	});

	test('undo refuses a role of the recorded name under another path, whatever its tags say', async () => {
		const iam = memoryIam();
		await converge(iam);
		const moved = {...plan, path: '/team/', roleArn: 'arn:aws:iam::123456789012:role/team/BillingAccess'};
		const check = await checkUndo(iam, moved, record);
		expect(undoBlockers(check, true)).toContain(`${plan.roleArn} is not the role this setup created (${moved.roleArn})`);
	});
});
