/**
 * An in-memory SsoPort for unit tests of the permission-set reconcilers: Identity Center's data model (one
 * instance, permission sets, account assignments, an identity store), no network, every call logged.
 * `pending` makes the next requests answer IN_PROGRESS for that many status polls, as real provisioning does.
 */
import type {Assignee} from '../../source/core/settings.js';
import {newPermissionSet, type AssignmentTarget, type LiveAssignment, type LivePermissionSet, type RequestStatus, type SsoPort} from '../../source/reconcile/sso.js';

export interface MemorySso extends SsoPort {
	permissionSets: Map<string, LivePermissionSet>;
	/** The live list of a permission set's assignments in an account (this one unless named): push to it to assign outside billing-setup. */
	assignmentsOf(permissionSetArn: string, accountId?: string): LiveAssignment[];
	/** Identity store principals: `USER:alice` → id. */
	principals: Map<string, string>;
	/** How many status polls each new request answers IN_PROGRESS before it ends. */
	pending: {polls: number; outcome: 'SUCCEEDED' | 'FAILED'};
	calls: string[];
	addPrincipal(assignee: Assignee): string;
}

export const instanceArn = 'arn:aws:sso:::instance/ssoins-0000000000000000';
export const thisAccount = '123456789012';
export const identityStoreId = 'd-0000000000';

export function memorySso({hasInstance = true} = {}): MemorySso {
	const permissionSets = new Map<string, LivePermissionSet>();
	/** By account, then permission set ARN. */
	const assignments = new Map<string, Map<string, LiveAssignment[]>>();
	const assignmentsOf = (arn: string, accountId = thisAccount): LiveAssignment[] => {
		const inAccount = assignments.get(accountId) ?? new Map<string, LiveAssignment[]>();
		assignments.set(accountId, inAccount);
		const list = inAccount.get(arn) ?? [];
		inAccount.set(arn, list);
		return list;
	};
	const requests = new Map<string, {remaining: number; outcome: RequestStatus['status']}>();
	const calls: string[] = [];
	let counter = 0;
	const log = (call: string) => void calls.push(call);
	const found = (arn: string): LivePermissionSet => {
		const set = permissionSets.get(arn);
		if (!set) throw Object.assign(new Error(`Could not find PermissionSet ${arn}`), {name: 'ResourceNotFoundException'});
		return set;
	};
	const port: MemorySso = {
		region: 'us-east-1',
		permissionSets,
		assignmentsOf,
		principals: new Map(),
		pending: {polls: 0, outcome: 'SUCCEEDED'},
		calls,
		addPrincipal(assignee) {
			const id = `${assignee.type.toLowerCase()}-${++counter}`;
			this.principals.set(`${assignee.type}:${assignee.name}`, id);
			return id;
		},
		async instance() {
			log('instance');
			return hasInstance ? {instanceArn, identityStoreId} : undefined;
		},
		async findPermissionSet(_instance, name) {
			log('findPermissionSet');
			const set = [...permissionSets.values()].find(candidate => candidate.name === name);
			return set && structuredClone(set);
		},
		async readPermissionSet(_instance, arn) {
			log('readPermissionSet');
			const set = permissionSets.get(arn);
			return set && structuredClone(set);
		},
		async listPeople(_store, limit) {
			log('listPeople');
			const people = [...this.principals.keys()].map(key => {
				const [type, ...name] = key.split(':');
				return {type: type as Assignee['type'], name: name.join(':')};
			});
			return [...people.filter(person => person.type === 'GROUP'), ...people.filter(person => person.type === 'USER')].slice(0, limit);
		},
		async principalId(_store, assignee) {
			log('principalId');
			return this.principals.get(`${assignee.type}:${assignee.name}`);
		},
		async principalName(_store, {principalType, principalId}) {
			log('principalName');
			const key = [...this.principals.entries()].find(([name, id]) => id === principalId && name.startsWith(`${principalType}:`))?.[0];
			return key?.slice(key.indexOf(':') + 1);
		},
		async listAssignments(_instance, accountId, arn) {
			log('listAssignments');
			return structuredClone(assignmentsOf(arn, accountId));
		},
		async createPermissionSet(_instance, {name, description, sessionDuration, tags}) {
			log('createPermissionSet');
			if ([...permissionSets.values()].some(set => set.name === name)) throw Object.assign(new Error('exists'), {name: 'ConflictException'});
			const arn = `${instanceArn}/ps-${++counter}`;
			permissionSets.set(arn, newPermissionSet(arn, {name, description, sessionDuration, tags}));
			return arn;
		},
		async updatePermissionSet(_instance, arn, changes) {
			log('updatePermissionSet');
			Object.assign(found(arn), changes);
		},
		async tagPermissionSet(_instance, arn, tags) {
			log('tagPermissionSet');
			for (const tag of tags) found(arn).tags[tag.Key] = tag.Value;
		},
		async attachManagedPolicy(_instance, arn, policy) {
			log('attachManagedPolicy');
			if (!found(arn).managedPolicies.includes(policy)) found(arn).managedPolicies.push(policy);
		},
		async detachManagedPolicy(_instance, arn, policy) {
			log('detachManagedPolicy');
			found(arn).managedPolicies = found(arn).managedPolicies.filter(attached => attached !== policy);
		},
		async detachCustomerManagedPolicy(_instance, arn, reference) {
			log('detachCustomerManagedPolicy');
			found(arn).customerManagedPolicies = found(arn).customerManagedPolicies.filter(attached => attached !== reference);
		},
		async putInlinePolicy(_instance, arn, document) {
			log('putInlinePolicy');
			found(arn).inlinePolicy = structuredClone(document);
		},
		async deleteInlinePolicy(_instance, arn) {
			log('deleteInlinePolicy');
			delete found(arn).inlinePolicy;
		},
		async createAssignment(_instance, target: AssignmentTarget) {
			log('createAssignment');
			assignmentsOf(target.permissionSetArn, target.accountId).push({principalType: target.principalType, principalId: target.principalId});
			return request();
		},
		async deleteAssignment(_instance, target) {
			log('deleteAssignment');
			const list = assignmentsOf(target.permissionSetArn, target.accountId);
			const kept = list.filter(assignment => assignment.principalId !== target.principalId || assignment.principalType !== target.principalType);
			list.splice(0, list.length, ...kept);
			return request();
		},
		async provision(_instance, arn, accountId) {
			log(`provision ${accountId}`);
			found(arn);
			return request();
		},
		async requestStatus(_instance, _kind, requestId) {
			log('requestStatus');
			const entry = requests.get(requestId)!;
			entry.remaining -= 1;
			return {requestId, status: entry.remaining > 0 ? 'IN_PROGRESS' : entry.outcome, ...(entry.outcome === 'FAILED' && {failureReason: 'the account is suspended'})};
		},
		async deletePermissionSet(_instance, arn) {
			log('deletePermissionSet');
			if ([...assignments.values()].some(inAccount => (inAccount.get(arn) ?? []).length > 0)) throw Object.assign(new Error('still assigned'), {name: 'ConflictException'});
			found(arn);
			permissionSets.delete(arn);
		},
	};
	function request(): RequestStatus {
		const requestId = `request-${++counter}`;
		const {polls, outcome} = port.pending;
		if (polls === 0) return {requestId, status: outcome};
		requests.set(requestId, {remaining: polls, outcome});
		return {requestId, status: 'IN_PROGRESS'};
	}
	return port;
}
