/**
 * An in-memory StackSetPort and OrganizationTree for unit tests of the StackSet reconcilers: an organization
 * (a root, OUs, accounts), service-managed StackSets with their instances and operations, no network, every call
 * logged. An operation answers RUNNING for `pending.polls` reads of it, and while it runs any other write is
 * refused with OperationInProgressException, as CloudFormation does. Accounts in `failing` fail with that reason.
 */
import type {OrganizationAccount} from '../../source/core/account.js';
import type {DeploymentTargets} from '../../source/core/stackset.js';
import type {AccountResult, LiveOperation, LiveStackInstance, LiveStackSet, OrganizationTree, StackSetPort} from '../../source/reconcile/cloudformation.js';

export const managementAccount = '111111111111';
export const rootId = 'r-test';

interface Operation extends LiveOperation {
	stackSetName: string;
	remaining: number;
	/** What the last DescribeStackSetOperation answered: the results say the same. */
	answered?: LiveOperation['status'];
	results: AccountResult[];
}

export interface MemoryStackSets extends StackSetPort, OrganizationTree {
	stackSets: Map<string, LiveStackSet>;
	instancesOf(name: string): LiveStackInstance[];
	/** Where each account sits: its OU or the root. */
	parents: Map<string, string>;
	/** OU → its parent. */
	units: Map<string, string>;
	organizationAccounts: OrganizationAccount[];
	operations: Operation[];
	pending: {polls: number};
	failing: Map<string, string>;
	calls: string[];
	addAccount(id: string, parent: string, status?: string): void;
}

const error = (name: string, message: string) => Object.assign(new Error(message), {name});

export function memoryStackSets(): MemoryStackSets {
	const stackSets = new Map<string, LiveStackSet>();
	const instances = new Map<string, LiveStackInstance[]>();
	const calls: string[] = [];
	let counter = 0;
	const log = (call: string) => void calls.push(call);
	const instancesOf = (name: string) => {
		const list = instances.get(name) ?? [];
		instances.set(name, list);
		return list;
	};
	const found = (name: string) => {
		const stackSet = stackSets.get(name);
		if (!stackSet) throw error('StackSetNotFoundException', `StackSet ${name} not found`);
		return stackSet;
	};
	const under = (unitId: string): string[] => [
		...[...port.parents].filter(([, parent]) => parent === unitId).map(([account]) => account),
		...[...port.units].filter(([, parent]) => parent === unitId).flatMap(([unit]) => under(unit)),
	];
	/** The member accounts targets name, as CloudFormation resolves them: never the management account. */
	const reached = (targets: DeploymentTargets) =>
		targets.organizationalUnitIds.flatMap(unit =>
			under(unit)
				.filter(account => account !== managementAccount && (!targets.accounts || targets.accounts.includes(account)))
				.map(account => ({account, unit})),
		);
	/** A write that runs as an operation: refused while another runs. */
	const operation = (stackSetName: string, action: string, accounts: string[], regions: string[]): string => {
		if (port.operations.some(running => running.stackSetName === stackSetName && running.remaining > 0)) {
			throw error('OperationInProgressException', 'Another Operation on StackSet is in progress');
		}
		const results = accounts.flatMap(account =>
			regions.map(region => {
				const reason = port.failing.get(account);
				return {account, region, status: reason ? 'FAILED' : 'SUCCEEDED', ...(reason && {statusReason: reason})};
			}),
		);
		const operationId = `operation-${++counter}`;
		port.operations.push({operationId, action, stackSetName, status: results.some(result => result.status === 'FAILED') ? 'FAILED' : 'SUCCEEDED', remaining: port.pending.polls, results});
		return operationId;
	};
	const port: MemoryStackSets = {
		region: 'us-east-1',
		stackSets,
		instancesOf,
		parents: new Map(),
		units: new Map(),
		organizationAccounts: [{id: managementAccount, name: 'management', email: 'm@example.com', status: 'ACTIVE', joinedMethod: 'CREATED'}],
		operations: [],
		pending: {polls: 0},
		failing: new Map(),
		calls,
		addAccount(id, parent, status = 'ACTIVE') {
			this.parents.set(id, parent);
			this.organizationAccounts.push({id, name: `member ${id}`, email: `${id}@example.com`, status, joinedMethod: 'CREATED'});
		},
		async accounts() {
			log('accounts');
			return structuredClone(this.organizationAccounts);
		},
		async rootId() {
			log('rootId');
			return rootId;
		},
		async parentOf(accountId) {
			log('parentOf');
			return this.parents.get(accountId)!;
		},
		async accountsUnder(unitId) {
			log('accountsUnder');
			if (unitId !== rootId && !this.units.has(unitId)) throw error('ParentNotFoundException', `No parent ${unitId}`);
			return under(unitId);
		},
		async describeStackSet(name) {
			log('describeStackSet');
			const stackSet = stackSets.get(name);
			return stackSet && structuredClone(stackSet);
		},
		async listInstances(name) {
			log('listInstances');
			return structuredClone(instancesOf(name));
		},
		async createStackSet({name, templateBody, tags}) {
			log('createStackSet');
			if (stackSets.has(name)) throw error('NameAlreadyExistsException', `StackSet ${name} already exists`);
			const id = `${name}:${++counter}`;
			stackSets.set(name, {
				name,
				id,
				templateBody,
				parameters: {},
				tags: Object.fromEntries(tags.map(tag => [tag.Key, tag.Value])),
				permissionModel: 'SERVICE_MANAGED',
				autoDeployment: {enabled: true, retainStacksOnAccountRemoval: false},
				organizationalUnitIds: [],
			});
			return id;
		},
		async updateStackSet({name, templateBody, tags}) {
			log('updateStackSet');
			const stackSet = found(name);
			const list = instancesOf(name);
			const operationId = operation(name, 'UPDATE', list.map(instance => instance.account), [this.region]);
			Object.assign(stackSet, {templateBody, tags: Object.fromEntries(tags.map(tag => [tag.Key, tag.Value])), autoDeployment: {enabled: true, retainStacksOnAccountRemoval: false}});
			return operationId;
		},
		async createInstances(name, targets, regions) {
			log(`createInstances ${JSON.stringify(targets)}`);
			const stackSet = found(name);
			const accounts = reached(targets);
			const operationId = operation(name, 'CREATE', accounts.map(({account}) => account), regions);
			stackSet.organizationalUnitIds = [...new Set([...stackSet.organizationalUnitIds, ...targets.organizationalUnitIds])];
			const list = instancesOf(name);
			for (const {account, unit} of accounts) {
				for (const region of regions) {
					if (list.some(instance => instance.account === account && instance.region === region)) continue;
					const reason = this.failing.get(account);
					list.push({account, region, organizationalUnitId: unit, status: reason ? 'OUTDATED' : 'CURRENT', ...(reason && {detailedStatus: 'FAILED', statusReason: reason})});
				}
			}
			return operationId;
		},
		async updateInstances(name, targets, regions) {
			log(`updateInstances ${JSON.stringify(targets)}`);
			found(name);
			const accounts = reached(targets).map(({account}) => account);
			const operationId = operation(name, 'UPDATE', accounts, regions);
			for (const instance of instancesOf(name)) {
				if (!accounts.includes(instance.account) || !regions.includes(instance.region) || this.failing.has(instance.account)) continue;
				Object.assign(instance, {status: 'CURRENT', detailedStatus: 'SUCCEEDED'});
				delete instance.statusReason;
			}
			return operationId;
		},
		async deleteInstances(name, targets, regions) {
			log(`deleteInstances ${JSON.stringify(targets)}`);
			found(name);
			const list = instancesOf(name);
			const gone = list.filter(
				instance =>
					regions.includes(instance.region) &&
					targets.organizationalUnitIds.includes(instance.organizationalUnitId) &&
					(!targets.accounts || targets.accounts.includes(instance.account)),
			);
			const operationId = operation(name, 'DELETE', gone.map(instance => instance.account), regions);
			instances.set(name, list.filter(instance => !gone.includes(instance)));
			return operationId;
		},
		async describeOperation(name, operationId) {
			log('describeOperation');
			const found = this.operations.find(candidate => candidate.operationId === operationId && candidate.stackSetName === name);
			if (!found) throw error('OperationNotFoundException', `No operation ${operationId}`);
			found.answered = found.remaining > 0 ? 'RUNNING' : found.status;
			found.remaining = Math.max(0, found.remaining - 1);
			return {operationId, action: found.action, status: found.answered};
		},
		async operationResults(name, operationId) {
			log('operationResults');
			const found = this.operations.find(candidate => candidate.operationId === operationId && candidate.stackSetName === name)!;
			// While it runs, every account is still on its way.
			return structuredClone(found.answered === 'RUNNING' ? found.results.map(({account, region}) => ({account, region, status: 'RUNNING'})) : found.results);
		},
		async activeOperation(name) {
			log('activeOperation');
			return this.operations.find(candidate => candidate.stackSetName === name && candidate.remaining > 0)?.operationId;
		},
		async deleteStackSet(name) {
			log('deleteStackSet');
			found(name);
			if (instancesOf(name).length > 0) throw error('StackSetNotEmptyException', 'StackSet is not empty');
			stackSets.delete(name);
		},
	};
	return port;
}
