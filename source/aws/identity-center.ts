/** The Identity Center effects of a setup (--via identity-center): the SDK loads only when one of them runs. */
import type {PermissionSetAssignments, PermissionSetLookup} from '../core/account.js';
import {ssoHandOff, withOrganizationAccounts, type PermissionSetPlan} from '../core/identity-center.js';
import {ProblemError} from '../core/problem.js';
import type {AwsOperations} from '../engine/ports.js';
import {substantive} from '../reconcile/role-resources.js';
import type {SsoPort} from '../reconcile/sso.js';
import {failedCall, isAwsError} from './problems.js';
import type {ClientOptions} from './sts.js';

/** Enough to pick from; more can be typed with --assign. */
const peopleLimit = 200;

export function identityCenterOperations(options: ClientOptions, region: string): AwsOperations['permissionSet'] & {port(): Promise<SsoPort>} {
	let port: Promise<SsoPort> | undefined;
	const load = () =>
		(port ??= Promise.all([import('./sso-port.js'), import('../reconcile/permission-set-resources.js')]).then(([{createSsoClients, ssoPort}]) =>
			ssoPort(createSsoClients(options, region), region),
		));
	const reconcilers = () => import('../reconcile/permission-set-resources.js');
	/** --accounts all: the organization's ACTIVE accounts, read before anything is compared (and so before any write). */
	async function organizationAccounts(): Promise<string[]> {
		const {createOrganizationsClient, listAccounts} = await import('./organizations.js');
		const client = createOrganizationsClient(options, region);
		try {
			return (await listAccounts(client)).filter(account => account.status === 'ACTIVE').map(account => account.id);
		} catch (error) {
			if (isAwsError(error, 'AWSOrganizationsNotInUse')) {
				throw new ProblemError({
					title: 'This account is not in an AWS Organization, so --accounts all names no accounts.',
					why: 'Organizations answered that it is not in use here.',
					next: 'Run without --accounts to assign the permission set in this account, or name accounts: --accounts ID[,ID…].',
				});
			}
			if (isAwsError(error, 'AccessDenied')) {
				throw new ProblemError({
					title: 'Organizations did not list the accounts for --accounts all.',
					why: 'organizations:ListAccounts answers only in the management account or a delegated administrator account, to a caller allowed to call it.',
					next: 'Run in the account where the organization’s Identity Center instance lives (the management account, or its delegated administrator), or name the accounts: --accounts ID[,ID…].',
				});
			}
			throw error;
		} finally {
			client.destroy();
		}
	}
	return {
		port: load,
		async people() {
			try {
				const sso = await load();
				const instance = await sso.instance();
				if (!instance) return undefined;
				const people = await sso.listPeople(instance.identityStoreId, peopleLimit);
				// An instance with nobody in it is not how this account's people sign in.
				return people.length > 0 ? {identityStoreId: instance.identityStoreId, people} : undefined;
			} catch {
				// Only an offer: without it the wizard makes a role, as it always could.
				return undefined;
			}
		},
		async inspect(plan, record) {
			const [sso, {inspectPermissionSet}] = await Promise.all([load(), reconcilers()]);
			const targeted = plan.accounts.kind === 'all' ? withOrganizationAccounts(plan, await organizationAccounts()) : plan;
			return {inspection: (await inspectPermissionSet(sso, targeted, record)).inspection, missingPrincipals: []};
		},
		async converge(plan, record, converge) {
			const [sso, {convergePermissionSet}] = await Promise.all([load(), reconcilers()]);
			return convergePermissionSet(sso, plan, record, converge);
		},
		async verify(plan, record) {
			const [sso, {inspectPermissionSet}] = await Promise.all([load(), reconcilers()]);
			const {inspection, instance} = await inspectPermissionSet(sso, plan, record);
			const differences = substantive(inspection.differences);
			if (differences.length > 0) throw mismatch(plan, inspection.ownership === 'absent', differences.map(difference => difference.summary));
			const {accessPortalUrl} = ssoHandOff(plan, {identityStoreId: instance.identityStoreId, region: sso.region});
			return {
				roleArn: inspection.liveArn ?? '',
				accessPortalUrl,
				identityStoreId: instance.identityStoreId,
				ssoRegion: sso.region,
				// Signing in as an assignee needs their browser login; billing-setup cannot do that for them.
				assumeSkipped: 'people sign in to a permission set through the AWS access portal, which billing-setup cannot do for them',
				at: new Date().toISOString(),
			};
		},
		async checkRemoval(made, record, {force}) {
			const [sso, {checkPermissionSetUndo, undoPermissionSet}] = await Promise.all([load(), reconcilers()]);
			const checks: Array<Awaited<ReturnType<typeof checkPermissionSetUndo>>> = [];
			for (const {plan, arn} of made) checks.push(await checkPermissionSetUndo(sso, plan, arn, record));
			const blockers = permissionSetUndoBlockers(checks, force);
			if (blockers.length > 0) throw undoRefused(blockers);
			return {
				items: checks.map(({arn, live, items}) => ({
					arn,
					live: Boolean(live),
					what: live ? `the permission set ${live.name} (${live.arn})` : `the permission set ${arn}`,
					steps: live
						? [
								...items.flatMap(item => item.differences).flatMap(difference => (difference.kind === 'remove' ? [difference.summary] : [])),
								'remove its assignments, its policies, and the permission set',
							]
						: [],
				})),
				async apply(write) {
					for (const check of checks) await undoPermissionSet(check, write(check.arn));
				},
			};
		},
	};
}

function mismatch(plan: PermissionSetPlan, absent: boolean, summaries: string[]): ProblemError {
	return new ProblemError({
		title: absent ? `The permission set ${plan.name} does not exist.` : `The permission set ${plan.name} does not match the plan.`,
		why: `Still to do: ${summaries.join('; ')}. It was changed outside billing-setup, or an earlier run stopped half-way.`,
		next: 'Run billing-setup again: it shows these changes and applies them when you agree.',
	});
}

/** What stops undo from touching a permission set: another record's, or grants and assignments made outside (unless --force). */
function permissionSetUndoBlockers(
	checks: Array<{live?: {arn: string}; ownership: string; foreignGrants: string[]}>,
	force: boolean,
): string[] {
	return checks.flatMap(check => [
		...(check.ownership === 'elsewhere' || check.ownership === 'foreign'
			? [`${check.live?.arn} no longer carries this setup's ${check.ownership === 'foreign' ? 'ManagedBy tag' : 'BillingSetupId tag'}`]
			: []),
		...(force ? [] : check.foreignGrants.map(grant => `${grant} was added outside billing-setup`)),
	]);
}

function undoRefused(blockers: string[]): ProblemError {
	return new ProblemError({
		title: 'billing-setup removed nothing.',
		why: `${blockers.join('; ')}.`,
		next: 'Deal with those in the Identity Center console first; grants and assignments added outside billing-setup can also go with `billing-setup undo --force`.',
	});
}

/**
 * For `accounts`: the permission set of that name in this region's Identity Center, and how many groups and users
 * it is assigned to in each account. Never throws: a failed read is the lookup's reason.
 */
export async function permissionSetAssignments(
	options: ClientOptions,
	region: string,
	name: string,
	accountIds: string[],
): Promise<{lookup: PermissionSetLookup; assignments: Map<string, PermissionSetAssignments>}> {
	const assignments = new Map<string, PermissionSetAssignments>();
	const {createSsoClients, ssoPort} = await import('./sso-port.js');
	const clients = createSsoClients(options, region);
	try {
		const sso = ssoPort(clients, region);
		const instance = await sso.instance();
		if (!instance) return {lookup: {kind: 'absent', name, reason: `no Identity Center instance answers in ${region}`}, assignments};
		const set = await sso.findPermissionSet(instance.instanceArn, name);
		if (!set) return {lookup: {kind: 'absent', name, reason: 'Identity Center has none of that name'}, assignments};
		for (const accountId of accountIds) {
			const live = await sso.listAssignments(instance.instanceArn, accountId, set.arn);
			assignments.set(accountId, {groups: live.filter(entry => entry.principalType === 'GROUP').length, users: live.filter(entry => entry.principalType === 'USER').length});
		}
		return {lookup: {kind: 'found', name, arn: set.arn}, assignments};
	} catch (error) {
		return {lookup: {kind: 'absent', name, reason: failedCall(error)}, assignments: new Map()};
	} finally {
		clients.destroy();
	}
}
