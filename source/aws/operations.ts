/** The real AwsOperations: loaded lazily, so --help, --version and the first frame never pay for the SDK. */
import {GetPolicyCommand, GetPolicyVersionCommand, paginateListRoles, paginateListUsers, type IAMClient} from '@aws-sdk/client-iam';
import {costExplorerAction, policyAllows, type Plan} from '../core/plan.js';
import type {AwsOperations} from '../engine/session.js';
import {createClients, type ClientOptions, type Clients} from './clients.js';
import {deleteRole, ensureCostExplorerPolicy, ensureManagedPolicy, ensureRole, getRole, isManagedByUs, parsePolicyDocument, type RecordWrite} from './role.js';
import {isAwsError} from './problems.js';
import {whoAmI} from './sts.js';
import {verifyRole} from './verify.js';

export interface OperationOptions extends ClientOptions {
	verifyTimeoutMs: number;
}

/** Enough to pick from without paging through a large organisation's every principal. */
const principalListLimit = 200;

/** IAM users and people-assumable roles to pick from, capped so a large account does not page forever. */
async function listUsersAndRoles(iam: IAMClient): Promise<string[]> {
	const arns: string[] = [];
	for await (const page of paginateListUsers({client: iam}, {})) {
		arns.push(...(page.Users ?? []).flatMap(user => (user.Arn ? [user.Arn] : [])));
		if (arns.length >= principalListLimit) break;
	}
	for await (const page of paginateListRoles({client: iam}, {})) {
		// Service-linked roles are assumed by AWS services, never by people.
		arns.push(...(page.Roles ?? []).flatMap(role => (role.Arn && !role.Path?.startsWith('/aws-service-role/') ? [role.Arn] : [])));
		if (arns.length >= principalListLimit * 2) break;
	}
	return arns;
}

export type LoadedOperations = Omit<AwsOperations, 'describeError'> & {clients: Clients};

export async function createOperations(options: OperationOptions): Promise<LoadedOperations> {
	const clients = await createClients(options);
	const {iam} = clients;
	return {
		clients,
		whoAmI: () => whoAmI(clients.sts),
		async checkPolicy(policyArn) {
			const policy = await iam.send(new GetPolicyCommand({PolicyArn: policyArn}));
			const version = await iam.send(
				new GetPolicyVersionCommand({PolicyArn: policyArn, VersionId: policy.Policy?.DefaultVersionId}),
			);
			const document = parsePolicyDocument(version.PolicyVersion?.Document);
			return {policyArn, grantsDescribeReport: policyAllows(document, costExplorerAction)};
		},
		async listPrincipals() {
			try {
				return await listUsersAndRoles(iam);
			} catch (error) {
				// Without iam:ListUsers or iam:ListRoles the user can still type the ARNs.
				if (isAwsError(error, 'AccessDenied')) return [];
				throw error;
			}
		},
		async converge(plan, {ourPolicies, createdEarlier, record}) {
			const outcome = await ensureRole(iam, plan, createdEarlier, record);
			if (outcome === 'foreign') return 'foreign';
			const roleIsNew = outcome === 'created';
			await ensureManagedPolicy(iam, plan, ourPolicies, roleIsNew, record);
			await ensureCostExplorerPolicy(iam, plan, roleIsNew, record);
			return 'converged';
		},
		verify: (plan, {assumeSkipped}) =>
			verifyRole(clients, plan, {timeoutMs: options.verifyTimeoutMs, ...(assumeSkipped && {assumeSkipped})}),
	};
}

export type RoleOwnership = {kind: 'missing'} | {kind: 'foreign'; arn: string} | {kind: 'ours'; arn: string};

export async function roleOwnership(clients: Clients, roleName: string): Promise<RoleOwnership> {
	const role = await getRole(clients.iam, roleName);
	if (!role) return {kind: 'missing'};
	const arn = role.Arn ?? roleName;
	return isManagedByUs(role) ? {kind: 'ours', arn} : {kind: 'foreign', arn};
}

export function removeRole(clients: Clients, plan: Pick<Plan, 'roleName' | 'roleArn'>, record: RecordWrite): Promise<void> {
	return deleteRole(clients.iam, plan.roleName, plan.roleArn, record);
}
