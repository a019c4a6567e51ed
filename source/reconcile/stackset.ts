/**
 * The role in many accounts as a service-managed StackSet, in the model the role's follow (model.ts): the
 * StackSet itself (template, tags, automatic deployment) and its stack instances (one per planned member
 * account, in the plan's region); and the loops over them: inspect, converge, undo, the CLI commands.
 * Ownership is the role's rule (role-resources.ts): the ManagedBy and BillingSetupId tags and the local record. An
 * instance is this record's when the record created instances for its OU (or for its account in that OU) on
 * this StackSet; automatic deployment adds instances to a targeted OU, and those count as the record's too.
 *
 * Every write but the StackSet's create is an operation that CloudFormation runs asynchronously: each is followed
 * to its end (stackset-operation.ts) before the next, as a StackSet runs one operation at a time.
 */
import type {OrganizationAccount} from '../core/account.js';
import {costExplorerPolicyName, guardPolicyName, managedByTag, setupIdTagKey} from '../core/plan.js';
import {ProblemError} from '../core/problem.js';
import {billingPolicyArns} from '../core/settings.js';
import {deploymentTargetsInput, instanceCreations, stackSetActions, type DeploymentTargets, type ResolvedScope, type StackSetPlan, type StackSetScope, type TargetAccount} from '../core/stackset.js';
import {isAwsError} from '../core/aws-error.js';
import type {LiveStackInstance, LiveStackSet, OrganizationTree, StackSetPort} from './cloudformation.js';
import {difference, owned, shellCommand, shellQuote, type Difference, type Inspected, type Reconciler, type RecordWrite} from './model.js';
import {convergeInspected, ownershipOf, type ConvergeOutcome, type Pass, type RoleInspection, type SetupRecord} from './role-resources.js';
import {reasonInWords, runOperation, type Following} from './stackset-operation.js';

export interface StackSetContext {
	port: StackSetPort;
	plan: StackSetPlan;
	/** The StackSet as CloudFormation has it now, read once per pass. */
	stackSet(): Promise<LiveStackSet | undefined>;
	/** Told by the create, so the instances go on it without reading it again. */
	created(id: string): void;
	/** The deployment targets this record created instances for on that StackSet: `ou-…` (the whole OU) or `ou-…/ACCOUNT`. */
	targetsMade(stackSetId: string): string[];
	following: Following;
}

/** The StackSet as it is right after CreateStackSet. */
function newStackSet(id: string, plan: StackSetPlan): LiveStackSet {
	return {
		name: plan.name,
		id,
		templateBody: plan.templateBody,
		parameters: {},
		tags: Object.fromEntries(plan.tags.map(tag => [tag.Key, tag.Value])),
		permissionModel: 'SERVICE_MANAGED',
		autoDeployment: {enabled: true, retainStacksOnAccountRemoval: false},
		organizationalUnitIds: [],
	};
}

/** Templates compare as JSON, so whitespace is no difference; a body that is not JSON (YAML) differs. */
function sameTemplate(live: string, planned: string): boolean {
	try {
		return JSON.stringify(JSON.parse(live)) === JSON.stringify(JSON.parse(planned));
	} catch {
		return false;
	}
}

export function diffStackSet(live: LiveStackSet | undefined, plan: StackSetPlan): Difference[] {
	const resource = 'stack-set';
	if (!live) {
		return [difference(resource, 'add', `create the StackSet ${plan.name}: service-managed, automatic deployment on, the role ${plan.roleName} from billing-setup's template, in ${plan.region}`)];
	}
	const differences: Difference[] = [];
	if (live.permissionModel !== 'SERVICE_MANAGED') {
		differences.push(
			difference(resource, 'change', `make the StackSet ${plan.name} service-managed`, {
				blocked: `CloudFormation cannot change a StackSet's permission model (it is ${live.permissionModel}). Delete it, or choose another --role-name for a StackSet of another name.`,
			}),
		);
	}
	if (!sameTemplate(live.templateBody, plan.templateBody) || Object.keys(live.parameters).length > 0) {
		differences.push(difference(resource, 'change', `update the StackSet's template to the role ${plan.roleName} as these settings make it (every stack instance is updated)`));
	}
	if (!live.autoDeployment?.enabled || live.autoDeployment.retainStacksOnAccountRemoval) {
		differences.push(difference(resource, 'change', 'turn automatic deployment on, removing the role from accounts that leave the targeted OUs'));
	}
	for (const tag of plan.tags) {
		if (live.tags[tag.Key] === tag.Value) continue;
		differences.push(difference(resource, 'change', `tag the StackSet ${tag.Key}=${tag.Value}`, tag.Key === setupIdTagKey ? {adoption: true} : {}));
	}
	return differences;
}

const stackSetReconciler: Reconciler<LiveStackSet | undefined, StackSetContext, StackSetPlan> = {
	id: 'stack-set',
	read: context => context.stackSet(),
	diff: (live, context) => diffStackSet(live, context.plan),
	async apply(live, context, record) {
		const {port, plan} = context;
		const definition = {name: plan.name, templateBody: plan.templateBody, tags: plan.tags};
		if (!live) {
			const id = await port.createStackSet(definition);
			record(stackSetActions.create, id, plan.name);
			context.created(id);
			return;
		}
		// The adoption tag among them: converge applies only what the user agreed to (convergeInspected, mayChange).
		const differences = diffStackSet(live, plan);
		const blocked = differences.find(found => found.blocked);
		if (blocked) throw new ProblemError({title: `billing-setup cannot ${blocked.summary}.`, why: `The StackSet ${live.id} exists.`, next: blocked.blocked!});
		if (differences.length === 0) return;
		await runOperation(port, plan.name, {
			what: 'update its template and settings',
			following: context.following,
			record,
			async start() {
				const operationId = await port.updateStackSet(definition);
				record(stackSetActions.update, live.id, plan.name);
				return operationId;
			},
		});
	},
	async undo(live, context, record) {
		if (!live) return;
		const {port, plan} = context;
		// Read again: the instances' undo ran first, and whatever it left (another setup's) keeps the StackSet.
		const remaining = await port.listInstances(plan.name);
		if (remaining.length > 0) {
			throw new ProblemError({
				title: `The StackSet ${plan.name} still has stack instances billing-setup did not make, so it was left in place.`,
				why: `Instances in ${remaining.map(instance => `account ${instance.account} (${instance.region})`).join(', ')} were created outside this setup's record.`,
				next: `Remove them (aws cloudformation delete-stack-instances --stack-set-name ${plan.name} …), then run billing-setup undo again.`,
			});
		}
		await port.deleteStackSet(plan.name);
		record(stackSetActions.delete, live.id, plan.name);
	},
	describe: plan => [
		shellCommand('aws cloudformation create-stack-set', [
			`--stack-set-name ${shellQuote(plan.name)}`,
			`--template-body ${shellQuote(plan.templateBody)}`,
			'--permission-model SERVICE_MANAGED',
			'--auto-deployment Enabled=true,RetainStacksOnAccountRemoval=false',
			'--capabilities CAPABILITY_NAMED_IAM',
			`--tags ${shellQuote(JSON.stringify(plan.tags))}`,
			`--region ${shellQuote(plan.region)}`,
		]),
	],
};

/** The StackSet's instances, or none while it does not exist. */
interface LiveInstances {
	stackSetId?: string;
	/** The OUs (or root) the StackSet targets. */
	targetedUnits: string[];
	instances: LiveStackInstance[];
}

const isPlanned = (plan: StackSetPlan, instance: LiveStackInstance) => instance.region === plan.region && plan.accounts.some(account => account.id === instance.account);

function madeByRecord(context: StackSetContext, stackSetId: string | undefined, instance: LiveStackInstance): boolean {
	if (!stackSetId) return false;
	const made = context.targetsMade(stackSetId);
	return made.includes(instance.organizationalUnitId) || made.includes(`${instance.organizationalUnitId}/${instance.account}`);
}

function missingAccounts(live: LiveInstances, plan: StackSetPlan): TargetAccount[] {
	return plan.accounts.filter(account => !live.instances.some(instance => instance.account === account.id && instance.region === plan.region));
}

/** Planned instances that did not deploy (a failed create or update): deployed again. */
const undeployed = (live: LiveInstances, plan: StackSetPlan) => live.instances.filter(instance => isPlanned(plan, instance) && instance.status !== 'CURRENT');

const unplanned = (live: LiveInstances, plan: StackSetPlan) => live.instances.filter(instance => !isPlanned(plan, instance));

/** The targets that name exactly these instances: their OUs, narrowed to their accounts. */
function targetsOf(instances: LiveStackInstance[]): DeploymentTargets {
	return {organizationalUnitIds: [...new Set(instances.map(instance => instance.organizationalUnitId))], accounts: [...new Set(instances.map(instance => instance.account))]};
}

const regionsOf = (instances: LiveStackInstance[]) => [...new Set(instances.map(instance => instance.region))];

/** What the record keeps of a create: each whole OU, or each account in its OU. */
function recordedTargets(targets: DeploymentTargets, accounts: TargetAccount[]): string[] {
	if (!targets.accounts) return targets.organizationalUnitIds;
	return accounts.filter(account => targets.accounts!.includes(account.id)).map(account => `${account.unitId}/${account.id}`);
}

const accountWords = (account: {id: string; name?: string}) => `account ${account.id}${account.name ? ` (${account.name})` : ''}`;

const stackInstancesReconciler: Reconciler<LiveInstances, StackSetContext, StackSetPlan> = {
	id: 'stack-instances',
	async read(context) {
		const live = await context.stackSet();
		if (!live) return {targetedUnits: [], instances: []};
		return {stackSetId: live.id, targetedUnits: live.organizationalUnitIds, instances: await context.port.listInstances(context.plan.name)};
	},
	diff(live, context) {
		const {plan} = context;
		const untargeted = plan.filtered ? [] : plan.unitIds.filter(unit => !live.targetedUnits.includes(unit));
		return [
			...untargeted.map(unit => difference(this.id, 'add', `target ${unit}: every account in it, and each account that joins it later`)),
			...missingAccounts(live, plan).map(account => difference(this.id, 'add', `deploy the role to ${accountWords(account)} in ${account.unitId}`)),
			...undeployed(live, plan).map(instance => {
				const reason = reasonInWords(instance.statusReason);
				return difference(this.id, 'change', `deploy again to account ${instance.account}: its stack instance is ${instance.status}${reason ? ` (${reason})` : ''}`);
			}),
			...unplanned(live, plan).map(instance => {
				const foreign = !madeByRecord(context, live.stackSetId, instance);
				const why = foreign ? ' (added outside billing-setup)' : instance.region === plan.region ? ' (--accounts no longer names it)' : ` (the plan deploys to ${plan.region})`;
				return difference(this.id, 'remove', `remove the role's stack instance in account ${instance.account}, ${instance.region}${why}`, {widening: true, foreign});
			}),
		];
	},
	async apply(live, context, record) {
		const {port, plan, following} = context;
		const stackSetId = live.stackSetId ?? (await context.stackSet())?.id;
		if (!stackSetId) throw new Error('The StackSet must exist before its instances');
		for (const targets of instanceCreations(plan, live.targetedUnits, missingAccounts(live, plan))) {
			await runOperation(port, plan.name, {
				what: 'deploy the role to the accounts',
				following,
				record,
				async start() {
					const operationId = await port.createInstances(plan.name, targets, [plan.region]);
					for (const target of recordedTargets(targets, plan.accounts)) record(stackSetActions.createInstances, target, stackSetId);
					return operationId;
				},
			});
		}
		const again = undeployed(live, plan);
		if (again.length > 0) {
			await runOperation(port, plan.name, {
				what: 'deploy the role again where it did not deploy',
				following,
				record,
				async start() {
					const operationId = await port.updateInstances(plan.name, targetsOf(again), [plan.region]);
					for (const instance of again) record(stackSetActions.updateInstances, `${instance.organizationalUnitId}/${instance.account}`, stackSetId);
					return operationId;
				},
			});
		}
		await removeInstances(context, stackSetId, unplanned(live, plan), record);
	},
	async undo(live, context, record) {
		if (!live.stackSetId) return;
		await removeInstances(
			context,
			live.stackSetId,
			live.instances.filter(instance => madeByRecord(context, live.stackSetId, instance)),
			record,
		);
	},
	describe: plan =>
		instanceCreations(plan, [], plan.accounts).map(targets =>
			shellCommand('aws cloudformation create-stack-instances', [
				`--stack-set-name ${shellQuote(plan.name)}`,
				`--deployment-targets ${shellQuote(JSON.stringify(deploymentTargetsInput(targets)))}`,
				`--regions ${shellQuote(plan.region)}`,
				`--region ${shellQuote(plan.region)}`,
			]),
		),
};

async function removeInstances(context: StackSetContext, stackSetId: string, instances: LiveStackInstance[], record: RecordWrite): Promise<void> {
	if (instances.length === 0) return;
	const {port, plan, following} = context;
	await runOperation(port, plan.name, {
		what: 'remove the role from the accounts',
		following,
		record,
		async start() {
			const operationId = await port.deleteInstances(plan.name, targetsOf(instances), regionsOf(instances));
			for (const instance of instances) record(stackSetActions.deleteInstances, `${instance.organizationalUnitId}/${instance.account}`, stackSetId);
			return operationId;
		},
	});
}

/** The StackSet first, its instances after; undo runs backwards. */
export const stackSetResources = [owned(stackSetReconciler), owned(stackInstancesReconciler)];

export function stackSetCommands(plan: StackSetPlan): string[] {
	return stackSetResources.flatMap(resource => resource.describe(plan));
}

/** `known` is a StackSet already read in this pass (or known absent), so it is not read again. */
export function stackSetContext(port: StackSetPort, plan: StackSetPlan, record: SetupRecord, following: Following, known?: {stackSet: LiveStackSet | undefined}): StackSetContext {
	let stackSet: Promise<LiveStackSet | undefined> | undefined = known && Promise.resolve(known.stackSet);
	return {
		port,
		plan,
		following,
		stackSet: () => (stackSet ??= port.describeStackSet(plan.name)),
		created(id) {
			stackSet = Promise.resolve(newStackSet(id, plan));
		},
		targetsMade: stackSetId => record.changes.filter(change => change.action === stackSetActions.createInstances && change.role === stackSetId).map(change => change.target),
	};
}

/** billing-setup's template: one IAM role, with billing policies and its own inline policies only. Another setup's StackSet of that shape may be adopted. */
function isBillingTemplate(body: string): boolean {
	try {
		const resources = Object.values((JSON.parse(body) as {Resources?: Record<string, {Type?: string; Properties?: Record<string, unknown>}>}).Resources ?? {});
		const [role] = resources;
		if (resources.length !== 1 || role?.Type !== 'AWS::IAM::Role') return false;
		// The template names them in whichever partition it is deployed to.
		const billing = billingPolicyArns('${AWS::Partition}');
		const managed = (role.Properties?.ManagedPolicyArns ?? []) as Array<{'Fn::Sub'?: string}>;
		const inline = (role.Properties?.Policies ?? []) as Array<{PolicyName?: string}>;
		return managed.every(arn => billing.includes(arn['Fn::Sub'] ?? '')) && inline.every(policy => policy.PolicyName === costExplorerPolicyName || policy.PolicyName === guardPolicyName);
	} catch {
		return false;
	}
}

export interface StackSetPass extends Pass {
	live?: LiveStackSet;
}

export async function inspectStackSet(
	port: StackSetPort,
	plan: StackSetPlan,
	record: SetupRecord,
	{following, known}: {following: Following; known?: {stackSet: LiveStackSet | undefined}},
): Promise<StackSetPass> {
	const context = stackSetContext(port, plan, record, following, known);
	const items: Inspected[] = [];
	for (const resource of stackSetResources) items.push(await resource.inspect(context));
	const live = await context.stackSet();
	const inspection: RoleInspection = {
		ownership: ownershipOf(live && {tags: live.tags, arn: live.id}, record, stackSetActions.create),
		billingShaped: !live || isBillingTemplate(live.templateBody),
		...(live && {liveArn: live.id}),
		differences: items.flatMap(item => item.differences),
		accountIds: plan.accounts.map(account => account.id),
	};
	return {inspection, items, ...(live && {live})};
}

/** Reads again and writes only what the review showed (convergeInspected, the role's loop), following each operation to its end. */
export function convergeStackSet(
	port: StackSetPort,
	plan: StackSetPlan,
	record: SetupRecord,
	{following, ...options}: {reviewed: RoleInspection | undefined; adopt: boolean; write: RecordWrite; following: Following},
): Promise<ConvergeOutcome> {
	return convergeInspected(
		knownAbsent => inspectStackSet(port, plan, record, {following, ...(knownAbsent && {known: {stackSet: undefined}})}),
		options,
		error => isAwsError(error, 'NameAlreadyExists'),
	);
}

/**
 * Removes the instances this record made (following the operation), then the StackSet when nothing else is left on
 * it. Only a StackSet this record made: another setup's or one not made by billing-setup is refused in words.
 */
export async function undoStackSet(port: StackSetPort, plan: StackSetPlan, record: SetupRecord, {write, following}: {write: RecordWrite; following: Following}): Promise<void> {
	const {inspection, items} = await inspectStackSet(port, plan, record, {following});
	if (inspection.ownership === 'absent') return;
	if (inspection.ownership !== 'ours') {
		throw new ProblemError({
			title: `The StackSet ${plan.name} was not made by this setup, so undo leaves it alone.`,
			why: inspection.ownership === 'foreign' ? `It is not tagged ${managedByTag.Key}=${managedByTag.Value}.` : 'Its BillingSetupId tag names another setup.',
			next: `Remove it where it was made, or with aws cloudformation delete-stack-instances and delete-stack-set --stack-set-name ${plan.name}.`,
		});
	}
	for (const item of [...items].reverse()) await item.undo(write);
}

/** Turns the scope into OU targets and the member accounts they reach, as Organizations has them now; before any write. */
export async function resolveScope(tree: OrganizationTree, scope: StackSetScope, managementAccountId: string): Promise<ResolvedScope> {
	const all = await tree.accounts();
	const byId = new Map(all.map(account => [account.id, account]));
	const member = (account: OrganizationAccount | undefined): account is OrganizationAccount => account?.status === 'ACTIVE' && account.id !== managementAccountId;
	switch (scope.kind) {
		case 'all': {
			const root = await tree.rootId();
			return {unitIds: [root], filtered: false, coversManagement: true, accounts: all.filter(member).map(account => ({...account, unitId: root}))};
		}
		case 'units': {
			const accounts: TargetAccount[] = [];
			let coversManagement = false;
			for (const unitId of scope.ids) {
				for (const id of await unitAccounts(tree, unitId)) {
					coversManagement ||= id === managementAccountId;
					const account = byId.get(id);
					if (member(account) && !accounts.some(found => found.id === id)) accounts.push({...account, unitId});
				}
			}
			return {unitIds: scope.ids, filtered: false, coversManagement, accounts};
		}
		case 'accounts': {
			const unknown = scope.ids.filter(id => !byId.has(id));
			if (unknown.length > 0) {
				throw new ProblemError({
					title: `The organization has no account ${unknown.join(', ')}.`,
					why: 'organizations:ListAccounts does not name it, and a StackSet reaches only accounts of its organization.',
					next: 'Check the ids with billing-setup accounts, then run again with --accounts.',
				});
			}
			const inactive = scope.ids.filter(id => byId.get(id)?.status !== 'ACTIVE');
			if (inactive.length > 0) {
				throw new ProblemError({
					title: `The account ${inactive.join(', ')} is not ACTIVE, so a StackSet cannot deploy there.`,
					why: `Organizations has it as ${inactive.map(id => byId.get(id)!.status).join(', ')}.`,
					next: 'Leave it out of --accounts.',
				});
			}
			const accounts: TargetAccount[] = [];
			for (const id of new Set(scope.ids)) if (id !== managementAccountId) accounts.push({...byId.get(id)!, unitId: await tree.parentOf(id)});
			return {unitIds: [...new Set(accounts.map(account => account.unitId))], filtered: true, coversManagement: scope.ids.includes(managementAccountId), accounts};
		}
	}
}

async function unitAccounts(tree: OrganizationTree, unitId: string): Promise<string[]> {
	try {
		return await tree.accountsUnder(unitId);
	} catch (error) {
		if (!isAwsError(error, 'ParentNotFound')) throw error;
		throw new ProblemError({
			title: `The organization has no OU or root ${unitId}.`,
			why: 'Organizations answered that it cannot find it.',
			next: 'Check the id (aws organizations list-roots, list-organizational-units-for-parent), then run again with --accounts.',
		});
	}
}
