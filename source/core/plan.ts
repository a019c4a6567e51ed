/** Everything the tool would create, derived from settings: one source for review, dry-run, JSON and the done screen. */
import type {Partition} from './principal.js';
import {managedPolicyArn, type RoleSettings} from './settings.js';

export const managedByTag = {Key: 'ManagedBy', Value: 'billing-setup'} as const;
export const costExplorerPolicyName = 'BillingSetupCostExplorerRead';
export const roleDescription = 'Billing and Cost Management access, created by billing-setup';

/** The action the user's console error names; neither managed billing policy grants it. */
export const costExplorerAction = 'ce:DescribeReport';

export interface PolicyDocument {
	Version: '2012-10-17';
	Statement: Array<Record<string, unknown>>;
}

export interface Plan {
	accountId: string;
	partition: Partition;
	roleName: string;
	roleArn: string;
	trustPolicy: PolicyDocument;
	managedPolicyArn: string;
	costExplorerPolicy?: PolicyDocument;
	maxSessionSeconds: number;
	cliCommands: string[];
	switchRoleUrl: string;
	profileBlock: string;
}

export function trustPolicy(accountId: string, partition: Partition, settings: RoleSettings): PolicyDocument {
	const principals =
		settings.trust.kind === 'account' ? [`arn:${partition}:iam::${accountId}:root`] : settings.trust.arns;
	return {
		Version: '2012-10-17',
		Statement: [
			{
				Effect: 'Allow',
				Principal: {AWS: principals.length === 1 ? principals[0] : principals},
				Action: 'sts:AssumeRole',
				...(settings.requireMfa && {Condition: {Bool: {'aws:MultiFactorAuthPresent': 'true'}}}),
			},
		],
	};
}

export const costExplorerPolicy: PolicyDocument = {
	Version: '2012-10-17',
	Statement: [{Effect: 'Allow', Action: ['ce:Describe*', 'ce:Get*', 'ce:List*'], Resource: '*'}],
};

const signinHost: Record<Partition, string> = {
	aws: 'signin.aws.amazon.com',
	'aws-cn': 'signin.amazonaws.cn',
	'aws-us-gov': 'signin.amazonaws-us-gov.com',
};

const consoleHost: Record<Partition, string> = {
	aws: 'console.aws.amazon.com',
	'aws-cn': 'console.amazonaws.cn',
	'aws-us-gov': 'console.amazonaws-us-gov.com',
};

export function switchRoleUrl(accountId: string, partition: Partition, roleName: string): string {
	const query = new URLSearchParams({account: accountId, roleName, displayName: `${roleName} @ ${accountId}`});
	return `https://${signinHost[partition]}/switchrole?${query.toString()}`;
}

/** The console page where the root user turns on IAM access to billing. */
export function accountSettingsUrl(partition: Partition): string {
	return `https://${consoleHost[partition]}/billing/home#/account`;
}

/** `sourceProfile` is the profile whose credentials switch to the role: the one this run used. */
export function profileBlock(roleArn: string, roleName: string, accountId: string, partition: Partition, requireMfa: boolean, sourceProfile = 'default'): string {
	const lines = [
		`[profile ${roleName.toLowerCase()}-${accountId}]`,
		`role_arn = ${roleArn}`,
		`source_profile = ${sourceProfile}`,
		...(requireMfa ? [`mfa_serial = arn:${partition}:iam::${accountId}:mfa/YOUR-MFA-DEVICE`] : []),
	];
	return lines.join('\n');
}

function shellQuote(text: string): string {
	return `'${text.replaceAll("'", `'\\''`)}'`;
}

/**
 * One argument per line with `\` continuations, and policies as multi-line quoted JSON: short lines
 * survive a narrow terminal's wrapping and still paste into a shell as one command.
 */
function shellCommand(command: string, args: string[]): string {
	return [command, ...args].join(' \\\n  ');
}

export function buildPlan(accountId: string, partition: Partition, settings: RoleSettings, sourceProfile?: string): Plan {
	const roleArn = `arn:${partition}:iam::${accountId}:role/${settings.roleName}`;
	const trust = trustPolicy(accountId, partition, settings);
	const policyArn = managedPolicyArn(settings.access, partition);
	const role = shellQuote(settings.roleName);
	const document = (policy: PolicyDocument) => shellQuote(JSON.stringify(policy, null, 2));
	const cliCommands = [
		shellCommand('aws iam create-role', [
			`--role-name ${role}`,
			`--description ${shellQuote(roleDescription)}`,
			`--max-session-duration ${settings.maxSessionSeconds}`,
			`--tags Key=${managedByTag.Key},Value=${managedByTag.Value}`,
			`--assume-role-policy-document ${document(trust)}`,
		]),
		shellCommand('aws iam attach-role-policy', [`--role-name ${role}`, `--policy-arn ${policyArn}`]),
		...(settings.costExplorer
			? [
					shellCommand('aws iam put-role-policy', [
						`--role-name ${role}`,
						`--policy-name ${costExplorerPolicyName}`,
						`--policy-document ${document(costExplorerPolicy)}`,
					]),
				]
			: []),
	];
	return {
		accountId,
		partition,
		roleName: settings.roleName,
		roleArn,
		trustPolicy: trust,
		managedPolicyArn: policyArn,
		...(settings.costExplorer && {costExplorerPolicy}),
		maxSessionSeconds: settings.maxSessionSeconds,
		cliCommands,
		switchRoleUrl: switchRoleUrl(accountId, partition, settings.roleName),
		profileBlock: profileBlock(roleArn, settings.roleName, accountId, partition, settings.requireMfa, sourceProfile),
	};
}

/** Whether a policy document allows an action, honouring `*` wildcards and ignoring conditions. */
export function policyAllows(document: unknown, action: string): boolean {
	const statements = (document as {Statement?: unknown})?.Statement;
	const list = Array.isArray(statements) ? statements : [statements];
	const allowed = list.some(statement => {
		const {Effect: effect, Action: actions} = (statement ?? {}) as {Effect?: string; Action?: string | string[]};
		if (effect !== 'Allow' || actions === undefined) return false;
		return [actions].flat().some(pattern => actionMatches(pattern, action));
	});
	return allowed;
}

function actionMatches(pattern: string, action: string): boolean {
	const expression = pattern
		.toLowerCase()
		.replaceAll(/[.+^${}()|[\]\\]/g, '\\$&')
		.replaceAll('*', '.*')
		.replaceAll('?', '.');
	return new RegExp(`^${expression}$`).test(action.toLowerCase());
}
