/** The role itself: trust, max session, description, path, tags and permissions boundary. */
import {managedByTag, setupIdTagKey, type Plan} from '../core/plan.js';
import {principalLabel, requiresMfa, samePolicy, trustedPrincipals} from '../core/policy.js';
import {ProblemError} from '../core/problem.js';
import {hours} from '../core/text.js';
import type {LiveRole} from './iam.js';
import {policyArgument, shellCommand, shellQuote, type Difference, type Reconciler} from './model.js';


function trustDifference(live: LiveRole, plan: Plan): Difference | undefined {
	if (samePolicy(live.trustPolicy, plan.trustPolicy)) return undefined;
	const before = trustedPrincipals(live.trustPolicy);
	const after = trustedPrincipals(plan.trustPolicy);
	const beyond = before.filter(principal => !after.includes(principal));
	const loosened = requiresMfa(plan.trustPolicy) && !requiresMfa(live.trustPolicy);
	const words = (list: string[]) => list.map(principal => principalLabel(principal, plan.accountId)).join(', ') || 'no one';
	const mfa = (document: unknown) => (requiresMfa(document) ? ' with MFA' : '');
	return {
		resource: 'role',
		kind: 'change',
		summary: `change who may switch: ${words(before)}${mfa(live.trustPolicy)} → ${words(after)}${mfa(plan.trustPolicy)}`,
		widening: beyond.length > 0 || loosened,
		foreign: false,
	};
}

export function diffRole(live: LiveRole | undefined, plan: Plan): Difference[] {
	const difference = (kind: Difference['kind'], summary: string, extra: Partial<Difference> = {}): Difference => ({
		resource: 'role',
		kind,
		summary,
		widening: false,
		foreign: false,
		...extra,
	});
	if (!live) return [difference('add', `create the role ${plan.path === '/' ? '' : plan.path}${plan.roleName}`)];
	const differences: Difference[] = [];
	if (live.path !== plan.path) {
		differences.push(
			difference('change', `move it from path ${live.path} to ${plan.path}`, {
				blocked: `IAM cannot move a role to another path. Keep it with --path ${live.path}, or remove it (billing-setup undo) and set up again.`,
			}),
		);
	}
	const trust = trustDifference(live, plan);
	if (trust) differences.push(trust);
	if (live.maxSessionSeconds !== plan.maxSessionSeconds) {
		differences.push(
			difference('change', `change the longest session: ${hours(live.maxSessionSeconds)} → ${hours(plan.maxSessionSeconds)}`, {
				widening: live.maxSessionSeconds > plan.maxSessionSeconds,
			}),
		);
	}
	if (live.description !== plan.description) differences.push(difference('change', `set the description to “${plan.description}”`));
	if (live.permissionsBoundary !== plan.permissionsBoundary) {
		differences.push(
			plan.permissionsBoundary
				? difference(live.permissionsBoundary ? 'change' : 'add', `set the permissions boundary ${plan.permissionsBoundary}`)
				: difference('remove', `remove the permissions boundary ${live.permissionsBoundary} (set outside billing-setup)`, {foreign: true}),
		);
	}
	if (live.tags[managedByTag.Key] !== managedByTag.Value) differences.push(difference('add', `tag it ${managedByTag.Key}=${managedByTag.Value}`));
	if (live.tags[setupIdTagKey] !== plan.setupId) {
		differences.push(difference('change', `tag it as this setup's (${setupIdTagKey}=${plan.setupId})`, {adoption: true}));
	}
	return differences;
}

export const roleReconciler: Reconciler<LiveRole | undefined> = {
	id: 'role',
	read: context => context.role(),
	diff: (live, {plan}) => diffRole(live, plan),
	async apply(live, {iam, plan}, record) {
		if (!live) {
			await iam.createRole({
				name: plan.roleName,
				path: plan.path,
				trustPolicy: plan.trustPolicy,
				description: plan.description,
				maxSessionSeconds: plan.maxSessionSeconds,
				tags: plan.tags,
				...(plan.permissionsBoundary && {permissionsBoundary: plan.permissionsBoundary}),
			});
			record('iam:CreateRole', plan.roleArn);
			return;
		}
		const blocked = diffRole(live, plan).find(difference => difference.blocked);
		if (blocked) {
			throw new ProblemError({title: `billing-setup cannot ${blocked.summary}.`, why: `The role ${live.arn} is under ${live.path}.`, next: blocked.blocked!});
		}
		if (!samePolicy(live.trustPolicy, plan.trustPolicy)) {
			await iam.updateTrust(plan.roleName, plan.trustPolicy);
			record('iam:UpdateAssumeRolePolicy', plan.roleArn);
		}
		if (live.maxSessionSeconds !== plan.maxSessionSeconds || live.description !== plan.description) {
			await iam.updateRole(plan.roleName, {maxSessionSeconds: plan.maxSessionSeconds, description: plan.description});
			record('iam:UpdateRole', plan.roleArn);
		}
		if (live.permissionsBoundary !== plan.permissionsBoundary) {
			if (plan.permissionsBoundary) {
				await iam.putPermissionsBoundary(plan.roleName, plan.permissionsBoundary);
				record('iam:PutRolePermissionsBoundary', plan.permissionsBoundary);
			} else {
				await iam.deletePermissionsBoundary(plan.roleName);
				record('iam:DeleteRolePermissionsBoundary', live.permissionsBoundary!);
			}
		}
		if (plan.tags.some(tag => live.tags[tag.Key] !== tag.Value)) {
			await iam.tagRole(plan.roleName, plan.tags);
			record('iam:TagRole', plan.roleArn);
		}
	},
	async undo(live, {iam, plan}, record) {
		if (!live) return;
		await iam.deleteRole(live.name);
		record('iam:DeleteRole', live.arn ?? plan.roleArn);
	},
	describe: plan => [
		shellCommand('aws iam create-role', [
			`--role-name ${shellQuote(plan.roleName)}`,
			...(plan.path === '/' ? [] : [`--path ${shellQuote(plan.path)}`]),
			`--description ${shellQuote(plan.description)}`,
			`--max-session-duration ${plan.maxSessionSeconds}`,
			// One tag a line: with the setup id, both on one line pass 80 columns.
			...plan.tags.map((tag, index) => `${index === 0 ? '--tags ' : ''}Key=${tag.Key},Value=${tag.Value}`),
			...(plan.permissionsBoundary ? [`--permissions-boundary ${shellQuote(plan.permissionsBoundary)}`] : []),
			`--assume-role-policy-document ${policyArgument(plan.trustPolicy)}`,
		]),
	],
};
