/**
 * Whether the billing role is in an account of the organization: read as the caller in the management account,
 * and elsewhere as an access role assumed there (OrganizationAccountAccessRole unless --access-role says
 * otherwise), then compared with the plan of default settings by the same live read setup and status use.
 */
import {AssumeRoleCommand, type STSClient} from '@aws-sdk/client-sts';
import {roleStateOf, unreadable, type OrganizationAccount, type RoleState} from '../core/account.js';
import {notChecked, rootCallerRefusal, type BillingAccessCheck} from '../core/billing-access.js';
import {buildPlan, roleArnOf} from '../core/plan.js';
import type {Identity} from '../core/principal.js';
import type {RoleSettings} from '../core/settings.js';
import {inspectRole, type SetupRecord} from '../reconcile/role-resources.js';
import {createIamClient, type ClientOptions, type Clients} from './clients.js';
import {iamPort} from './iam-port.js';
import {failedCall} from './problems.js';

/**
 * No local record speaks for other accounts: ownership goes by the tags alone, and a BillingSetupId of another
 * setup (or of a stack) is an adoption difference, which never counts against "in place".
 */
const noRecord: SetupRecord = {setupId: '', changes: []};

export interface RoleReadOptions extends ClientOptions {
	identity: Identity;
	managementAccountId: string;
	/** The role to compare each account's with. */
	settings: RoleSettings;
	/** The role assumed in member accounts to read theirs. */
	accessRole: string;
	/** Also ask Cost Explorer there whether IAM access to billing is on (one request, USD 0.01). */
	check: boolean;
}

/** One account as read: its billing role, and what Cost Explorer answered there when asked. */
export interface AccountRead {
	role: RoleState;
	check?: BillingAccessCheck;
}

async function checkIn(options: RoleReadOptions, as: {checkedAs: string; credentials?: {accessKeyId: string; secretAccessKey: string; sessionToken?: string}}): Promise<BillingAccessCheck | undefined> {
	if (!options.check) return undefined;
	const {checkBillingAccess} = await import('./cost.js');
	return checkBillingAccess({partition: options.identity.partition, ...as, ...(options.profile && {profile: options.profile})});
}

async function inspect(iam: Clients['iam'], account: OrganizationAccount, {identity, settings}: RoleReadOptions): Promise<RoleState> {
	const plan = buildPlan(account.id, identity.partition, settings, {setupId: noRecord.setupId});
	return roleStateOf((await inspectRole(iamPort(iam), plan, noRecord)).inspection);
}

/** The caller's session in a member account, through the access role, and the session's ARN. */
async function assumeAccessRole(sts: STSClient, accessRoleArn: string) {
	const {Credentials: session, AssumedRoleUser: user} = await sts.send(new AssumeRoleCommand({RoleArn: accessRoleArn, RoleSessionName: 'billing-setup-accounts'}));
	if (!session?.AccessKeyId || !session.SecretAccessKey) throw new Error('AssumeRole answered without credentials');
	return {
		arn: user?.Arn ?? accessRoleArn,
		credentials: {accessKeyId: session.AccessKeyId, secretAccessKey: session.SecretAccessKey, ...(session.SessionToken && {sessionToken: session.SessionToken})},
	};
}

/** Never throws: a failure in one account is that account's "cannot tell", with the call that failed. */
export async function readAccount(clients: Pick<Clients, 'sts' | 'iam' | 'region'>, account: OrganizationAccount, options: RoleReadOptions): Promise<AccountRead> {
	const {identity, accessRole} = options;
	const {roleName} = options.settings;
	if (account.id === options.managementAccountId) {
		// The root user is never refused, so its answer would say nothing of the setting: it is not asked.
		const rootRefusal = rootCallerRefusal(identity);
		const [role, check] = await Promise.all([
			inspect(clients.iam, account, options).catch(error => unreadable({kind: 'read-failed', reader: identity.arn, roleName, failure: failedCall(error)})),
			rootRefusal && options.check ? notChecked(new Date().toISOString(), rootRefusal) : checkIn(options, {checkedAs: identity.arn}),
		]);
		return {role, ...(check && {check})};
	}
	if (account.status !== 'ACTIVE') return {role: unreadable({kind: 'inactive', status: account.status})};
	const accessRoleArn = roleArnOf(account.id, identity.partition, '/', accessRole);
	if (identity.kind === 'root') return {role: unreadable({kind: 'root-caller', accessRoleArn})};
	let session;
	try {
		session = await assumeAccessRole(clients.sts, accessRoleArn);
	} catch (error) {
		return {role: unreadable({kind: 'assume-failed', accessRoleArn, joinedMethod: account.joinedMethod, failure: failedCall(error, 'sts:AssumeRole')})};
	}
	const iam = createIamClient(options, clients.region, {credentials: session.credentials});
	try {
		const [role, check] = await Promise.all([
			inspect(iam, account, options).catch(error => unreadable({kind: 'read-failed', reader: accessRoleArn, roleName, failure: failedCall(error)})),
			checkIn(options, {checkedAs: session.arn, credentials: session.credentials}),
		]);
		return {role, ...(check && {check})};
	} finally {
		iam.destroy();
	}
}
