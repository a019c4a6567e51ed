/**
 * What a principal's own IAM policies allow of some actions. iam:SimulatePrincipalPolicy answers best (it also
 * weighs a permissions boundary and conditions); where it is denied or unavailable, the principal's attached,
 * inline and group policies are read and evaluated here. Neither sees SCPs or the root-only billing setting.
 */
import {
	GetGroupPolicyCommand,
	GetPolicyCommand,
	GetPolicyVersionCommand,
	GetRolePolicyCommand,
	GetUserPolicyCommand,
	IAMClient,
	paginateListAttachedGroupPolicies,
	paginateListAttachedRolePolicies,
	paginateListAttachedUserPolicies,
	paginateListGroupPolicies,
	paginateListGroupsForUser,
	paginateListRolePolicies,
	paginateListUserPolicies,
	SimulatePrincipalPolicyCommand,
} from '@aws-sdk/client-iam';
import type {PrincipalAccess} from '../core/account.js';
import {decideAction, parsePolicyDocument} from '../core/policy.js';
import {collect} from './iam-port.js';
import {failedCall} from './problems.js';

async function managedDocument(iam: IAMClient, policyArn: string): Promise<unknown> {
	const {Policy: policy} = await iam.send(new GetPolicyCommand({PolicyArn: policyArn}));
	const {PolicyVersion: version} = await iam.send(new GetPolicyVersionCommand({PolicyArn: policyArn, VersionId: policy?.DefaultVersionId}));
	return parsePolicyDocument(version?.Document);
}

/** Every identity policy document of a user (its own and its groups') or a role. */
async function identityPolicies(iam: IAMClient, kind: 'user' | 'role', name: string): Promise<unknown[]> {
	const client = {client: iam};
	const attached: string[] = [];
	const inline: Array<Promise<unknown>> = [];
	if (kind === 'role') {
		attached.push(...(await collect(paginateListAttachedRolePolicies(client, {RoleName: name}), page => page.AttachedPolicies?.map(policy => policy.PolicyArn))));
		for (const policyName of await collect(paginateListRolePolicies(client, {RoleName: name}), page => page.PolicyNames)) {
			inline.push(iam.send(new GetRolePolicyCommand({RoleName: name, PolicyName: policyName})).then(answer => parsePolicyDocument(answer.PolicyDocument)));
		}
	} else {
		attached.push(...(await collect(paginateListAttachedUserPolicies(client, {UserName: name}), page => page.AttachedPolicies?.map(policy => policy.PolicyArn))));
		for (const policyName of await collect(paginateListUserPolicies(client, {UserName: name}), page => page.PolicyNames)) {
			inline.push(iam.send(new GetUserPolicyCommand({UserName: name, PolicyName: policyName})).then(answer => parsePolicyDocument(answer.PolicyDocument)));
		}
		for (const group of await collect(paginateListGroupsForUser(client, {UserName: name}), page => page.Groups?.map(entry => entry.GroupName))) {
			attached.push(...(await collect(paginateListAttachedGroupPolicies(client, {GroupName: group}), page => page.AttachedPolicies?.map(policy => policy.PolicyArn))));
			for (const policyName of await collect(paginateListGroupPolicies(client, {GroupName: group}), page => page.PolicyNames)) {
				inline.push(iam.send(new GetGroupPolicyCommand({GroupName: group, PolicyName: policyName})).then(answer => parsePolicyDocument(answer.PolicyDocument)));
			}
		}
	}
	return Promise.all([...new Set(attached)].map(arn => managedDocument(iam, arn)).concat(inline));
}

/** `user/alice` or `role/team/Admin` out of an IAM ARN: the kind and the name without its path. */
function principalOf(arn: string): {kind: 'user' | 'role'; name: string} | undefined {
	const match = /^arn:[\w-]+:iam::\d{12}:(user|role)\/(?:.*\/)?([^/]+)$/.exec(arn);
	return match ? {kind: match[1] as 'user' | 'role', name: match[2]!} : undefined;
}

/**
 * `probe`: an IAM client that tries once. SimulatePrincipalPolicy is a best-effort first try, and a service that
 * lacks it (or denies it) should cost one request, not three with back-off, before the policies are read.
 */
export async function principalAccess(iam: IAMClient, probe: IAMClient, principalArn: string, actions: string[]): Promise<PrincipalAccess> {
	let simulateFailure: string;
	try {
		const {EvaluationResults: results = []} = await probe.send(new SimulatePrincipalPolicyCommand({PolicySourceArn: principalArn, ActionNames: actions}));
		const decided = (decision: string) => results.filter(result => result.EvalDecision === decision).flatMap(result => (result.EvalActionName ? [result.EvalActionName] : []));
		return {method: 'simulated', checked: actions, allowed: decided('allowed'), denied: decided('explicitDeny')};
	} catch (error) {
		simulateFailure = failedCall(error, 'IAM');
	}
	const principal = principalOf(principalArn);
	if (!principal) return {method: 'unknown', checked: actions, allowed: [], denied: [], reason: `${principalArn} is not an IAM user or role, and ${simulateFailure}`};
	try {
		const documents = await identityPolicies(iam, principal.kind, principal.name);
		const decisions = actions.map(action => ({action, ...decideAction(documents, action)}));
		const conditional = decisions.filter(decision => decision.conditional).map(decision => decision.action);
		return {
			method: 'policies',
			checked: actions,
			allowed: decisions.filter(decision => decision.decision === 'allowed').map(decision => decision.action),
			denied: decisions.filter(decision => decision.decision === 'denied').map(decision => decision.action),
			reason: [
				`read from its policies, since ${simulateFailure}; a permissions boundary is not weighed.`,
				...(conditional.length > 0 ? [`Statements with conditions on ${conditional.join(', ')} were left out.`] : []),
			].join(' '),
		};
	} catch (error) {
		return {method: 'unknown', checked: actions, allowed: [], denied: [], reason: `${simulateFailure}, and ${failedCall(error, 'IAM')}`};
	}
}
