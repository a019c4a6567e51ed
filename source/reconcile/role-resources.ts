/**
 * The resources a billing role is made of, and the loops over them: inspect (read + diff), converge,
 * the undo check and undo, and the CLI commands. Ownership is decided here, from the live tags and the
 * local record, never from the ManagedBy tag alone.
 */
import {costExplorerPolicyName, guardPolicyName, managedByTag, setupIdTagKey, type Plan} from '../core/plan.js';
import {trustedPrincipals} from '../core/policy.js';
import {billingPolicyArns} from '../core/settings.js';
import {isAwsError} from '../core/aws-error.js';
import type {IamPort, LiveRole} from './iam.js';
import {inlinePoliciesReconciler} from './inline-policies.js';
import {managedPoliciesReconciler} from './managed-policies.js';
import {owned, type Difference, type Inspected, type ReconcileContext, type RecordWrite} from './model.js';
import {roleReconciler} from './role.js';

/**
 * Order matters: the role exists before anything is put on it, and the inline policies (the guard's Deny
 * among them) before the managed grant, so a run cut short never leaves Billing without its guard.
 * Undo runs backwards.
 */
export const roleResources = [owned(roleReconciler), owned(inlinePoliciesReconciler), owned(managedPoliciesReconciler)];

/** A write the local record holds. `role` is absent in records written before it was kept. */
export interface RecordedWrite {
	action: string;
	target: string;
	role?: string;
}

/** What the local record knows about the setup: its id and the writes it made. */
export interface SetupRecord {
	setupId: string;
	changes: RecordedWrite[];
}

/**
 * absent: no such role. ours: made by this record (its BillingSetupId tag, or a CreateRole this record
 * holds from before setup ids). elsewhere: tagged ManagedBy=billing-setup by another record. foreign: not ours at all.
 */
export type Ownership = 'absent' | 'ours' | 'elsewhere' | 'foreign';

/** Plain data, kept in the wizard state: what the review, status and headless runs show. Also a permission set's (permission-set.ts). */
export interface RoleInspection {
	ownership: Ownership;
	/** Trust inside the account, only billing policies and the add-on: the only kind of foreign-made role that may be adopted. */
	billingShaped: boolean;
	liveArn?: string;
	differences: Difference[];
	/** A permission set's: the accounts it was compared in (for --accounts all, those Organizations listed). */
	accountIds?: string[];
}

export function cliCommands(plan: Plan): string[] {
	return roleResources.flatMap(resource => resource.describe(plan));
}

/** Differences that change what the role is; the adoption tag alone never counts. */
export function substantive(differences: Difference[]): Difference[] {
	return differences.filter(difference => !difference.adoption);
}

/** From the live tags and the record; `createAction` is the write that made such a resource (a record from before setup ids holds it). */
export function ownershipOf(live: {tags: Record<string, string>; arn: string} | undefined, record: SetupRecord, createAction = 'iam:CreateRole'): Ownership {
	if (!live) return 'absent';
	if (live.tags[managedByTag.Key] !== managedByTag.Value) return 'foreign';
	const tagged = live.tags[setupIdTagKey];
	if (tagged === record.setupId) return 'ours';
	if (!tagged && record.changes.some(change => change.action === createAction && change.target === live.arn)) return 'ours';
	return 'elsewhere';
}

function isBillingShaped(live: LiveRole | undefined, plan: Plan, differences: Difference[]): boolean {
	if (!live) return true;
	const inAccount = (principal: string) =>
		principal === `AWS:${plan.accountId}` || new RegExp(`^AWS:arn:[\\w-]+:(iam|sts)::${plan.accountId}:`).test(principal);
	const billing = billingPolicyArns(plan.partition);
	return (
		trustedPrincipals(live.trustPolicy).every(inAccount) &&
		live.attached.every(arn => billing.includes(arn)) &&
		live.inline.every(name => name === costExplorerPolicyName || name === guardPolicyName) &&
		!differences.some(difference => difference.resource === 'inline-policies' && difference.kind === 'change')
	);
}

/** `known` is a role already read in this pass (or known absent), so it is not read again. */
export function reconcileContext(iam: IamPort, plan: Plan, record: SetupRecord, known?: {role: LiveRole | undefined}): ReconcileContext {
	let role: Promise<LiveRole | undefined> | undefined = known && Promise.resolve(known.role);
	const madeByUs = (action: string, target: string) =>
		record.changes.some(change => change.action === action && change.target === target && (change.role ?? plan.roleArn) === plan.roleArn);
	return {
		iam,
		plan,
		role: () => (role ??= iam.readRole(plan.roleName, {documents: Object.keys(plan.inlinePolicies), expected: madeByUs('iam:CreateRole', plan.roleArn)})),
		madeByUs,
	};
}

export async function inspectRole(
	iam: IamPort,
	plan: Plan,
	record: SetupRecord,
	known?: {role: LiveRole | undefined},
): Promise<{inspection: RoleInspection; items: Inspected[]; live?: LiveRole}> {
	const context = reconcileContext(iam, plan, record, known);
	// One read of the role serves them all (context.role()).
	const items = await Promise.all(roleResources.map(resource => resource.inspect(context)));
	const live = await context.role();
	const differences = items.flatMap(item => item.differences);
	return {
		items,
		...(live && {live}),
		inspection: {
			ownership: ownershipOf(live, record),
			billingShaped: isBillingShaped(live, plan, differences),
			...(live && {liveArn: live.arn}),
			differences,
		},
	};
}

/** Whether billing-setup may write to this role at all; `adopt` is the user's word for a role made elsewhere. */
export function mayChange(inspection: RoleInspection, adopt: boolean): boolean {
	switch (inspection.ownership) {
		case 'absent':
		case 'ours':
			return true;
		case 'elsewhere':
			return inspection.billingShaped && (adopt || substantive(inspection.differences).length === 0);
		case 'foreign':
			return false;
	}
}

const summaries = (differences: Difference[]) => differences.map(difference => difference.summary).join('\n');

export type ConvergeOutcome =
	| {kind: 'converged'}
	/** IAM no longer matches what was reviewed: show the new differences before writing anything. */
	| {kind: 'changed'; inspection: RoleInspection}
	| {kind: 'refused'; inspection: RoleInspection};

/** One read of a resource and its parts: what the review shows, and the reconcilers bound to what was read. */
export interface Pass {
	inspection: RoleInspection;
	items: Inspected[];
}

/**
 * Reads again (`inspect`; `knownAbsent` when the review saw nothing there, so it is not read again: the create
 * itself fails if one appeared meanwhile), and writes only if AWS still matches what the user reviewed
 * (`reviewed`), so an edit between the review and now is shown rather than overwritten. `isCreateRace` knows the
 * error of a create that lost to someone else's.
 */
export async function convergeInspected(
	inspect: (knownAbsent: boolean) => Promise<Pass>,
	{reviewed, adopt, write}: {reviewed: RoleInspection | undefined; adopt: boolean; write: RecordWrite},
	isCreateRace: (error: unknown) => boolean,
): Promise<ConvergeOutcome> {
	const {inspection, items} = await inspect(reviewed?.ownership === 'absent');
	// Who owns it counts as much as what differs: a resource tagged by another record since the review is shown again.
	if (inspection.ownership !== (reviewed?.ownership ?? inspection.ownership) || summaries(inspection.differences) !== summaries(reviewed?.differences ?? [])) {
		return {kind: 'changed', inspection};
	}
	if (!mayChange(inspection, adopt)) return {kind: 'refused', inspection};
	if (substantive(inspection.differences).length === 0) return {kind: 'converged'};
	try {
		for (const item of items) await item.apply(write);
	} catch (error) {
		// Created by someone else between our read and our write: show what is there now.
		if (isCreateRace(error)) return {kind: 'changed', inspection: (await inspect(false)).inspection};
		throw error;
	}
	return {kind: 'converged'};
}

export function convergeRole(
	iam: IamPort,
	plan: Plan,
	record: SetupRecord,
	options: {reviewed: RoleInspection | undefined; adopt: boolean; write: RecordWrite},
): Promise<ConvergeOutcome> {
	return convergeInspected(
		knownAbsent => inspectRole(iam, plan, record, knownAbsent ? {role: undefined} : undefined),
		options,
		error => isAwsError(error, 'EntityAlreadyExists'),
	);
}

/** What undo would remove from one role, and what stops it. */
export interface UndoCheck {
	plan: Plan;
	live?: LiveRole;
	ownership: Ownership;
	/** Managed and inline policies on the role that this record did not put there. */
	foreignGrants: string[];
	instanceProfiles: string[];
	items: Inspected[];
}

export async function checkUndo(iam: IamPort, plan: Plan, record: SetupRecord): Promise<UndoCheck> {
	// Asked beside the role: undo looks only at roles its record made, which are there unless deleted since.
	const [{items, live, inspection}, instanceProfiles] = await Promise.all([inspectRole(iam, plan, record), iam.listInstanceProfiles(plan.roleName)]);
	if (!live) return {plan, ownership: 'absent', foreignGrants: [], instanceProfiles: [], items};
	const context = reconcileContext(iam, plan, record);
	const foreignGrants = [
		...live.attached.filter(arn => !context.madeByUs('iam:AttachRolePolicy', arn)),
		...live.inline.filter(name => !context.madeByUs('iam:PutRolePolicy', `${plan.roleArn}/${name}`)).map(name => `inline policy ${name}`),
	];
	return {plan, live, ownership: inspection.ownership, foreignGrants, instanceProfiles, items};
}

export async function undoRole(check: UndoCheck, write: RecordWrite): Promise<void> {
	for (const item of [...check.items].reverse()) await item.undo(write);
}
