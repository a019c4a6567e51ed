/**
 * The role in many accounts of an organization at once: a service-managed CloudFormation StackSet made from the
 * template `billing-setup template` prints (the same code the wizard writes from), with automatic deployment on,
 * in one region: IAM is global, and a stack in a second region of an account would fail on the role's name.
 * Pure: which accounts and OUs a scope names is read from Organizations (reconcile/stackset.ts).
 */
import type {OrganizationAccount} from './account.js';
import {managedByTag, setupIdTagKey} from './plan.js';
import type {RoleSettings} from './settings.js';
import {buildTemplate, stackSetNameOf} from './template.js';

/** Which records name the writes: the SDK's action names, under the service prefix IAM policies use. */
export const stackSetActions = {
	create: 'cloudformation:CreateStackSet',
	update: 'cloudformation:UpdateStackSet',
	createInstances: 'cloudformation:CreateStackInstances',
	updateInstances: 'cloudformation:UpdateStackInstances',
	deleteInstances: 'cloudformation:DeleteStackInstances',
	delete: 'cloudformation:DeleteStackSet',
} as const;

/** Every member account of the organization, these accounts, or every account beneath these OUs (`ou-…`) or the root (`r-…`). */
export type StackSetScope = {kind: 'all'} | {kind: 'accounts'; ids: string[]} | {kind: 'units'; ids: string[]};

/** CloudFormation's DeploymentTargets: OUs, narrowed to `accounts` when given (AccountFilterType INTERSECTION). */
export interface DeploymentTargets {
	organizationalUnitIds: string[];
	accounts?: string[];
}

/** DeploymentTargets as CloudFormation takes them: an account list is a filter on the OUs. */
export function deploymentTargetsInput(targets: DeploymentTargets): {OrganizationalUnitIds: string[]; AccountFilterType?: 'INTERSECTION'; Accounts?: string[]} {
	return {
		OrganizationalUnitIds: targets.organizationalUnitIds,
		...(targets.accounts && {AccountFilterType: 'INTERSECTION' as const, Accounts: targets.accounts}),
	};
}

/** A member account the StackSet is to reach, and the OU (or root) of the plan's targets it is reached through. */
export interface TargetAccount extends OrganizationAccount {
	unitId: string;
}

/** The scope as Organizations has it now: read again on each run, so a new account is picked up by the next one. */
export interface ResolvedScope {
	/** The OUs (or root) the StackSet targets: automatic deployment gives the role to accounts that join them. */
	unitIds: string[];
	accounts: TargetAccount[];
	/** Whether instances are narrowed to the listed accounts, rather than every account of the targeted OUs. */
	filtered: boolean;
	/** The scope named the management account, or covers it: a StackSet never deploys there. */
	coversManagement: boolean;
}

export interface StackSetPlan extends ResolvedScope {
	name: string;
	roleName: string;
	/** JSON, as `billing-setup template` prints it. */
	templateBody: string;
	tags: Array<{Key: string; Value: string}>;
	setupId: string;
	/** One region is enough (IAM is global): the caller's. */
	region: string;
	scope: StackSetScope;
	managementAccountId: string;
	/** What the plan leaves out and why, for the review, the dry run and the result. */
	notes: string[];
}

export function managementNote(managementAccountId: string): string {
	return `StackSets never deploy to the management account ${managementAccountId}: billing-setup sets up the role there itself.`;
}

export function buildStackSetPlan(
	settings: RoleSettings,
	{setupId, region, managementAccountId, scope, resolved}: {setupId: string; region: string; managementAccountId: string; scope: StackSetScope; resolved: ResolvedScope},
): StackSetPlan {
	return {
		name: stackSetNameOf(settings.roleName),
		roleName: settings.roleName,
		templateBody: JSON.stringify(buildTemplate(settings), null, 2),
		tags: [{...managedByTag}, {Key: setupIdTagKey, Value: setupId}],
		setupId,
		region,
		scope,
		managementAccountId,
		...resolved,
		notes: resolved.coversManagement ? [managementNote(managementAccountId)] : [],
	};
}

/**
 * The CreateStackInstances calls that give every planned account an instance: whole OUs the StackSet does not
 * target yet (unless the plan names accounts), so automatic deployment follows them, then the accounts still
 * missing, by name, so no other account of their OUs is touched.
 */
export function instanceCreations(plan: Pick<ResolvedScope, 'unitIds' | 'filtered'>, targetedUnits: string[], missing: TargetAccount[]): DeploymentTargets[] {
	const untargeted = plan.filtered ? [] : plan.unitIds.filter(unit => !targetedUnits.includes(unit));
	const rest = missing.filter(account => !untargeted.includes(account.unitId));
	return [
		...(untargeted.length > 0 ? [{organizationalUnitIds: untargeted}] : []),
		...(rest.length > 0 ? [{organizationalUnitIds: [...new Set(rest.map(account => account.unitId))], accounts: rest.map(account => account.id)}] : []),
	];
}
