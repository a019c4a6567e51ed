/**
 * The role in the organization's member accounts (`--accounts` for a role): a service-managed StackSet made from the
 * template `billing-setup template` prints, read, diffed, converged, followed per account and verified live in each
 * member, by the StackSet reconcilers (reconcile/stackset.ts). The management account's own role is the wizard's
 * (StackSets never deploy there). Every write is saved in the same record as the role's, as it succeeds.
 */
import type {CommonOptions} from '../args.js';
import {defaultAccessRole} from '../args.js';
import {roleStateWords, type OrganizationPlace} from '../core/account.js';
import {stackSetNameOf} from '../core/template.js';
import {buildStackSetPlan, type StackSetPlan, type StackSetScope} from '../core/stackset.js';
import type {Identity} from '../core/principal.js';
import {ProblemError, type Problem} from '../core/problem.js';
import {defaultSettings, type AccountTargets, type RoleSettings} from '../core/settings.js';
import {printable} from '../core/text.js';
import type {SavedSetup} from '../engine/wizard.js';
import {differenceLine, formatProblem, paint} from '../present.js';
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
	/** What stopped the StackSet's writes (a failed operation: each failed account with its reason in words). */
	error?: Problem;
}

/** The service principal of CloudFormation StackSets' trusted access with Organizations. */
const stackSetsPrincipal = 'member.org.stacksets.cloudformation.amazonaws.com';

/** Why StackSets cannot run from here, in words, with what to run instead; undefined from a management account. */
export function placeRefusal(place: OrganizationPlace, accountId: string): Problem | undefined {
	switch (place.kind) {
		case 'management':
			return undefined;
		case 'standalone':
			return {
				title: `Account ${accountId} is not in an AWS Organization, so --accounts has no member accounts to reach.`,
				why: 'The role reaches member accounts through a service-managed StackSet, which runs from an organization’s management account; Organizations answered that this account belongs to none.',
				next: 'Run billing-setup without --accounts to set up this account alone, or with credentials of your organization’s management account.',
			};
		case 'member':
			return {
				title: `Account ${accountId} is a member of organization ${place.organizationId}, not its management account, so it cannot deploy the role to the other accounts.`,
				why: `Service-managed StackSets run from the management account ${place.managementAccountId}; billing-setup does not run them as a delegated administrator yet.`,
				next: `Run billing-setup --yes --accounts … with credentials of account ${place.managementAccountId}.`,
			};
		case 'unknown':
			return {
				title: 'billing-setup cannot tell whether this is the management account of an organization, so it deploys to no member account.',
				why: place.reason,
				next: 'Run again with credentials of the management account that may call organizations:DescribeOrganization, organizations:ListAccounts and cloudformation:DescribeOrganizationsAccess.',
			};
	}
}

/** Trusted access between StackSets and Organizations, as DescribeOrganizationsAccess answers it: refused unless ENABLED. */
export function accessRefusal(status: string, organizationId: string): Problem | undefined {
	if (status === 'ENABLED') return undefined;
	if (status === 'PENDING') {
		return {
			title: `Trusted access for CloudFormation StackSets in organization ${organizationId} is still being activated.`,
			why: 'cloudformation:DescribeOrganizationsAccess answered PENDING: StackSets cannot deploy to member accounts until it is ENABLED.',
			next: 'Wait a minute, then run billing-setup again.',
		};
	}
	return {
		title: `Trusted access for CloudFormation StackSets is not activated in organization ${organizationId}, so the role cannot reach the member accounts.`,
		why: `cloudformation:DescribeOrganizationsAccess answered ${status}: service-managed StackSets deploy only with trusted access between CloudFormation and Organizations.`,
		next: `From the management account, run aws cloudformation activate-organizations-access (or aws organizations enable-aws-service-access --service-principal ${stackSetsPrincipal}), then run billing-setup again.`,
	};
}

/**
 * Everything the StackSet needs, loaded once: the SDK clients and the plan for the scope as Organizations has it now.
 * Where StackSets cannot run (not the management account, no trusted access, a denied read) it says which, in words,
 * with the command to fix it: before any write.
 */
async function openMembers(options: CommonOptions, identity: Identity, settings: RoleSettings, setupId: string, scope: StackSetScope) {
	const [{createClients, destroyClients}, {createOrganizationsClient, describeOrganization}, {organizationTree}, {createCloudFormationClient, organizationsAccess, stackSetPort}, {describeAwsError}, stackset, operation] = await Promise.all([
		import('../aws/clients.js'),
		import('../aws/organizations.js'),
		import('../aws/organization-units.js'),
		import('../aws/stackset-port.js'),
		import('../aws/problems.js'),
		import('../reconcile/stackset.js'),
		import('../reconcile/stackset-operation.js'),
	]);
	const clients = await createClients(options);
	const organizations = createOrganizationsClient(options, clients.region);
	const cloudFormation = createCloudFormationClient(options, clients.region);
	const close = () => {
		organizations.destroy();
		cloudFormation.destroy();
		destroyClients(clients);
	};
	try {
		const place = await describeOrganization(organizations, identity.accountId);
		const refusal = placeRefusal(place, identity.accountId);
		if (refusal) throw new ProblemError(refusal);
		const denied = (error: unknown) => {
			throw error instanceof ProblemError ? error : new ProblemError(describeAwsError(error, {identity, ...(options.profile && {profile: options.profile})}));
		};
		const access = await organizationsAccess(cloudFormation).catch(denied);
		const inaccessible = accessRefusal(access, place.kind === 'management' ? place.organizationId : '');
		if (inaccessible) throw new ProblemError(inaccessible);
		const resolved = await stackset.resolveScope(organizationTree(organizations), scope, identity.accountId).catch(denied);
		const plan = buildStackSetPlan(settings, {setupId, region: clients.region, managementAccountId: identity.accountId, scope, resolved});
		const port = stackSetPort(cloudFormation, clients.region);
		return {clients, plan, port, stackset, operation, close};
	} catch (error) {
		close();
		throw error;
	}
}

/**
 * Before this account's role is written: whether StackSets can run from here for `accounts`, and the accounts and
 * OUs it names exist. Throws the problem in words; reads only.
 */
export async function checkMembers(options: CommonOptions, accounts: AccountTargets): Promise<void> {
	const scope = stackSetScope(accounts);
	if (!scope) return;
	const {identifyCaller} = await import('../aws/sts.js');
	const identity = await identifyCaller(options);
	const members = await withSpinner('Checking that the organization can take the StackSet…', openMembers(options, identity, defaultSettings, 'check', scope));
	members.close();
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
		// A failed operation (an account that did not deploy) is reported with each account's state, not instead of it.
		let failure: Problem | undefined;
		const outcome = await withSpinner(
			`Deploying the role to ${plan.accounts.length} member account(s) through ${plan.name}…`,
			stackset.convergeStackSet(port, plan, record(), {reviewed: inspection, adopt: true, write, following}),
		).catch((error: unknown) => {
			if (!(error instanceof ProblemError)) throw error;
			failure = error.problem;
			log(formatProblem(failure));
			return {kind: 'converged' as const};
		});
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
			ok: verification.ok && !failure,
			name: plan.name,
			...(inspection.liveArn && {arn: inspection.liveArn}),
			created: made,
			differences: differences.map(({kind, summary, widening}) => ({kind, summary, widening})),
			accounts,
			notes: plan.notes,
			...(failure && {error: failure}),
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

/** What `status` prints of the member accounts: the StackSet, its last operation, and each account's role live. */
export interface MembersStatus {
	lines: string[];
	json: {
		name: string;
		/** absent, in place (matches the plan), differs (what a run would change), or unknown (the read failed). */
		status: 'absent' | 'in place' | 'differs' | 'unknown';
		differences: string[];
		lastOperation?: {operationId: string; action: string; status: string};
		accounts: Array<{accountId: string; name: string; state: 'in place' | 'differs' | 'absent' | 'unknown'; role: string}>;
		error?: Problem;
	};
}

/**
 * For `status`: the saved setup's StackSet as CloudFormation has it and each planned member's role read live.
 * Undefined when the setup reaches no member account; a failed read is said in the answer, never thrown.
 */
export async function membersStatus(options: CommonOptions, identity: Identity, saved: SavedSetup): Promise<MembersStatus | undefined> {
	const settings = {...defaultSettings, ...saved.settings};
	const scope = stackSetScope(settings.accounts);
	if (!scope || settings.via === 'identity-center') return undefined;
	const record = ownRecord(saved);
	let members: Awaited<ReturnType<typeof openMembers>> | undefined;
	try {
		members = await withSpinner('Reading the StackSet and its member accounts…', openMembers(options, identity, settings, record.setupId, scope));
		const {plan, port, stackset, operation, clients} = members;
		const {inspection, live} = await stackset.inspectStackSet(port, plan, record, {following: operation.defaultFollowing()});
		const differences = substantive(inspection.differences).map(found => found.summary);
		const status = !live ? 'absent' : differences.length > 0 ? 'differs' : 'in place';
		const operationId = operation.savedOperation(record, plan.name);
		const last = live && operationId ? await port.describeOperation(plan.name, operationId).catch(() => undefined) : undefined;
		const {verifyStackSetAccounts} = await import('../aws/stackset-accounts.js');
		const verification = await verifyStackSetAccounts(clients, plan, {identity, settings, accessRole: defaultAccessRole, ...(options.profile && {profile: options.profile})});
		const accounts = verification.accounts.map(account => ({
			accountId: account.accountId,
			name: account.name,
			state: account.role.kind === 'in-place' ? ('in place' as const) : account.role.kind === 'differs' ? ('differs' as const) : account.role.kind === 'absent' ? ('absent' as const) : ('unknown' as const),
			role: roleStateWords(account.role),
		}));
		const lines = [
			`StackSet ${plan.name}: ${status}${differences.length > 0 ? ` (${differences.join('; ')})` : ''}`,
			...(last ? [`  last operation ${last.operationId}: ${last.action} ${last.status}`] : []),
			...accounts.map(account => `  ${account.accountId} ${account.name}: ${account.role}`),
		];
		return {
			lines,
			json: {name: plan.name, status, differences, ...(last && {lastOperation: {operationId: last.operationId, action: last.action, status: last.status}}), accounts},
		};
	} catch (error) {
		const problem = error instanceof ProblemError ? error.problem : {title: String((error as Error)?.message ?? error), why: 'The StackSet could not be read.', next: 'Run billing-setup status again.'};
		const name = stackSetNameOf(settings.roleName);
		return {lines: [`StackSet ${name}: could not read it: ${problem.title}`], json: {name, status: 'unknown', differences: [], accounts: [], error: problem}};
	} finally {
		members?.close();
	}
}
