/**
 * How each target is shown: the review's heading, the head of its live read, its details and AWS CLI commands, its
 * hand-off, its --json fields and its one line in a headless run. One view per target kind, drawn from its own plan:
 * the wizard's screens, the headless run and the commands all ask `viewOf`.
 */
import {accountsLabel, assigneeLabel, ssoHandOff} from './core/identity-center.js';
import {costExplorerPolicyName, guardPolicyName, guarded} from './core/plan.js';
import {printable} from './core/text.js';
import type {Verification} from './engine/ports.js';
import {targetOf, targets, type Target, type TargetContext, type TargetKind} from './engine/target.js';
import {formatFinish, formatIdentityCenterFinish, formatPermissionSetPlan, formatPlan, type RootStep} from './present.js';
import {permissionSetCommands} from './reconcile/permission-set-resources.js';
import {cliCommands} from './reconcile/role-resources.js';

/** What --json says of what a setup makes, beside the run's own fields (headless.ts SetupResult). */
export interface MadeResult {
	account: string;
	partition: string;
	role?: {name: string; arn: string; maxSessionSeconds: number};
	policies: {managed: string; costExplorerInline: boolean; guard: boolean};
	switchRoleUrl?: string;
	profile?: string;
	/** Who the profile is for and what each of them needs, when not only the caller. */
	profileNotes?: string[];
	verification?: {assumedAs?: string; assumeSkipped?: string; costCheck?: Verification['billingAccess']};
	/** Via Identity Center, instead of role, switchRoleUrl and profile: the permission set and where its people sign in. */
	via?: 'identity-center';
	/** `accounts`: where it is assigned (for --accounts all, the ACTIVE accounts Organizations listed). */
	permissionSet?: {name: string; arn?: string; sessionDuration: string; assignees: string[]; accounts: string[]};
	accessPortalUrl?: string;
}

/** Its target's nouns, and what is drawn from its plan. */
export interface MadeView extends Pick<Target, 'noun' | 'switchable'> {
	name: string;
	/** The review's first line. */
	heading: string;
	/** The head of the live read: "In IAM now: the role". */
	where: string;
	/** What `d` and the dry run print: the policies and AWS CLI commands. */
	details(): string;
	commands(): string[];
	/** What a dry run's --json says of the plan. */
	planned(): Record<string, unknown>;
	/** How to use it, printed once a setup ends (and by status --handoff). */
	finish(rootStep: RootStep): string;
	result(): MadeResult;
	/** A headless run's line once it is in place: what it is, by ARN. */
	placed(): string;
	/** What status --handoff --json prints. */
	handOff(): Record<string, unknown>;
}

const verificationResult = ({verification}: TargetContext): Pick<MadeResult, 'verification'> =>
	verification
		? {
				verification: {
					...(verification.assumedAs && {assumedAs: verification.assumedAs}),
					...(verification.assumeSkipped && {assumeSkipped: verification.assumeSkipped}),
					...(verification.billingAccess && {costCheck: verification.billingAccess}),
				},
			}
		: {};

type PlanView = Omit<MadeView, 'noun' | 'switchable' | 'where'>;

function roleView(context: TargetContext): PlanView {
	const plan = targets.role.plan(context);
	return {
		name: plan.roleName,
		heading: `Role ${plan.roleArn}`,
		details: () => formatPlan(plan),
		commands: () => cliCommands(plan),
		planned: () => ({...plan}),
		finish: rootStep => formatFinish(plan, rootStep),
		result: () => ({
			account: plan.accountId,
			partition: plan.partition,
			role: {name: plan.roleName, arn: plan.roleArn, maxSessionSeconds: plan.maxSessionSeconds},
			policies: {managed: plan.managedPolicyArn, costExplorerInline: costExplorerPolicyName in plan.inlinePolicies, guard: guardPolicyName in plan.inlinePolicies},
			switchRoleUrl: plan.switchRoleUrl,
			profile: plan.profileBlock,
			profileNotes: plan.profileNotes,
			...verificationResult(context),
		}),
		placed: () => plan.roleArn,
		handOff: () => {
			const {accountId, roleArn, switchRoleUrl, profileName, profileBlock, profileNotes} = plan;
			return {accountId, roleArn, switchRoleUrl, profileName, profileBlock, profileNotes};
		},
	};
}

function permissionSetView(context: TargetContext): PlanView {
	const plan = targets['permission-set'].plan(context);
	const {verification, inspection} = context;
	const handOff = verification?.identityStoreId && verification.ssoRegion ? ssoHandOff(plan, {identityStoreId: verification.identityStoreId, region: verification.ssoRegion}) : undefined;
	const arn = verification?.roleArn || inspection?.liveArn;
	const assignees = plan.assignees.map(assigneeLabel);
	return {
		name: plan.name,
		heading: printable(`Permission set ${plan.name} in ${accountsLabel(plan)}, assigned to ${assignees.join(', ')}`),
		details: () => formatPermissionSetPlan(plan),
		commands: () => permissionSetCommands(plan),
		planned: () => ({via: 'identity-center', permissionSet: plan}),
		finish: rootStep => formatIdentityCenterFinish(plan, verification, rootStep),
		result: () => ({
			account: plan.accountId,
			partition: plan.partition,
			via: 'identity-center',
			permissionSet: {name: plan.name, ...(arn && {arn}), sessionDuration: plan.sessionDuration, assignees, accounts: plan.accountIds},
			policies: {managed: plan.managedPolicyArn, costExplorerInline: context.settings.costExplorer, guard: guarded(context.settings)},
			...(handOff && {accessPortalUrl: handOff.accessPortalUrl, profile: handOff.profileBlock}),
			...verificationResult(context),
		}),
		placed: () => printable(`the permission set ${plan.name} (${arn ?? 'no ARN read'}), assigned to ${assignees.join(', ') || 'no one'} in ${accountsLabel(plan)}`),
		handOff: () => ({
			accountId: plan.accountId,
			permissionSetArn: verification?.roleArn,
			...(handOff && {accessPortalUrl: handOff.accessPortalUrl, profileName: handOff.profileName, profileBlock: handOff.profileBlock}),
		}),
	};
}

const views: Record<TargetKind, (context: TargetContext) => PlanView> = {role: roleView, 'permission-set': permissionSetView};

export function viewOf(context: TargetContext): MadeView {
	const {kind, noun, switchable, service} = targetOf(context.settings);
	return {noun, switchable, where: `In ${service} now: the ${noun}`, ...views[kind](context)};
}
