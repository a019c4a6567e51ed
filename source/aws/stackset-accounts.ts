/**
 * After a StackSet's operations: each planned member's role read live, through the access role there, by the same
 * read `accounts` makes (account-roles.ts), so that the result says in place / differs / absent per account.
 */
import type {RoleState} from '../core/account.js';
import {mapConcurrently} from '../core/concurrency.js';
import type {StackSetPlan} from '../core/stackset.js';
import {readAccount, type RoleReadOptions} from './account-roles.js';
import type {Clients} from './clients.js';

export interface StackSetAccountState {
	accountId: string;
	name: string;
	role: RoleState;
}

export interface StackSetVerification {
	/** Every planned account has the role as planned. */
	ok: boolean;
	accounts: StackSetAccountState[];
	/** What the plan left out (the management account). */
	notes: string[];
}

/** As many at once as `accounts` reads. */
const accountsAtOnce = 4;

export async function verifyStackSetAccounts(
	clients: Pick<Clients, 'sts' | 'iam' | 'region'>,
	plan: StackSetPlan,
	options: Omit<RoleReadOptions, 'check' | 'managementAccountId'>,
): Promise<StackSetVerification> {
	const accounts = await mapConcurrently(plan.accounts, accountsAtOnce, async account => ({
		accountId: account.id,
		name: account.name,
		// Cost Explorer is not asked: each request costs USD 0.01, and the role's place is what is verified here.
		role: (await readAccount(clients, account, {...options, managementAccountId: plan.managementAccountId, check: false})).role,
	}));
	return {ok: accounts.every(account => account.role.kind === 'in-place'), accounts, notes: plan.notes};
}
