/**
 * The resources of a billing permission set in IAM Identity Center, in the model the role's follow
 * (model.ts), one file each: the permission set itself (permission-set.ts), its managed policy, its one inline
 * policy, and its assignments in each account the plan lists (account-assignments.ts); and the loops over them: inspect, converge, the undo check and undo, the CLI commands.
 * Ownership is the role's rule (role-resources.ts): the ManagedBy and BillingSetupId tags and the local record.
 *
 * Writes to a permission set reach the account only when it is provisioned there: new assignments provision it
 * themselves, and a changed definition is provisioned again when someone already holds it. Identity Center answers
 * those with a request to poll; the polls are counted, never timed, so a slow answer fails in words, not a hang.
 */
import type {PermissionSetPlan} from '../core/identity-center.js';
import {ProblemError} from '../core/problem.js';
import {billingPolicyArns} from '../core/settings.js';
import {isAwsError} from '../core/aws-error.js';
import {allSettledOrThrow} from '../core/concurrency.js';
import {accountAssignmentsReconciler, accountWords, assignedByUs, assignmentTarget, readAccountAssignments} from './account-assignments.js';
import {owned, together, policyName, type Difference, type Inspected, type RecordWrite} from './model.js';
import {permissionSetReconciler} from './permission-set.js';
import {awaitRequest, defaultPolling, ssoActions, type Polling, type SsoContext} from './permission-set-context.js';
import {permissionSetInlinePolicyReconciler, inlineTarget} from './permission-set-inline-policy.js';
import {permissionSetManagedPoliciesReconciler} from './permission-set-managed-policies.js';
import {convergeInspected, ownershipOf, type ConvergeOutcome, type Pass, type RoleInspection, type SetupRecord} from './role-resources.js';
import {newPermissionSet, type IdentityCenterInstance, type LivePermissionSet, type SsoPort} from './sso.js';

export {defaultPolling, type Polling} from './permission-set-context.js';

/** The writes that change what the permission set grants, so that an account holding it needs it provisioned again. */
const definitionWrites: string[] = [ssoActions.update, ssoActions.attach, ssoActions.detach, ssoActions.detachCustomer, ssoActions.putInline, ssoActions.deleteInline];

/** Order as the role's: the permission set first, the guard's Deny before the Billing grant, people last. Undo runs backwards. */
export const permissionSetResources = [
	owned(permissionSetReconciler),
	owned(permissionSetInlinePolicyReconciler),
	owned(permissionSetManagedPoliciesReconciler),
	owned(accountAssignmentsReconciler),
];

export function permissionSetCommands(plan: PermissionSetPlan): string[] {
	return permissionSetResources.flatMap(resource => resource.describe(plan));
}

/** The account's instance, or why there is none to set up in. */
export async function instanceOf(sso: SsoPort): Promise<IdentityCenterInstance> {
	const instance = await sso.instance();
	if (instance) return instance;
	throw new ProblemError({
		title: `IAM Identity Center has no instance in ${sso.region} for this account.`,
		why: 'Identity Center lives in one region, and a permission set can only be made where it is.',
		next: 'Run again with --region set to the region Identity Center shows in its console (Settings), or set up an IAM role instead (without --via identity-center).',
	});
}

function isBillingShaped(live: LivePermissionSet | undefined, plan: PermissionSetPlan, differences: Difference[]): boolean {
	if (!live) return true;
	const billing = billingPolicyArns(plan.partition);
	return (
		live.managedPolicies.every(arn => billing.includes(arn)) &&
		live.customerManagedPolicies.length === 0 &&
		!differences.some(difference => difference.resource === permissionSetInlinePolicyReconciler.id && difference.kind !== 'add')
	);
}

export interface PermissionSetPass extends Pass {
	instance: IdentityCenterInstance;
	live?: LivePermissionSet;
}

/**
 * The permission set of the plan's name. One this record created is read by its ARN, all in one round; only when
 * it is gone or named otherwise now are the instance's permission sets searched by name.
 */
async function findPermissionSet(sso: SsoPort, {instanceArn}: IdentityCenterInstance, plan: PermissionSetPlan, createdArn: string | undefined): Promise<LivePermissionSet | undefined> {
	const live = createdArn && (await sso.readPermissionSet(instanceArn, createdArn));
	return live && live.name === plan.name ? live : sso.findPermissionSet(instanceArn, plan.name);
}

/** `known` is a permission set already read in this pass (or known absent), so it is not read again. */
export function ssoContext(
	sso: SsoPort,
	plan: PermissionSetPlan,
	record: SetupRecord,
	instance: IdentityCenterInstance,
	{polling = defaultPolling, known}: {polling?: Polling; known?: {permissionSet: LivePermissionSet | undefined}} = {},
): SsoContext {
	let permissionSet: Promise<LivePermissionSet | undefined> | undefined = known && Promise.resolve(known.permissionSet);
	const createdArn = record.changes.findLast(change => change.action === ssoActions.create)?.target;
	return {
		sso,
		plan,
		instance,
		polling,
		...(createdArn && {createdArn}),
		permissionSet: () => (permissionSet ??= findPermissionSet(sso, instance, plan, createdArn)),
		created(arn) {
			permissionSet = Promise.resolve(newPermissionSet(arn, plan));
		},
		madeByUs: (action, target, permissionSetArn) =>
			record.changes.some(change => change.action === action && change.target === target && change.role === permissionSetArn),
		targetsMade: (action, permissionSetArn) => record.changes.filter(change => change.action === action && change.role === permissionSetArn).map(change => change.target),
	};
}

export async function inspectPermissionSet(
	sso: SsoPort,
	plan: PermissionSetPlan,
	record: SetupRecord,
	options: {polling?: Polling; known?: {permissionSet: LivePermissionSet | undefined}; instance?: IdentityCenterInstance} = {},
): Promise<PermissionSetPass> {
	const instance = options.instance ?? (await instanceOf(sso));
	const context = ssoContext(sso, plan, record, instance, options);
	// One read of the permission set serves them all (context.permissionSet()); the identity store is asked beside it.
	const [permissionSet, inline, managed, assignments] = await Promise.all(permissionSetResources.map(resource => resource.inspect(context)));
	// Nothing reaches an account until it is provisioned there (by the assignments after them, or again at the end), so
	// the inline policy and the managed one need not wait for each other: the guard is in place before anyone holds Billing.
	const items = [permissionSet!, together([inline!, managed!]), assignments!];
	const live = await context.permissionSet();
	const differences = items.flatMap(item => item.differences);
	const inspection: RoleInspection = {
		ownership: ownershipOf(live, record, ssoActions.create),
		billingShaped: isBillingShaped(live, plan, differences),
		...(live && {liveArn: live.arn}),
		differences,
		accountIds: plan.accountIds,
	};
	return {instance, inspection, items, ...(live && {live})};
}

/**
 * Reads again and writes only what the review showed (convergeInspected, the role's loop). Then, when this pass
 * changed what the permission set grants, provisions it again to each listed account where someone held it
 * before: new assignments provision it themselves, so a first setup never needs that.
 */
export async function convergePermissionSet(
	sso: SsoPort,
	plan: PermissionSetPlan,
	record: SetupRecord,
	{polling = defaultPolling, ...options}: {reviewed: RoleInspection | undefined; adopt: boolean; write: RecordWrite; polling?: Polling},
): Promise<ConvergeOutcome> {
	const written: Array<{action: string; target: string}> = [];
	let pass: PermissionSetPass | undefined;
	const outcome = await convergeInspected(
		async knownAbsent => (pass = await inspectPermissionSet(sso, plan, record, {polling, ...(knownAbsent && {known: {permissionSet: undefined}})})),
		{
			...options,
			write(action, target, on) {
				written.push({action, target});
				options.write(action, target, on);
			},
		},
		// Identity Center answers a name already taken with a conflict.
		error => isAwsError(error, 'Conflict'),
	);
	// A permission set made in this pass was held by no one before: its new assignments provision it.
	const live = pass?.live;
	if (outcome.kind !== 'converged' || !pass || !live || !written.some(({action}) => definitionWrites.includes(action))) return outcome;
	const context = ssoContext(sso, plan, record, pass.instance, {polling, known: {permissionSet: live}});
	const assignedNow = written.filter(({action}) => action === ssoActions.assign).map(({target}) => target);
	await allSettledOrThrow(
		plan.accountIds.map(async accountId => {
			const assignments = await sso.listAssignments(context.instance.instanceArn, accountId, live.arn);
			if (!assignments.some(assignment => !assignedNow.includes(assignmentTarget(accountId, assignment)))) return;
			const status = await sso.provision(context.instance.instanceArn, live.arn, accountId);
			options.write(ssoActions.provision, accountId, live.arn);
			await awaitRequest(context, 'provisioning', status, `provision ${plan.name} to account ${accountId}`);
		}),
	);
	return outcome;
}

/** What undo would remove of one permission set, and what stops it. */
export interface PermissionSetUndoCheck {
	plan: PermissionSetPlan;
	/** The ARN the record created. */
	arn: string;
	live?: LivePermissionSet;
	ownership: RoleInspection['ownership'];
	/** Policies and assignments on it that this record did not make. */
	foreignGrants: string[];
	items: Inspected[];
}

/** Reads the permission set the record created, by its ARN (a later rename in the plan does not lose it). */
export async function checkPermissionSetUndo(sso: SsoPort, plan: PermissionSetPlan, arn: string, record: SetupRecord, polling = defaultPolling): Promise<PermissionSetUndoCheck> {
	const instance = await instanceOf(sso);
	const live = await sso.readPermissionSet(instance.instanceArn, arn);
	// Undo removes whatever is assigned, so it need not find the planned assignees in the identity store.
	const named = {...plan, assignees: [], ...(live && {name: live.name})};
	const {items, inspection} = await inspectPermissionSet(sso, named, record, {polling, instance, known: {permissionSet: live}});
	if (!live) return {plan, arn, ownership: 'absent', foreignGrants: [], items};
	const context = ssoContext(sso, named, record, instance, {polling, known: {permissionSet: live}});
	const made = (action: string, target: string) => context.madeByUs(action, target, live.arn);
	const foreignAssignments = (await readAccountAssignments(context, live.arn)).flatMap(account =>
		account.assignments
			.filter(assignment => !assignedByUs(context, account.accountId, assignment, live.arn))
			.map(assignment => `the assignment of ${live.name} to ${assignment.principalType.toLowerCase()} ${assignment.principalId} in ${accountWords(named, account.accountId)}`),
	);
	const foreignGrants = [
		...live.managedPolicies.filter(policy => !made(ssoActions.attach, policy)).map(policy => `${policyName(policy)} on ${live.name}`),
		...live.customerManagedPolicies.map(reference => `the customer managed policy ${reference} on ${live.name}`),
		...(live.inlinePolicy !== undefined && !made(ssoActions.putInline, inlineTarget(live.arn)) ? [`the inline policy of ${live.name}`] : []),
		...foreignAssignments,
	];
	return {plan: named, arn, live, ownership: inspection.ownership, foreignGrants, items};
}

export async function undoPermissionSet(check: PermissionSetUndoCheck, write: RecordWrite): Promise<void> {
	for (const item of [...check.items].reverse()) await item.undo(write);
}
