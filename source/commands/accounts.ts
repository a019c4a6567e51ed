/**
 * accounts: from an organization's management account, every account with its billing role (read live, through
 * an access role in member accounts) and what its way of joining says of the root-only setting.
 */
import type {AccountsOptions} from '../args.js';
import {accountEntry, accountsRefusal, managementFirst} from '../core/account.js';
import {mapConcurrently} from '../core/concurrency.js';
import {exitCodes, ProblemError} from '../core/problem.js';
import {readAccount} from '../aws/account-roles.js';
import {checkPrice, gatedIdentity} from '../core/billing-access.js';
import {createClients, destroyClients} from '../aws/clients.js';
import {createOrganizationsClient, describeOrganization, listAccounts} from '../aws/organizations.js';
import {describeAwsError} from '../aws/problems.js';
import {identifyCaller} from '../aws/sts.js';
import {formatAccounts} from '../present.js';
import {withSpinner} from '../spinner.js';
import {printJson, say} from '../terminal.js';

/** Accounts read at once: each read is an AssumeRole and a handful of IAM calls, well inside AWS's rates. */
const readsAtOnce = 4;

export async function runAccounts(options: AccountsOptions): Promise<number> {
	const clients = await createClients(options);
	const organizations = createOrganizationsClient(options, clients.region);
	try {
		const identity = await withSpinner('Asking AWS who you are…', identifyCaller(options, clients.sts));
		const place = await withSpinner('Reading the organization…', describeOrganization(organizations, identity.accountId));
		if (place.kind !== 'management') throw new ProblemError(accountsRefusal(place));
		const listed = await withSpinner('Listing its accounts…', listAccounts(organizations)).catch((error: unknown) => {
			throw new ProblemError(describeAwsError(error, {identity, profile: options.profile}));
		});
		const accounts = managementFirst(listed, identity.accountId);
		const readOptions = {...options, identity, managementAccountId: identity.accountId};
		// Said before any request is made: each costs money, and --no-check makes none.
		const checked = accounts.filter(account => account.status === 'ACTIVE').length;
		if (options.check && checked > 0 && gatedIdentity(identity)) say(`Asking Cost Explorer in ${checked} account${checked === 1 ? '' : 's'} whether IAM access to billing is on: ${checked} request${checked === 1 ? '' : 's'}, USD ${(checked * 0.01).toFixed(2)} (${checkPrice} each; --no-check makes none).`);
		// Identity Center lives in the management account: its permission set's assignments are read there, beside the roles.
		const [roles, {lookup, assignments}] = await withSpinner(
			`Reading ${options.settings.roleName} in ${accounts.length} account${accounts.length === 1 ? '' : 's'}, ${readsAtOnce} at a time, and the permission set ${options.settings.permissionSetName}…`,
			Promise.all([
				mapConcurrently(accounts, readsAtOnce, account => readAccount(clients, account, readOptions)),
				import('../aws/identity-center.js').then(({permissionSetAssignments}) =>
					permissionSetAssignments(options, clients.region, options.settings.permissionSetName, accounts.map(account => account.id)),
				),
			]),
		);
		const context = {managementAccountId: identity.accountId, partition: identity.partition, accessRole: options.accessRole};
		const entries = accounts.map((account, index) => accountEntry(account, roles[index]!, context, assignments.get(account.id)));
		const about = {organizationId: place.organizationId, roleName: options.settings.roleName, accessRole: options.accessRole};
		if (options.json) printJson({...about, managementAccountId: identity.accountId, permissionSet: lookup, accounts: entries});
		else process.stdout.write(`${formatAccounts(entries, {...about, partition: identity.partition, permissionSet: lookup})}\n`);
		return exitCodes.done;
	} finally {
		organizations.destroy();
		destroyClients(clients);
	}
}
