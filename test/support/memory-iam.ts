/**
 * An in-memory IamPort for unit tests of the reconcilers: IAM's data model, no network, every call logged, and
 * answered a wave at a time (waves.ts), so a test can count the round trips a pass makes.
 */
import type {PolicyDocument} from '../../source/core/plan.js';
import type {IamPort, LiveRole} from '../../source/reconcile/iam.js';
import {waves, type Waves} from './waves.js';

export interface MemoryRole extends Omit<LiveRole, 'inline' | 'documents'> {
	inline: Record<string, unknown>;
	instanceProfiles?: string[];
}

export interface MemoryIam extends IamPort {
	roles: Map<string, MemoryRole>;
	/** IAM users and roles that exist, by ARN, for principalExists. */
	principals: Set<string>;
	/** MFA devices per user name, for mfaDeviceCount (none unless set). */
	mfaDevices: Map<string, number>;
	calls: string[];
	rounds: Waves;
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
	const rounds = waves();
	const log = (call: string) => {
		calls.push(call);
		return rounds.join(call);
	};
	const memory: MemoryIam = {
		roles,
		principals: new Set(),
		mfaDevices: new Map(),
		calls,
		rounds,
		async readRole(name, {documents}) {
			await log('readRole');
			const found = roles.get(name);
			if (!found) return undefined;
			const {instanceProfiles: _, ...rest} = structuredClone(found);
			return {...rest, inline: Object.keys(found.inline), documents: Object.fromEntries(Object.entries(rest.inline).filter(([policy]) => documents.includes(policy)))};
		},
		async listInstanceProfiles(name) {
			await log('listInstanceProfiles');
			return roles.get(name)?.instanceProfiles ?? [];
		},
		async principalExists(arn) {
			await log('principalExists');
			return this.principals.has(arn);
		},
		async mfaDeviceCount(userName) {
			await log('mfaDeviceCount');
			return this.mfaDevices.get(userName) ?? 0;
		},
		async createRole(input) {
			await log('createRole');
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
			await log('updateTrust');
			role(name).trustPolicy = structuredClone(document);
		},
		async updateRole(name, {maxSessionSeconds, description}) {
			await log('updateRole');
			Object.assign(role(name), {maxSessionSeconds, description});
		},
		async putPermissionsBoundary(name, arn) {
			await log('putPermissionsBoundary');
			role(name).permissionsBoundary = arn;
		},
		async deletePermissionsBoundary(name) {
			await log('deletePermissionsBoundary');
			delete role(name).permissionsBoundary;
		},
		async tagRole(name, tags) {
			await log('tagRole');
			for (const tag of tags) role(name).tags[tag.Key] = tag.Value;
		},
		async attachPolicy(name, arn) {
			await log('attachPolicy');
			if (!role(name).attached.includes(arn)) role(name).attached.push(arn);
		},
		async detachPolicy(name, arn) {
			await log('detachPolicy');
			role(name).attached = role(name).attached.filter(attached => attached !== arn);
		},
		async putInlinePolicy(name, policyName, document) {
			await log('putInlinePolicy');
			role(name).inline[policyName] = structuredClone(document);
		},
		async deleteInlinePolicy(name, policyName) {
			await log('deleteInlinePolicy');
			delete role(name).inline[policyName];
		},
		async deleteRole(name) {
			await log('deleteRole');
			const found = role(name);
			if (found.attached.length > 0 || Object.keys(found.inline).length > 0) {
				throw Object.assign(new Error('Cannot delete entity, must detach all policies first.'), {name: 'DeleteConflict'});
			}
			roles.delete(name);
		},
	};
	return memory;
}
