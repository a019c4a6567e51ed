/** AwsOperations and a progress store in memory, for tests of the session and the screens. */
import {describeAwsError} from '../../source/aws/problems.js';
import {classifyCaller, type Identity} from '../../source/core/principal.js';
import type {AwsOperations} from '../../source/engine/ports.js';
import type {ProgressStore} from '../../source/engine/session.js';
import type {SavedSetup} from '../../source/engine/wizard.js';
import {convergeRole, inspectRole} from '../../source/reconcile/role-resources.js';
import {convergePermissionSet, inspectPermissionSet} from '../../source/reconcile/permission-set-resources.js';
import {memoryIam} from './memory-iam.js';
import {identityStoreId, memorySso} from './memory-sso.js';
import type {Assignee} from '../../source/core/settings.js';

export const alice = classifyCaller('arn:aws:iam::123456789012:user/alice', '123456789012');

export function memoryStore(initial: SavedSetup[] = []): ProgressStore & {saves: SavedSetup[]} {
	const records = new Map(initial.map(setup => [setup.accountId, setup]));
	const saves: SavedSetup[] = [];
	return {
		saves,
		load: accountId => records.get(accountId),
		save(setup) {
			saves.push(setup);
			records.set(setup.accountId, setup);
		},
	};
}

/**
 * An empty AWS account: the real reconcilers over an in-memory IAM; STS's AssumeRole answers at once.
 * The SDK-backed ones are exercised against moto in test/e2e.
 */
/** What a test replaces: any operation, and any of a target's port. */
export type AwsOverrides = Partial<Omit<AwsOperations, 'role' | 'permissionSet'>> & {role?: Partial<AwsOperations['role']>; permissionSet?: Partial<AwsOperations['permissionSet']>};

/** `people`: groups and users of the identity store; with any, Identity Center is offered. */
export function fakeAws(identity: Identity = alice, {role, permissionSet, ...overrides}: AwsOverrides = {}, {people = []}: {people?: Assignee[]} = {}): AwsOperations {
	const iam = memoryIam();
	const sso = memorySso();
	for (const person of people) sso.addPrincipal(person);
	// Removal is tested against moto (test/e2e): here it finds nothing left to delete.
	const nothingToRemove = async () => ({items: [], apply: async () => {}});
	return {
		whoAmI: async () => identity,
		// A standalone account whose caller's policies grant nothing of billing: the seed scenario before setup.
		inspectAccount: async () => ({organization: {kind: 'standalone'}, callerAccess: {method: 'policies', checked: ['billing:GetBillingData', 'ce:GetCostAndUsage', 'ce:DescribeReport'], allowed: [], denied: []}}),
		checkPolicy: async policyArn => ({policyArn, grantsDescribeReport: false}),
		// Cost Explorer answers: the setting is on.
		checkBillingAccess: async caller => ({state: 'active', checkedAs: caller.arn, at: new Date().toISOString()}),
		listPrincipals: async () => ({arns: [], complete: true}),
		mfaDevice: async () => undefined,
		role: {
			inspect: async (plan, record) => ({inspection: (await inspectRole(iam, plan, record)).inspection, missingPrincipals: []}),
			converge: (plan, record, options) => convergeRole(iam, plan, record, options),
			verify: async (plan, _record, {assumeSkipped}) => ({
				roleArn: plan.roleArn,
				at: 'now',
				...(assumeSkipped ? {assumeSkipped} : {assumedAs: `${plan.roleArn}/session`}),
			}),
			checkRemoval: nothingToRemove,
			...role,
		},
		permissionSet: {
			people: async () => (people.length > 0 ? {identityStoreId, people: await sso.listPeople(identityStoreId, 200)} : undefined),
			inspect: async (plan, record) => ({inspection: (await inspectPermissionSet(sso, plan, record)).inspection, missingPrincipals: []}),
			converge: (plan, record, options) => convergePermissionSet(sso, plan, record, options),
			verify: async () => ({
				roleArn: 'permission-set',
				identityStoreId,
				ssoRegion: 'us-east-1',
				assumeSkipped: 'people sign in to a permission set through the AWS access portal',
				at: 'now',
			}),
			checkRemoval: nothingToRemove,
			...permissionSet,
		},
		describeError: (error, who) => describeAwsError(error, {identity: who}),
		...overrides,
	};
}
