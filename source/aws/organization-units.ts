/** The organization's tree, as the StackSet's targets need it (reconcile/cloudformation.ts's OrganizationTree), on the Organizations client. */
import {ListParentsCommand, ListRootsCommand, paginateListAccountsForParent, paginateListOrganizationalUnitsForParent, type OrganizationsClient} from '@aws-sdk/client-organizations';
import type {OrganizationTree} from '../reconcile/cloudformation.js';
import {collect} from './iam-port.js';
import {listAccounts} from './organizations.js';

export function organizationTree(client: OrganizationsClient): OrganizationTree {
	const pages = {client};
	const accountsUnder = async (unitId: string): Promise<string[]> => {
		const direct = await collect(paginateListAccountsForParent(pages, {ParentId: unitId}), page => page.Accounts?.map(account => account.Id));
		const children = await collect(paginateListOrganizationalUnitsForParent(pages, {ParentId: unitId}), page => page.OrganizationalUnits?.map(unit => unit.Id));
		for (const child of children) direct.push(...(await accountsUnder(child)));
		return direct;
	};
	return {
		accounts: () => listAccounts(client),
		async rootId() {
			// An organization has one root.
			const [root] = (await client.send(new ListRootsCommand({}))).Roots ?? [];
			if (!root?.Id) throw new Error('ListRoots answered without a root');
			return root.Id;
		},
		async parentOf(accountId) {
			const [parent] = (await client.send(new ListParentsCommand({ChildId: accountId}))).Parents ?? [];
			if (!parent?.Id) throw new Error(`ListParents answered without a parent of ${accountId}`);
			return parent.Id;
		},
		accountsUnder,
	};
}
