/** An in-memory IamPort for unit tests of the reconcilers: IAM's data model, no network, every call logged. */
import type {PolicyDocument} from '../../source/core/plan.js';
import type {IamPort, LiveRole} from '../../source/reconcile/iam.js';

export interface MemoryRole extends Omit<LiveRole, 'inline'> {
	inline: Record<string, unknown>;
	instanceProfiles?: string[];
}

export interface MemoryIam extends IamPort {
	roles: Map<string, MemoryRole>;
	/** IAM users and roles that exist, by ARN, for principalExists. */
	principals: Set<string>;
	calls: string[];
}

const noSuchEntity = (what: string) => Object.assign(new Error(`The role with name ${what} cannot be found.`), {name: 'NoSuchEntity'});

export function memoryIam(accountId = '123456789012'): MemoryIam {
	const roles = new Map<string, MemoryRole>();
	const calls: string[] = [];
	const role = (name: string): MemoryRole => {
		const found = roles.get(name);
		if (!found) throw noSuchEntity(name);
		return found;
	};
	const log = (call: string) => void calls.push(call);
	return {
		roles,
		principals: new Set(),
		calls,
		async readRole(name) {
			log('readRole');
			const found = roles.get(name);
			if (!found) return undefined;
			const {instanceProfiles: _, ...rest} = structuredClone(found);
			return {...rest, inline: Object.keys(found.inline)};
		},
		async getInlinePolicy(name, policyName) {
			log('getInlinePolicy');
			return structuredClone(role(name).inline[policyName]);
		},
		async listInstanceProfiles(name) {
			log('listInstanceProfiles');
			return role(name).instanceProfiles ?? [];
		},
		async principalExists(arn) {
			log('principalExists');
			return this.principals.has(arn);
		},
		async createRole(input) {
			log('createRole');
			if (roles.has(input.name)) throw Object.assign(new Error('exists'), {name: 'EntityAlreadyExists'});
			roles.set(input.name, {
				name: input.name,
				path: input.path,
				arn: `arn:aws:iam::${accountId}:role${input.path}${input.name}`,
				trustPolicy: structuredClone(input.trustPolicy),
				maxSessionSeconds: input.maxSessionSeconds,
				description: input.description,
				tags: Object.fromEntries(input.tags.map(tag => [tag.Key, tag.Value])),
				...(input.permissionsBoundary && {permissionsBoundary: input.permissionsBoundary}),
				attached: [],
				inline: {},
			});
		},
		async updateTrust(name, document: PolicyDocument) {
			log('updateTrust');
			role(name).trustPolicy = structuredClone(document);
		},
		async updateRole(name, {maxSessionSeconds, description}) {
			log('updateRole');
			Object.assign(role(name), {maxSessionSeconds, description});
		},
		async putPermissionsBoundary(name, arn) {
			log('putPermissionsBoundary');
			role(name).permissionsBoundary = arn;
		},
		async deletePermissionsBoundary(name) {
			log('deletePermissionsBoundary');
			delete role(name).permissionsBoundary;
		},
		async tagRole(name, tags) {
			log('tagRole');
			for (const tag of tags) role(name).tags[tag.Key] = tag.Value;
		},
		async attachPolicy(name, arn) {
			log('attachPolicy');
			if (!role(name).attached.includes(arn)) role(name).attached.push(arn);
		},
		async detachPolicy(name, arn) {
			log('detachPolicy');
			role(name).attached = role(name).attached.filter(attached => attached !== arn);
		},
		async putInlinePolicy(name, policyName, document) {
			log('putInlinePolicy');
			role(name).inline[policyName] = structuredClone(document);
		},
		async deleteInlinePolicy(name, policyName) {
			log('deleteInlinePolicy');
			delete role(name).inline[policyName];
		},
		async deleteRole(name) {
			log('deleteRole');
			const found = role(name);
			if (found.attached.length > 0 || Object.keys(found.inline).length > 0) {
				throw Object.assign(new Error('Cannot delete entity, must detach all policies first.'), {name: 'DeleteConflict'});
			}
			roles.delete(name);
		},
	};
}
