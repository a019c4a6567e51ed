/**
 * The resources of a billing permission set in IAM Identity Center, in the model the role's follow
 * (model.ts): the permission set itself, its managed policy, its one inline policy, and its assignments
 * in each account the plan lists (and in accounts it no longer lists, what this record assigned there);
 * and the loops over them: inspect, converge, the undo check and undo, the CLI commands.
 * Ownership is the role's rule (role-resources.ts): the ManagedBy and BillingSetupId tags and the local record.
 *
 * Writes to a permission set reach the account only when it is provisioned there: new assignments provision it
 * themselves, and a changed definition is provisioned again when someone already holds it. Identity Center answers
 * those with a request to poll; the polls are counted, never timed, so a slow answer fails in words, not a hang.
 */
import {assigneeLabel, type PermissionSetPlan} from '../core/identity-center.js';
import {costExplorerPolicyName, guardPolicyName, setupIdTagKey, managedByTag} from '../core/plan.js';
import {samePolicy} from '../core/policy.js';
import {ProblemError} from '../core/problem.js';
import {billingPolicyArns, type Assignee} from '../core/settings.js';
import {isAwsError} from '../core/aws-error.js';
import {allSettledOrThrow} from '../core/concurrency.js';
import {managedPolicyDifferences} from './managed-policies.js';
import {difference, owned, together, policyArgument, policyName, shellCommand, shellQuote, type Difference, type Inspected, type Reconciler, type RecordWrite} from './model.js';
import {convergeInspected, ownershipOf, type ConvergeOutcome, type Pass, type RoleInspection, type SetupRecord} from './role-resources.js';
import {newPermissionSet, type IdentityCenterInstance, type LiveAssignment, type LivePermissionSet, type RequestKind, type RequestStatus, type SsoPort} from './sso.js';

/** How long to wait for Identity Center's asynchronous requests: so many polls, so far apart. */
export interface Polling {
	polls: number;
	pauseMs: number;
}

/** Provisioning usually takes seconds; a minute of polls covers a busy organisation. */
export const defaultPolling: Polling = {polls: 60, pauseMs: 1000};

export interface SsoContext {
	sso: SsoPort;
	plan: PermissionSetPlan;
	instance: IdentityCenterInstance;
	/** The permission set as Identity Center has it now, read once per pass. */
	permissionSet(): Promise<LivePermissionSet | undefined>;
	/** The ARN of the permission set this record created last, if it did: most likely the one read. */
	createdArn?: string;
	/** Told by the create, so the parts that follow put themselves on it without reading it again. */
	created(arn: string): void;
	/** Whether the local record holds that write on that permission set. */
	madeByUs(action: string, target: string, permissionSetArn: string): boolean;
	/** The targets of that write the local record holds on that permission set. */
	targetsMade(action: string, permissionSetArn: string): string[];
	polling: Polling;
}

/** Which records name the writes: the SDK's action names, under the service prefix IAM policies use. */
export const ssoActions = {
	create: 'sso:CreatePermissionSet',
	update: 'sso:UpdatePermissionSet',
	tag: 'sso:TagResource',
	attach: 'sso:AttachManagedPolicyToPermissionSet',
	detach: 'sso:DetachManagedPolicyFromPermissionSet',
	detachCustomer: 'sso:DetachCustomerManagedPolicyReferenceFromPermissionSet',
	putInline: 'sso:PutInlinePolicyToPermissionSet',
	deleteInline: 'sso:DeleteInlinePolicyFromPermissionSet',
	assign: 'sso:CreateAccountAssignment',
	unassign: 'sso:DeleteAccountAssignment',
	provision: 'sso:ProvisionPermissionSet',
	delete: 'sso:DeletePermissionSet',
} as const;

/** The writes that change what the permission set grants, so that an account holding it needs it provisioned again. */
const definitionWrites: string[] = [ssoActions.update, ssoActions.attach, ssoActions.detach, ssoActions.detachCustomer, ssoActions.putInline, ssoActions.deleteInline];

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/** Polls a request until it ends; fails in words when it failed or did not end within the polls. */
export async function awaitRequest(context: Pick<SsoContext, 'sso' | 'instance' | 'polling'>, kind: RequestKind, first: RequestStatus, what: string): Promise<void> {
	let status = first;
	for (let poll = 0; status.status === 'IN_PROGRESS' && poll < context.polling.polls; poll++) {
		await sleep(context.polling.pauseMs);
		status = await context.sso.requestStatus(context.instance.instanceArn, kind, status.requestId);
	}
	if (status.status === 'SUCCEEDED') return;
	throw new ProblemError(
		status.status === 'FAILED'
			? {title: `Identity Center could not ${what}.`, why: status.failureReason ?? 'It gave no reason.', next: 'Fix what it names, then run billing-setup again: it picks up from what is live.'}
			: {
					title: `Identity Center did not finish ${what} after ${context.polling.polls} checks.`,
					why: `The request ${status.requestId} is still in progress.`,
					next: 'Run billing-setup again in a minute: it reads what is live and goes on from there.',
				},
	);
}

function arnOf(live: LivePermissionSet | undefined, what: string): string {
	if (!live) throw new Error(`The permission set must exist before its ${what}`);
	return live.arn;
}

export function diffPermissionSet(live: LivePermissionSet | undefined, plan: PermissionSetPlan): Difference[] {
	const resource = 'permission-set';
	if (!live) return [difference(resource, 'add', `create the permission set ${plan.name}`)];
	const differences: Difference[] = [];
	if (live.sessionDuration !== plan.sessionDuration) {
		differences.push(
			difference(resource, 'change', `change the session duration: ${live.sessionDuration} → ${plan.sessionDuration}`, {
				widening: durationSeconds(live.sessionDuration) > durationSeconds(plan.sessionDuration),
			}),
		);
	}
	if (live.description !== plan.description) differences.push(difference(resource, 'change', `set the description to “${plan.description}”`));
	if (live.tags[managedByTag.Key] !== managedByTag.Value) differences.push(difference(resource, 'add', `tag it ${managedByTag.Key}=${managedByTag.Value}`));
	if (live.tags[setupIdTagKey] !== plan.setupId) {
		differences.push(difference(resource, 'change', `tag it as this setup's (${setupIdTagKey}=${plan.setupId})`, {adoption: true}));
	}
	return differences;
}

/** `PT1H30M` → 5400; what no ISO-8601 reading gives counts as longer than any plan. */
function durationSeconds(duration: string): number {
	const match = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$/.exec(duration);
	if (!match) return Number.POSITIVE_INFINITY;
	const [, hours = '0', minutes = '0', seconds = '0'] = match;
	return Number(hours) * 3600 + Number(minutes) * 60 + Number(seconds);
}

export const permissionSetReconciler: Reconciler<LivePermissionSet | undefined, SsoContext, PermissionSetPlan> = {
	id: 'permission-set',
	read: context => context.permissionSet(),
	diff: (live, {plan}) => diffPermissionSet(live, plan),
	async apply(live, {sso, plan, instance, created}, record) {
		if (!live) {
			const arn = await sso.createPermissionSet(instance.instanceArn, {name: plan.name, description: plan.description, sessionDuration: plan.sessionDuration, tags: plan.tags});
			record(ssoActions.create, arn, arn);
			created(arn);
			return;
		}
		if (live.sessionDuration !== plan.sessionDuration || live.description !== plan.description) {
			await sso.updatePermissionSet(instance.instanceArn, live.arn, {description: plan.description, sessionDuration: plan.sessionDuration});
			record(ssoActions.update, live.arn, live.arn);
		}
		if (plan.tags.some(tag => live.tags[tag.Key] !== tag.Value)) {
			await sso.tagPermissionSet(instance.instanceArn, live.arn, plan.tags);
			record(ssoActions.tag, live.arn, live.arn);
		}
	},
	async undo(live, {sso, instance}, record) {
		if (!live) return;
		await sso.deletePermissionSet(instance.instanceArn, live.arn);
		record(ssoActions.delete, live.arn, live.arn);
	},
	describe: plan => [
		'INSTANCE_ARN=$(aws sso-admin list-instances --query "Instances[0].InstanceArn" --output text)',
		'IDENTITY_STORE_ID=$(aws sso-admin list-instances --query "Instances[0].IdentityStoreId" --output text)',
		`PERMISSION_SET_ARN=$(${shellCommand('aws sso-admin create-permission-set', [
			'--instance-arn "$INSTANCE_ARN"',
			`--name ${shellQuote(plan.name)}`,
			`--description ${shellQuote(plan.description)}`,
			`--session-duration ${plan.sessionDuration}`,
			...plan.tags.map((tag, index) => `${index === 0 ? '--tags ' : ''}Key=${tag.Key},Value=${tag.Value}`),
			'--query PermissionSet.PermissionSetArn --output text',
		])})`,
	],
};

interface LivePolicies {
	permissionSetArn?: string;
	managed: string[];
	customer: string[];
}

export const permissionSetManagedPoliciesReconciler: Reconciler<LivePolicies, SsoContext, PermissionSetPlan> = {
	id: 'permission-set-managed-policies',
	async read(context) {
		const live = await context.permissionSet();
		return {...(live && {permissionSetArn: live.arn}), managed: live?.managedPolicies ?? [], customer: live?.customerManagedPolicies ?? []};
	},
	diff(live, {plan, madeByUs}) {
		const attachedByUs = (arn: string) => live.permissionSetArn !== undefined && madeByUs(ssoActions.attach, arn, live.permissionSetArn);
		return [
			...managedPolicyDifferences(this.id, live.managed, plan.managedPolicyArn, attachedByUs),
			// billing-setup never attaches these: whatever they grant is beyond the plan.
			...live.customer.map(reference =>
				difference(this.id, 'remove', `detach the customer managed policy ${reference} (attached outside billing-setup)`, {widening: true, foreign: true}),
			),
		];
	},
	async apply(live, context, record) {
		const arn = live.permissionSetArn ?? arnOf(await context.permissionSet(), 'policies');
		const {sso, instance, plan} = context;
		if (!live.managed.includes(plan.managedPolicyArn)) {
			await sso.attachManagedPolicy(instance.instanceArn, arn, plan.managedPolicyArn);
			record(ssoActions.attach, plan.managedPolicyArn, arn);
		}
		for (const policy of live.managed.filter(policy => policy !== plan.managedPolicyArn)) {
			await sso.detachManagedPolicy(instance.instanceArn, arn, policy);
			record(ssoActions.detach, policy, arn);
		}
		for (const reference of live.customer) {
			await sso.detachCustomerManagedPolicy(instance.instanceArn, arn, reference);
			record(ssoActions.detachCustomer, reference, arn);
		}
	},
	async undo(live, {sso, instance}, record) {
		if (!live.permissionSetArn) return;
		for (const policy of live.managed) {
			await sso.detachManagedPolicy(instance.instanceArn, live.permissionSetArn, policy);
			record(ssoActions.detach, policy, live.permissionSetArn);
		}
		for (const reference of live.customer) {
			await sso.detachCustomerManagedPolicy(instance.instanceArn, live.permissionSetArn, reference);
			record(ssoActions.detachCustomer, reference, live.permissionSetArn);
		}
	},
	describe: plan => [
		shellCommand('aws sso-admin attach-managed-policy-to-permission-set', [
			'--instance-arn "$INSTANCE_ARN"',
			'--permission-set-arn "$PERMISSION_SET_ARN"',
			`--managed-policy-arn ${plan.managedPolicyArn}`,
		]),
	],
};

interface LiveInline {
	permissionSetArn?: string;
	document?: unknown;
}

/** The inline policy's record target: a permission set has one, so it is named by the permission set. */
const inlineTarget = (permissionSetArn: string) => `${permissionSetArn}/inline`;

export const permissionSetInlinePolicyReconciler: Reconciler<LiveInline, SsoContext, PermissionSetPlan> = {
	id: 'permission-set-inline-policy',
	async read(context) {
		const live = await context.permissionSet();
		return {...(live && {permissionSetArn: live.arn}), ...(live?.inlinePolicy !== undefined && {document: live.inlinePolicy})};
	},
	diff(live, {plan, madeByUs}) {
		if (plan.inlinePolicy && live.document === undefined) return [difference(this.id, 'add', `add the inline policy (${inlineParts(plan)})`)];
		if (plan.inlinePolicy && !samePolicy(live.document, plan.inlinePolicy)) {
			// Content edited by hand may allow anything; the plan's is the known one.
			return [difference(this.id, 'change', 'rewrite the inline policy: it was edited outside billing-setup', {widening: true, foreign: true})];
		}
		if (!plan.inlinePolicy && live.document !== undefined) {
			const foreign = !(live.permissionSetArn && madeByUs(ssoActions.putInline, inlineTarget(live.permissionSetArn), live.permissionSetArn));
			return [difference(this.id, 'remove', `delete the inline policy${foreign ? ' (added outside billing-setup)' : ''}`, {widening: true, foreign})];
		}
		return [];
	},
	async apply(live, context, record) {
		const {sso, instance, plan} = context;
		const arn = live.permissionSetArn ?? arnOf(await context.permissionSet(), 'inline policy');
		if (plan.inlinePolicy && !samePolicy(live.document, plan.inlinePolicy)) {
			await sso.putInlinePolicy(instance.instanceArn, arn, plan.inlinePolicy);
			record(ssoActions.putInline, inlineTarget(arn), arn);
		} else if (!plan.inlinePolicy && live.document !== undefined) {
			await sso.deleteInlinePolicy(instance.instanceArn, arn);
			record(ssoActions.deleteInline, inlineTarget(arn), arn);
		}
	},
	async undo(live, {sso, instance}, record) {
		if (!live.permissionSetArn || live.document === undefined) return;
		await sso.deleteInlinePolicy(instance.instanceArn, live.permissionSetArn);
		record(ssoActions.deleteInline, inlineTarget(live.permissionSetArn), live.permissionSetArn);
	},
	describe: plan =>
		plan.inlinePolicy
			? [
					shellCommand('aws sso-admin put-inline-policy-to-permission-set', [
						'--instance-arn "$INSTANCE_ARN"',
						'--permission-set-arn "$PERMISSION_SET_ARN"',
						`--inline-policy ${policyArgument(plan.inlinePolicy)}`,
					]),
				]
			: [],
};

/** "the Cost Explorer add-on and the guard", from the statements' names. */
function inlineParts(plan: PermissionSetPlan): string {
	const sids = (plan.inlinePolicy?.Statement ?? []).map(statement => String(statement.Sid));
	return [
		...(sids.some(sid => sid.startsWith(costExplorerPolicyName)) ? ['the Cost Explorer add-on'] : []),
		...(sids.some(sid => sid.startsWith(guardPolicyName)) ? ['the guard'] : []),
	].join(' and ');
}

/** One account's assignments of the permission set, as read. */
interface AccountAssignments {
	accountId: string;
	/**
	 * The plan lists it, so the planned assignees belong there and anything else is beyond the plan. An account
	 * the plan no longer lists is read only for what this record assigned there: the rest is not billing-setup's.
	 */
	listed: boolean;
	assignments: LiveAssignment[];
}

interface LiveAssignments {
	permissionSetArn?: string;
	/** The plan's assignees with their identity store ids. */
	wanted: Array<Assignee & {principalId: string}>;
	accounts: AccountAssignments[];
	/** Who the assignments beyond the plan are, by identity store id, so the review and undo name them as people know them. */
	names: Record<string, string>;
}

/** How the record names an assignment: the account, then who. */
const assignmentTarget = (accountId: string, assignment: LiveAssignment) => `${accountId}/${assignment.principalType}:${assignment.principalId}`;
const sameAssignment = (a: LiveAssignment, b: LiveAssignment) => a.principalType === b.principalType && a.principalId === b.principalId;
const asAssignment = (wanted: LiveAssignments['wanted'][number]): LiveAssignment => ({principalType: wanted.type, principalId: wanted.principalId});

/** Records from before --accounts name an assignment without its account: it was made in the plan's own account. */
function accountOfTarget(target: string, plan: PermissionSetPlan): string {
	const cut = target.indexOf('/');
	return cut === -1 ? plan.accountId : target.slice(0, cut);
}

function assignedByUs({madeByUs, plan}: Pick<SsoContext, 'madeByUs' | 'plan'>, accountId: string, assignment: LiveAssignment, permissionSetArn: string): boolean {
	return (
		madeByUs(ssoActions.assign, assignmentTarget(accountId, assignment), permissionSetArn) ||
		(accountId === plan.accountId && madeByUs(ssoActions.assign, `${assignment.principalType}:${assignment.principalId}`, permissionSetArn))
	);
}

/** `this account` or `account 111122223333`. */
const accountWords = (plan: PermissionSetPlan, accountId: string) => (accountId === plan.accountId ? 'this account' : `account ${accountId}`);

/** The listed accounts and those where this record assigned the permission set before, each with its assignments. */
async function readAccountAssignments(context: SsoContext, permissionSetArn: string): Promise<AccountAssignments[]> {
	const {sso, plan, instance} = context;
	const recorded = context.targetsMade(ssoActions.assign, permissionSetArn).map(target => accountOfTarget(target, plan));
	return Promise.all(
		[...new Set([...plan.accountIds, ...recorded])].map(async accountId => {
			const listed = plan.accountIds.includes(accountId);
			const assignments = await sso.listAssignments(instance.instanceArn, accountId, permissionSetArn);
			return {accountId, listed, assignments: listed ? assignments : assignments.filter(assignment => assignedByUs(context, accountId, assignment, permissionSetArn))};
		}),
	);
}

/** The planned assignees a listed account lacks. */
function missing(account: AccountAssignments, wanted: LiveAssignments['wanted']): LiveAssignments['wanted'] {
	return account.listed ? wanted.filter(person => !account.assignments.some(assignment => sameAssignment(assignment, asAssignment(person)))) : [];
}

/** What an account has beyond the plan: in an account no longer listed, everything this record assigned there. */
function unwanted(account: AccountAssignments, wanted: LiveAssignments['wanted']): LiveAssignment[] {
	return account.assignments.filter(assignment => !(account.listed && wanted.some(person => sameAssignment(assignment, asAssignment(person)))));
}

export const accountAssignmentsReconciler: Reconciler<LiveAssignments, SsoContext, PermissionSetPlan> = {
	id: 'account-assignments',
	async read(context) {
		const {sso, plan, instance} = context;
		// The permission set this record created is listed by its ARN beside its read; read again only if it is another now.
		const expected = context.createdArn ? readAccountAssignments(context, context.createdArn) : undefined;
		expected?.catch(() => {});
		const ids = await Promise.all(plan.assignees.map(assignee => sso.principalId(instance.identityStoreId, assignee)));
		const wanted: LiveAssignments['wanted'] = plan.assignees.map((assignee, index) => {
			const principalId = ids[index];
			if (!principalId) {
				throw new ProblemError({
					title: `The identity store ${instance.identityStoreId} has no ${assignee.type === 'USER' ? 'user named' : 'group named'} ${assignee.name}.`,
					why: `--assign names users by their user name and groups by their display name, as Identity Center (${sso.region}) has them.`,
					next: 'Check the name in the Identity Center console (Users, Groups), then run again with --assign.',
				});
			}
			return {...assignee, principalId};
		});
		const live = await context.permissionSet();
		if (!live) return {wanted, accounts: plan.accountIds.map(accountId => ({accountId, listed: true, assignments: []})), names: {}};
		const accounts = await (live.arn === context.createdArn && expected ? expected : readAccountAssignments(context, live.arn));
		// Only those beyond the plan need their names read: the plan's are named by it.
		const others = [...new Map(accounts.flatMap(account => unwanted(account, wanted)).map(assignment => [assignment.principalId, assignment])).values()];
		const names = await Promise.all(others.map(assignment => sso.principalName(instance.identityStoreId, assignment)));
		return {permissionSetArn: live.arn, wanted, accounts, names: Object.fromEntries(others.flatMap((assignment, index) => (names[index] ? [[assignment.principalId, names[index]]] : [])))};
	},
	diff(live, context) {
		return live.accounts.flatMap(account => {
			const where = accountWords(context.plan, account.accountId);
			const additions = missing(account, live.wanted).map(person => difference(this.id, 'add', `assign it to ${assigneeLabel(person)} in ${where}`));
			const removals = unwanted(account, live.wanted).map(assignment => {
				const foreign = !(live.permissionSetArn && assignedByUs(context, account.accountId, assignment, live.permissionSetArn));
				const why = foreign ? ' (assigned outside billing-setup)' : account.listed ? '' : ' (--accounts no longer lists it)';
				const name = live.names[assignment.principalId];
				const who = name ? assigneeLabel({type: assignment.principalType, name}) : `${assignment.principalType.toLowerCase()} ${assignment.principalId} (no longer in the identity store)`;
				return difference(this.id, 'remove', `unassign ${who} in ${where}${why}`, {widening: true, foreign});
			});
			return [...additions, ...removals];
		});
	},
	async apply(live, context, record) {
		const {sso, instance, plan} = context;
		const arn = live.permissionSetArn ?? arnOf(await context.permissionSet(), 'assignments');
		for (const account of live.accounts) {
			const target = (assignment: LiveAssignment) => ({...assignment, accountId: account.accountId, permissionSetArn: arn});
			for (const person of missing(account, live.wanted)) {
				const status = await sso.createAssignment(instance.instanceArn, target(asAssignment(person)));
				// Recorded once asked: a failure after this still leaves something undo must look at.
				record(ssoActions.assign, assignmentTarget(account.accountId, asAssignment(person)), arn);
				await awaitRequest(context, 'assignment-creation', status, `assign ${plan.name} to ${assigneeLabel(person)} in ${accountWords(plan, account.accountId)}`);
			}
			for (const assignment of unwanted(account, live.wanted)) await unassign(context, account.accountId, assignment, arn, record);
		}
	},
	async undo(live, context, record) {
		if (!live.permissionSetArn) return;
		for (const account of live.accounts) {
			for (const assignment of account.assignments) await unassign(context, account.accountId, assignment, live.permissionSetArn, record);
		}
	},
	describe: plan => [
		...plan.assignees.map((assignee, index) => {
			const [command, path, id] = assignee.type === 'USER' ? ['get-user-id', 'userName', 'UserId'] : ['get-group-id', 'displayName', 'GroupId'];
			const identifier = {UniqueAttribute: {AttributePath: path, AttributeValue: assignee.name}};
			return `${principalVariable(index)}=$(${shellCommand(`aws identitystore ${command}`, ['--identity-store-id "$IDENTITY_STORE_ID"', `--alternate-identifier ${shellQuote(JSON.stringify(identifier))}`, `--query ${id} --output text`])})`;
		}),
		...plan.accountIds.flatMap(accountId => [
			...plan.assignees.map((assignee, index) =>
				shellCommand('aws sso-admin create-account-assignment', [
					'--instance-arn "$INSTANCE_ARN"',
					'--permission-set-arn "$PERMISSION_SET_ARN"',
					`--target-type AWS_ACCOUNT --target-id ${shellQuote(accountId)}`,
					`--principal-type ${assignee.type} --principal-id "$${principalVariable(index)}"`,
				]),
			),
			// An assignment provisions the permission set itself; after a later change to it, this pushes the change.
			shellCommand('aws sso-admin provision-permission-set', ['--instance-arn "$INSTANCE_ARN"', '--permission-set-arn "$PERMISSION_SET_ARN"', `--target-type AWS_ACCOUNT --target-id ${shellQuote(accountId)}`]),
		]),
	],
};

const principalVariable = (index: number) => `PRINCIPAL_${index + 1}`;

async function unassign(context: SsoContext, accountId: string, assignment: LiveAssignment, permissionSetArn: string, record: RecordWrite): Promise<void> {
	const status = await context.sso.deleteAssignment(context.instance.instanceArn, {...assignment, accountId, permissionSetArn});
	record(ssoActions.unassign, assignmentTarget(accountId, assignment), permissionSetArn);
	await awaitRequest(context, 'assignment-deletion', status, `remove the assignment of ${assignment.principalId} in ${accountWords(context.plan, accountId)}`);
}

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
