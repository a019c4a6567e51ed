/** The real AwsOperations: loaded lazily, so --help, --version and the first frame never pay for the SDK. */
import {GetPolicyCommand, GetPolicyVersionCommand, ListMFADevicesCommand, paginateListRoles, paginateListUsers, type IAMClient} from '@aws-sdk/client-iam';
import {billingActions, switchAction} from '../core/account.js';
import {costExplorerAction, type Plan} from '../core/plan.js';
import {parsePolicyDocument, policyAllows, requiresMfa} from '../core/policy.js';
import {ProblemError} from '../core/problem.js';
import {shellQuote} from '../core/text.js';
import type {AwsOperations, PrincipalList, Removal} from '../engine/ports.js';
import type {IamPort} from '../reconcile/iam.js';
import {checkUndo, convergeRole, inspectRole, undoRole, type SetupRecord, type UndoCheck} from '../reconcile/role-resources.js';
import type {STSClient} from '@aws-sdk/client-sts';
import {createClients, type ClientOptions, type Clients} from './clients.js';
import {iamPort} from './iam-port.js';
import {identityCenterOperations} from './identity-center.js';
import {isAwsError} from './problems.js';
import {whoAmI} from './sts.js';
import {verifyRole} from './verify.js';

export interface OperationOptions extends ClientOptions {
	verifyTimeoutMs: number;
}

/** Enough to pick from without paging through a large organisation's every principal. */
const principalListLimit = 200;

/** IAM users and people-assumable roles to pick from, capped so a large account does not page forever; `complete` says whether all were read. */
async function listUsersAndRoles(iam: IAMClient): Promise<PrincipalList> {
	const arns: string[] = [];
	let complete = true;
	for await (const page of paginateListUsers({client: iam}, {})) {
		arns.push(...(page.Users ?? []).flatMap(user => (user.Arn ? [user.Arn] : [])));
		if (arns.length >= principalListLimit) {
			complete = !page.IsTruncated;
			break;
		}
	}
	for await (const page of paginateListRoles({client: iam}, {})) {
		// Service-linked roles are assumed by AWS services, never by people.
		arns.push(...(page.Roles ?? []).flatMap(role => (role.Arn && !role.Path?.startsWith('/aws-service-role/') ? [role.Arn] : [])));
		if (arns.length >= principalListLimit * 2) {
			complete &&= !page.IsTruncated;
			break;
		}
	}
	return {arns, complete};
}

/**
 * What stops undo from touching a role, in words. Grants added outside billing-setup may go with --force;
 * a role another record owns, or one EC2 instances may be using, never goes without the user acting first.
 */
export function undoBlockers(check: UndoCheck, force: boolean): string[] {
	const name = check.live?.name ?? check.plan.roleName;
	return [
		...(check.ownership === 'elsewhere' || check.ownership === 'foreign'
			? [`${check.live?.arn} no longer carries this setup's ${check.ownership === 'foreign' ? 'ManagedBy tag' : 'BillingSetupId tag'}`]
			: []),
		// Tags can be copied: a role of the same name under another path is another role.
		...(check.live && check.live.arn !== check.plan.roleArn ? [`${check.live.arn} is not the role this setup created (${check.plan.roleArn})`] : []),
		...(force ? [] : check.foreignGrants.map(grant => `${grant} on ${name} was added outside billing-setup`)),
		...check.instanceProfiles.map(
			profile => `${name} is in the instance profile ${profile}, so EC2 instances may be using it (aws iam remove-role-from-instance-profile --instance-profile-name ${shellQuote(profile)} --role-name ${shellQuote(name)})`,
		),
	];
}

/** Checks every role first, so nothing is touched unless all of them can go. */
async function checkRemoval(iam: IamPort, plans: Plan[], record: SetupRecord, {force}: {force: boolean}): Promise<UndoCheck[]> {
	const checks = await Promise.all(plans.map(plan => checkUndo(iam, plan, record)));
	const blockers = checks.flatMap(check => undoBlockers(check, force));
	if (blockers.length > 0) {
		throw new ProblemError({
			title: 'billing-setup removed nothing.',
			why: `${blockers.join('; ')}.`,
			next: 'Deal with those in the IAM console first; grants added outside billing-setup can also go with `billing-setup undo --force`.',
		});
	}
	return checks;
}

/** What undo and the wizard's Remove delete of roles: the checks of all, then the deletions in order. */
async function roleRemoval(iam: IamPort, plans: Plan[], record: SetupRecord, force: boolean): Promise<Removal> {
	const checks = await checkRemoval(iam, plans, record, {force});
	return {
		items: checks.map(({live, plan, foreignGrants}) => ({
			arn: live?.arn ?? plan.roleArn,
			live: Boolean(live),
			what: `the role ${live?.arn ?? plan.roleArn}`,
			steps: live
				? [
						...live.attached.map(arn => `detach ${arn}${foreignGrants.includes(arn) ? ' (attached outside billing-setup)' : ''}`),
						...live.inline.map(name => `delete inline policy ${name}`),
						'delete the role',
					]
				: [],
		})),
		async apply(write) {
			for (const check of checks) await undoRole(check, write(check.plan.roleArn));
		},
	};
}

export type LoadedOperations = Omit<AwsOperations, 'describeError' | 'permissionSet'> & {clients: Clients; iam: IamPort; permissionSet: ReturnType<typeof identityCenterOperations>};

export async function createOperations(options: OperationOptions, sts?: {sts: STSClient; region: string}): Promise<LoadedOperations> {
	const clients = await createClients(options, sts);
	const iam = iamPort(clients.iam);
	return {
		clients,
		iam,
		whoAmI: () => whoAmI(clients.sts),
		async checkPolicy(policyArn) {
			const policy = await clients.iam.send(new GetPolicyCommand({PolicyArn: policyArn}));
			const version = await clients.iam.send(
				new GetPolicyVersionCommand({PolicyArn: policyArn, VersionId: policy.Policy?.DefaultVersionId}),
			);
			const document = parsePolicyDocument(version.PolicyVersion?.Document);
			return {policyArn, grantsDescribeReport: policyAllows(document, costExplorerAction)};
		},
		async listPrincipals() {
			try {
				return await listUsersAndRoles(clients.iam);
			} catch (error) {
				// Without iam:ListUsers or iam:ListRoles the user can still type the ARNs.
				if (isAwsError(error, 'AccessDenied')) return {arns: [], complete: false};
				throw error;
			}
		},
		role: {
			async inspect(plan, record, principals) {
				// With MFA required, a user without a device could never switch: IAM says how many each has.
				const users = requiresMfa(plan.trustPolicy) ? principals.filter(arn => /:user\//.test(arn)) : [];
				const [{inspection}, exists, devices] = await Promise.all([
					inspectRole(iam, plan, record),
					Promise.all(principals.map(arn => iam.principalExists(arn))),
					Promise.all(users.map(arn => iam.mfaDeviceCount(arn.slice(arn.lastIndexOf('/') + 1)))),
				]);
				// A principal the caller may not look up (undefined) is left for IAM to judge at CreateRole.
				return {inspection, missingPrincipals: principals.filter((_, index) => exists[index] === false), withoutMfa: users.filter((_, index) => devices[index] === 0)};
			},
			converge: (plan, record, converge) => convergeRole(iam, plan, record, converge),
			verify: (plan, record, {assumeSkipped, costCheck}) =>
				verifyRole(clients, iam, plan, record, {timeoutMs: options.verifyTimeoutMs, costCheck, ...(assumeSkipped && {assumeSkipped})}),
			checkRemoval: (made, record, {force}) => roleRemoval(iam, made.map(({plan}) => plan), record, force),
		},
		checkBillingAccess: identity =>
			import('./cost.js').then(({checkBillingAccess}) => checkBillingAccess({partition: identity.partition, checkedAs: identity.arn, profile: options.profile})),
		async inspectAccount(identity) {
			const [{createOrganizationsClient, describeOrganization}, {principalAccess}] = await Promise.all([
				import('./organizations.js'),
				import('./principal-access.js'),
			]);
			const organizations = createOrganizationsClient(options, clients.region);
			// The root user and unnamed principals have no IAM policies to read.
			const principal = identity.kind === 'iam-user' ? identity.arn : identity.kind === 'root' ? undefined : identity.roleArn;
			try {
				const [organization, callerAccess] = await Promise.all([
					describeOrganization(organizations, identity.accountId),
					principal ? principalAccess(clients.iam, clients.iamProbe, principal, [...billingActions, switchAction]) : undefined,
				]);
				return {organization, ...(callerAccess && {callerAccess})};
			} finally {
				organizations.destroy();
			}
		},
		async mfaDevice(identity) {
			// Only an IAM user has MFA devices of its own; the AWS CLI sends this serial with AssumeRole.
			if (identity.kind !== 'iam-user') return undefined;
			try {
				const {MFADevices: devices = []} = await clients.iam.send(new ListMFADevicesCommand({UserName: identity.name}));
				return devices[0]?.SerialNumber;
			} catch {
				// Whatever the reason (denied, throttled, offline), the profile then carries a placeholder and says
				// so: the role is in place and verified, and a device name is no reason to fail that.
				return undefined;
			}
		},
		permissionSet: identityCenterOperations(options, clients.region),
	};
}
