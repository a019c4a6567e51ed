/**
 * What a setup makes, chosen once from its settings: an IAM role people switch to, or an IAM Identity Center
 * permission set assigned to them. Every layer asks the target (its plan, its AWS port, its nouns, what its record
 * made); none tests which one it is. `targetOf` is the one place that looks at `via`.
 */
import {buildPermissionSetPlan, type PermissionSetPlan} from '../core/identity-center.js';
import {buildPlan, roleLocation, type Plan} from '../core/plan.js';
import type {Identity, Partition} from '../core/principal.js';
import {stackSetActions} from '../core/stackset.js';
import {defaultSettings, type MadeNoun, type RoleSettings} from '../core/settings.js';
import type {ConvergeOutcome, RecordedWrite, RoleInspection, SetupRecord} from '../reconcile/role-resources.js';
import type {MadePorts, ConvergeOptions, LiveRead, MadePort, Removal, Verification} from './ports.js';

/** An AWS write the tool made, recorded the moment it succeeded: the reconcilers' record of it, and when. */
export interface Change extends RecordedWrite {
	at: string;
}

/** What a target needs to know of a setup: the wizard's state has it, and so has a saved record with the caller's account. */
export interface TargetContext {
	accountId: string;
	partition: Partition;
	/** Who runs this: the plan's profile and MFA serial are theirs. Absent in a dry run without credentials. */
	caller?: Identity;
	/** The region a dry run was given, for the profile it prints. */
	region?: string;
	settings: RoleSettings;
	setupId: string;
	changes: Change[];
	verification?: Verification;
	/** The last live read: a permission set's --accounts all are the accounts it compared. */
	inspection?: RoleInspection;
}

export type TargetKind = 'role' | 'permission-set';

/** The setting questions only some targets ask: a role's trust and MFA, a permission set's assignees. */
export type TargetQuestion = 'trust' | 'mfa' | 'assignees';

export interface Target {
	kind: TargetKind;
	noun: MadeNoun;
	/** The flag that names it. */
	flag: string;
	/** Where it lives: "Reading the role from IAM…". */
	service: string;
	/** What people get billing through, in the words of the choice between them. */
	through: string;
	asks: readonly TargetQuestion[];
	/** How it reaches other accounts (--accounts): a role through a StackSet, a permission set through its assignments. */
	otherAccounts: 'stackset' | 'assignments';
	/** Whether the verification can switch into it; a permission set's people sign in through the access portal. */
	switchable: boolean;
	name(settings: RoleSettings): string;
	named(settings: RoleSettings, name: string): RoleSettings;
	/** What this record made of it and has not removed since, by ARN: a rename leaves the first one behind. */
	created(changes: RecordedWrite[]): string[];
	/** The ARN its writes are recorded on, where the plan knows it before it exists (a role's). */
	writesOn(context: TargetContext): string | undefined;
	inspect(aws: MadePorts, context: TargetContext): Promise<LiveRead>;
	converge(aws: MadePorts, context: TargetContext, options: ConvergeOptions): Promise<ConvergeOutcome>;
	verify(aws: MadePorts, context: TargetContext, options: {assumeSkipped?: string; costCheck: boolean}): Promise<Verification>;
	/** What removing what this record made would delete (those `keep` does not keep), read first; undefined when it made none. */
	removal(aws: MadePorts, context: TargetContext, options: {force: boolean; keep?: (arn: string) => boolean}): Promise<Removal | undefined>;
}

interface TargetSpec<P> extends Pick<Target, 'kind' | 'noun' | 'flag' | 'service' | 'through' | 'asks' | 'otherAccounts' | 'switchable' | 'name' | 'named' | 'writesOn'> {
	actions: {create: string; remove: string};
	plan(context: TargetContext): P;
	/** The plan of one it made, by ARN (a role renamed since keeps its own name and path). */
	planAt(context: TargetContext, arn: string): P;
	principals(context: TargetContext): string[];
	port(aws: MadePorts): MadePort<P>;
}

function target<P>(spec: TargetSpec<P>): Target & {plan(context: TargetContext): P} {
	const record = (context: TargetContext): SetupRecord => ({setupId: context.setupId, changes: context.changes});
	const created = (changes: RecordedWrite[]) => createdBy(changes, spec.actions.create, spec.actions.remove);
	return {
		...spec,
		created,
		inspect: (aws, context) => spec.port(aws).inspect(spec.plan(context), record(context), spec.principals(context)),
		converge: (aws, context, options) => spec.port(aws).converge(spec.plan(context), record(context), options),
		verify: (aws, context, options) => spec.port(aws).verify(spec.plan(context), record(context), options),
		async removal(aws, context, {force, keep = () => true}) {
			const made = created(context.changes).filter(keep);
			if (made.length === 0) return undefined;
			return spec.port(aws).checkRemoval(made.map(arn => ({plan: spec.planAt(context, arn), arn})), record(context), {force});
		},
	};
}

/** What this record created (`create`) and has not removed (`remove`) since, by ARN. */
function createdBy(changes: RecordedWrite[], create: string, remove: string): string[] {
	const made = changes.filter(change => change.action === create).map(change => change.target);
	const deleted = new Set(changes.filter(change => change.action === remove).map(change => change.target));
	return [...new Set(made)].filter(arn => !deleted.has(arn));
}

/** Every StackSet this record created and has not removed (the role in member accounts, commands/members.ts). */
export function createdStackSets(changes: RecordedWrite[]): string[] {
	return createdBy(changes, stackSetActions.create, stackSetActions.delete);
}

/** IAM users and roles of this account that the trust names, which IAM can say exist or not. */
function principalsToCheck({settings: {trust}, accountId}: TargetContext): string[] {
	if (trust.kind !== 'principals') return [];
	return trust.arns.filter(arn => new RegExp(`^arn:[\\w-]+:iam::${accountId}:(user|role)/`).test(arn));
}

function rolePlan({accountId, partition, settings, setupId, caller, region, verification}: TargetContext): Plan {
	// A resumed record may have been verified by someone else; their MFA device is not this caller's.
	const mfa = verification?.mfa;
	return buildPlan(accountId, partition, settings, {setupId, caller, region, mfaSerial: caller && mfa?.userArn === caller.arn ? mfa.serial : undefined});
}

/** Writes and the verification go to the accounts the review showed, not to a list read again since. */
function permissionSetPlan({accountId, partition, settings, setupId, inspection}: TargetContext): PermissionSetPlan {
	return buildPermissionSetPlan(accountId, partition, settings, {setupId, organizationAccounts: inspection?.accountIds});
}

const role = target<Plan>({
	kind: 'role',
	noun: 'role',
	flag: '--role-name',
	service: 'IAM',
	through: 'an IAM role',
	asks: ['trust', 'mfa'],
	otherAccounts: 'stackset',
	switchable: true,
	name: settings => settings.roleName,
	named: (settings, roleName) => ({...settings, roleName}),
	actions: {create: 'iam:CreateRole', remove: 'iam:DeleteRole'},
	plan: rolePlan,
	planAt: ({accountId, partition, settings, setupId}, arn) => buildPlan(accountId, partition, {...settings, ...roleLocation(arn)}, {setupId}),
	principals: principalsToCheck,
	writesOn: context => rolePlan(context).roleArn,
	port: aws => aws.role,
});

const permissionSet = target<PermissionSetPlan>({
	kind: 'permission-set',
	noun: 'permission set',
	flag: '--permission-set',
	service: 'Identity Center',
	through: 'an IAM Identity Center permission set',
	asks: ['assignees'],
	otherAccounts: 'assignments',
	switchable: false,
	name: settings => settings.permissionSetName,
	named: (settings, permissionSetName) => ({...settings, permissionSetName}),
	actions: {create: 'sso:CreatePermissionSet', remove: 'sso:DeletePermissionSet'},
	plan: permissionSetPlan,
	planAt: permissionSetPlan,
	principals: () => [],
	writesOn: () => undefined,
	port: aws => aws.permissionSet,
});

/** Each target by kind, typed by its plan: the views (made.ts) draw each from its own plan. */
export const targets = {role, 'permission-set': permissionSet} as const;

/** The one choice of what a setup makes. */
export function targetOf(settings: Pick<RoleSettings, 'via'>): Target {
	return settings.via === 'identity-center' ? permissionSet : role;
}

/** Records from before setup ids prove ownership by their create writes alone (see ownershipOf). */
const legacySetupId = 'none';

/** A saved record as the reconcilers and the plans take it: records from before setup ids stand under legacySetupId. */
export function ownRecord<Saved extends {setupId?: string; changes: RecordedWrite[]}>(saved: Saved): Saved & SetupRecord {
	return {...saved, setupId: saved.setupId ?? legacySetupId};
}

/** A saved record's context, for the caller of this run in its account; records from before a setting existed get its default. */
export function savedContext(
	saved: {setupId?: string; settings: Partial<RoleSettings>; changes: Change[]; verification?: Verification},
	where: {accountId: string; partition: Partition; caller?: Identity},
): TargetContext {
	return {...where, settings: {...defaultSettings, ...saved.settings}, setupId: ownRecord(saved).setupId, changes: saved.changes, ...(saved.verification && {verification: saved.verification})};
}

/** Everything each target made that removing would delete, read for all before any goes; `keep` picks some. */
export async function removalsOf(aws: MadePorts, context: TargetContext, options: {force: boolean; keep?: (arn: string) => boolean}): Promise<Removal[]> {
	const removals = await Promise.all(Object.values(targets).map(each => each.removal(aws, context, options)));
	return removals.filter(removal => removal !== undefined);
}

/** Everything any target made that this record holds and has not removed. */
export function createdByRecord(changes: RecordedWrite[]): string[] {
	return Object.values(targets).flatMap(each => each.created(changes));
}
