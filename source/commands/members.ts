/**
 * The role in the organization's member accounts (`--accounts` for a role): a service-managed StackSet made from the
 * template `billing-setup template` prints, read, diffed, converged, followed per account and verified live in each
 * member, by the StackSet reconcilers (reconcile/stackset.ts). The management account's own role is the wizard's
 * (StackSets never deploy there). Every write is saved in the same record as the role's, as it succeeds.
 */
import type {CommonOptions} from '../args.js';
import {defaultAccessRole} from '../args.js';
import {accountsRefusal, roleStateWords} from '../core/account.js';
import {buildStackSetPlan, type StackSetPlan, type StackSetScope} from '../core/stackset.js';
import type {Identity} from '../core/principal.js';
import {ProblemError} from '../core/problem.js';
import {defaultSettings, type AccountTargets, type RoleSettings} from '../core/settings.js';
import {printable} from '../core/text.js';
import type {SavedSetup} from '../engine/wizard.js';
import {differenceLine, paint} from '../present.js';
import {writeRecorder, type FileProgressStore} from '../progress/store.js';
import type {RoleInspection} from '../reconcile/role-resources.js';
import {ownRecord} from '../engine/target.js';
import {substantive} from '../reconcile/role-resources.js';
import {withSpinner} from '../spinner.js';

/** What `--accounts` names, as the StackSet's scope; undefined for this account alone. */
export function stackSetScope(accounts: AccountTargets): StackSetScope | undefined {
	switch (accounts.kind) {
		case 'this':
			return undefined;
		case 'all':
			return {kind: 'all'};
		case 'listed':
			return {kind: 'accounts', ids: accounts.ids};
		case 'units':
			return {kind: 'units', ids: accounts.ids};
	}
}

/** The result's `stackSet`: the StackSet, what it changed, and each member's role as IAM there has it now. */
export interface MembersResult {
	ok: boolean;
	name: string;
	arn?: string;
	created: Array<{action: string; target: string}>;
	differences: Array<{kind: string; summary: string; widening: boolean}>;
	accounts: Array<{accountId: string; name: string; role: string; inPlace: boolean}>;
	notes: string[];
}

/** Everything the StackSet needs, loaded once: the SDK clients and the plan for the scope as Organizations has it now. */
async function openMembers(options: CommonOptions, identity: Identity, settings: RoleSettings, setupId: string, scope: StackSetScope) {
	const [{createClients, destroyClients}, {createOrganizationsClient, describeOrganization}, {organizationTree}, {createCloudFormationClient, stackSetPort}, stackset, operation] = await Promise.all([
		import('../aws/clients.js'),
		import('../aws/organizations.js'),
		import('../aws/organization-units.js'),
		import('../aws/stackset-port.js'),
		import('../reconcile/stackset.js'),
		import('../reconcile/stackset-operation.js'),
	]);
	const clients = await createClients(options);
	const organizations = createOrganizationsClient(options, clients.region);
	// Service-managed StackSets run from the management account: anywhere else, say where, before any write.
	const place = await describeOrganization(organizations, identity.accountId);
	if (place.kind !== 'management') throw new ProblemError(accountsRefusal(place));
	const resolved = await stackset.resolveScope(organizationTree(organizations), scope, identity.accountId);
	const plan = buildStackSetPlan(settings, {setupId, region: clients.region, managementAccountId: identity.accountId, scope, resolved});
	const port = stackSetPort(createCloudFormationClient(options, clients.region), clients.region);
	const close = () => {
		organizations.destroy();
		destroyClients(clients);
	};
	return {clients, plan, port, stackset, operation, close};
}


/**
 * Converges the StackSet to the plan and verifies every member's role live. Picks up an operation a stopped run left
 * under way instead of starting another; writes only what the inspection showed, and a StackSet made elsewhere only
 * with --adopt.
 */
export async function setUpMembers(
	options: CommonOptions & {adopt: boolean},
	store: FileProgressStore,
	identity: Identity,
	log: (line: string) => void,
): Promise<MembersResult> {
	const saved = store.load(identity.accountId);
	if (!saved?.setupId) throw new Error('The member accounts are set up after this account, whose record holds the setup id');
	const settings = {...defaultSettings, ...saved.settings};
	const scope = stackSetScope(settings.accounts)!;
	const members = await withSpinner('Reading the organization and the StackSet…', openMembers(options, identity, settings, saved.setupId, scope));
	const {plan, port, stackset, operation, clients} = members;
	try {
		for (const note of plan.notes) log(note);
		const following = operation.defaultFollowing(progress =>
			log(`  ${plan.name}: ${progress.status.toLowerCase()}: ${progress.succeeded} account(s) done${progress.failed > 0 ? `, ${progress.failed} failed` : ''}`),
		);
		const made: MembersResult['created'] = [];
		const write = writeRecorder(store, identity.accountId, made)(plan.name);
		// Read anew before each pass: every write lands in the record as it succeeds.
		const record = () => ownRecord(store.load(identity.accountId)!);
		const resumed = await operation.resumeOperation(port, plan.name, record(), following);
		if (resumed) log(`Picked up the StackSet operation a stopped run left under way: ${resumed.succeeded} account(s) done.`);
		const {inspection} = await withSpinner(`Reading the StackSet ${plan.name}…`, stackset.inspectStackSet(port, plan, record(), {following}));
		refuseUnowned(inspection, plan, options.adopt);
		const differences = substantive(inspection.differences);
		for (const difference of differences) log(`  ${printable(differenceLine(difference))}`);
		const outcome = await withSpinner(
			`Deploying the role to ${plan.accounts.length} member account(s) through ${plan.name}…`,
			stackset.convergeStackSet(port, plan, record(), {reviewed: inspection, adopt: true, write, following}),
		);
		if (outcome.kind !== 'converged') {
			throw new ProblemError({
				title: `The StackSet ${plan.name} changed since it was read.`,
				why: 'billing-setup writes only what it showed.',
				next: 'Run billing-setup again to read it anew.',
			});
		}
		const verification = await withSpinner(
			`Reading the role in each of ${plan.accounts.length} member account(s)…`,
			import('../aws/stackset-accounts.js').then(({verifyStackSetAccounts}) =>
				verifyStackSetAccounts(clients, plan, {identity, settings, accessRole: defaultAccessRole, ...(options.profile && {profile: options.profile})}),
			),
		);
		const accounts = verification.accounts.map(account => ({accountId: account.accountId, name: account.name, role: roleStateWords(account.role), inPlace: account.role.kind === 'in-place'}));
		for (const account of accounts) log(`${account.inPlace ? paint('green', '✔') : paint('yellow', '!')} ${printable(`${account.accountId} ${account.name}: ${account.role}`)}`);
		return {
			ok: verification.ok,
			name: plan.name,
			...(inspection.liveArn && {arn: inspection.liveArn}),
			created: made,
			differences: differences.map(({kind, summary, widening}) => ({kind, summary, widening})),
			accounts,
			notes: plan.notes,
		};
	} finally {
		members.close();
	}
}

/** A StackSet billing-setup did not make is never touched; one another setup made, only with --adopt. */
function refuseUnowned(inspection: RoleInspection, plan: StackSetPlan, adopt: boolean): void {
	if (inspection.ownership === 'foreign') {
		throw new ProblemError({
			title: `A StackSet named ${plan.name} exists and was not made by billing-setup, so it is left untouched.`,
			why: 'billing-setup never changes a StackSet it did not make.',
			next: 'Run again with --role-name OTHER-NAME (the StackSet is named after the role).',
		});
	}
	if (inspection.ownership === 'elsewhere' && !adopt && substantive(inspection.differences).length > 0) {
		throw new ProblemError({
			title: `The StackSet ${plan.name} was made by billing-setup elsewhere, and this run would change it.`,
			why: `It would: ${substantive(inspection.differences).map(difference => difference.summary).join('; ')}.`,
			next: 'Run again with --adopt to take it over, or with --role-name OTHER-NAME.',
		});
	}
}

/** Undo's part for the members: the StackSet's instances this record made, then the StackSet. */
export async function removeMembers(options: CommonOptions, store: FileProgressStore, identity: Identity, log: (line: string) => void): Promise<Array<{action: string; target: string}>> {
	const saved = store.load(identity.accountId)!;
	const settings = {...defaultSettings, ...saved.settings};
	const scope = stackSetScope(settings.accounts) ?? {kind: 'all'};
	const members = await withSpinner('Reading the organization and the StackSet…', openMembers(options, identity, settings, ownRecord(saved).setupId, scope));
	const {plan, port, stackset, operation} = members;
	try {
		const made: Array<{action: string; target: string}> = [];
		const following = operation.defaultFollowing(progress => log(`  ${plan.name}: ${progress.status.toLowerCase()}: ${progress.succeeded} account(s) removed`));
		await withSpinner(
			`Removing the StackSet ${plan.name} and its stack instances…`,
			stackset.undoStackSet(port, plan, ownRecord(saved), {write: writeRecorder(store, identity.accountId, made)(plan.name), following}),
		);
		log(`${paint('green', '✔')} Removed the StackSet ${plan.name} and the role it made in its member accounts.`);
		return made;
	} finally {
		members.close();
	}
}

/** For --dry-run: the StackSet's plan, its commands, and what CloudFormation has now. */
export async function planMembers(options: CommonOptions, identity: Identity, settings: RoleSettings, saved: SavedSetup | undefined, setupId: string) {
	const members = await openMembers(options, identity, settings, setupId, stackSetScope(settings.accounts)!);
	try {
		const {plan, port, stackset, operation} = members;
		const {inspection} = await stackset.inspectStackSet(port, plan, {setupId, changes: saved?.changes ?? []}, {following: operation.defaultFollowing()});
		return {plan, inspection, commands: stackset.stackSetCommands(plan)};
	} finally {
		members.close();
	}
}
