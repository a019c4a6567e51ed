/**
 * The permission set's assignments in each account the plan lists, and in accounts it no longer lists, what this
 * record assigned there. New assignments provision the permission set themselves.
 */
import {assigneeLabel, type PermissionSetPlan} from '../core/identity-center.js';
import {ProblemError} from '../core/problem.js';
import type {Assignee} from '../core/settings.js';
import {difference, shellCommand, shellQuote, type Reconciler, type RecordWrite} from './model.js';
import {arnOf, awaitRequest, ssoActions, type SsoContext} from './permission-set-context.js';
import type {LiveAssignment} from './sso.js';

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
export const assignmentTarget = (accountId: string, assignment: LiveAssignment) => `${accountId}/${assignment.principalType}:${assignment.principalId}`;
const sameAssignment = (a: LiveAssignment, b: LiveAssignment) => a.principalType === b.principalType && a.principalId === b.principalId;
const asAssignment = (wanted: LiveAssignments['wanted'][number]): LiveAssignment => ({principalType: wanted.type, principalId: wanted.principalId});

/** Records from before --accounts name an assignment without its account: it was made in the plan's own account. */
function accountOfTarget(target: string, plan: PermissionSetPlan): string {
	const cut = target.indexOf('/');
	return cut === -1 ? plan.accountId : target.slice(0, cut);
}

export function assignedByUs({madeByUs, plan}: Pick<SsoContext, 'madeByUs' | 'plan'>, accountId: string, assignment: LiveAssignment, permissionSetArn: string): boolean {
	return (
		madeByUs(ssoActions.assign, assignmentTarget(accountId, assignment), permissionSetArn) ||
		(accountId === plan.accountId && madeByUs(ssoActions.assign, `${assignment.principalType}:${assignment.principalId}`, permissionSetArn))
	);
}

/** `this account` or `account 111122223333`. */
export const accountWords = (plan: PermissionSetPlan, accountId: string) => (accountId === plan.accountId ? 'this account' : `account ${accountId}`);

/** The listed accounts and those where this record assigned the permission set before, each with its assignments. */
export async function readAccountAssignments(context: SsoContext, permissionSetArn: string): Promise<AccountAssignments[]> {
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
