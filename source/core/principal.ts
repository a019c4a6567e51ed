/** Who the caller is, as told by STS GetCallerIdentity. */

/** The link of the SDK's default chain that gave this run its credentials, as the AWS CLI can name it again. */
export type CredentialSource =
	| {kind: 'profile'; name: string}
	| {kind: 'Environment' | 'EcsContainer' | 'Ec2InstanceMetadata'}
	/** Nothing a profile can point at: a web identity token, or credentials not known (a dry run for --account). */
	| {kind: 'unknown'; what?: string};

/** How this run signed in: kept with the caller's identity, never a secret. */
export interface SignIn {
	source: CredentialSource;
	region: string;
}

export type Partition = 'aws' | 'aws-cn' | 'aws-us-gov';

export type PrincipalKind =
	| 'root'
	| 'iam-user'
	| 'assumed-role'
	| 'identity-center'
	| 'federated-user'
	| 'unknown';

export interface Identity {
	accountId: string;
	arn: string;
	partition: Partition;
	kind: PrincipalKind;
	/** User name, role name or federated name: what a person would call this principal. */
	name: string;
	/** For assumed roles: the role's own ARN (what to put in a trust policy), not the session ARN. */
	roleArn?: string;
	/** Which credentials and region this run used: what the printed profile must name. */
	signIn?: SignIn;
}

const partitions: readonly Partition[] = ['aws', 'aws-cn', 'aws-us-gov'];

export function isPartition(value: string): value is Partition {
	return (partitions as readonly string[]).includes(value);
}

/** Classifies an STS caller ARN such as `arn:aws:sts::123456789012:assumed-role/Admin/alice`. */
export function classifyCaller(arn: string, accountId: string): Identity {
	const [prefix, partitionText = 'aws', service = '', , account = accountId, ...resourceParts] = arn.split(':');
	const partition = isPartition(partitionText) ? partitionText : 'aws';
	const resource = resourceParts.join(':');
	const base = {accountId: account || accountId, arn, partition};
	if (prefix !== 'arn') return {...base, kind: 'unknown', name: arn};

	if (service === 'iam' && resource === 'root') return {...base, kind: 'root', name: 'root user'};
	if (service === 'iam' && resource.startsWith('user/')) {
		return {...base, kind: 'iam-user', name: resource.slice(resource.lastIndexOf('/') + 1)};
	}
	if (service === 'sts' && resource.startsWith('assumed-role/')) {
		const [, roleName = '', session = ''] = resource.split('/');
		// Identity Center roles live under a fixed path that the session ARN omits.
		const isIdentityCenter = roleName.startsWith('AWSReservedSSO_');
		const rolePath = isIdentityCenter ? 'role/aws-reserved/sso.amazonaws.com/' : 'role/';
		return {
			...base,
			kind: isIdentityCenter ? 'identity-center' : 'assumed-role',
			name: session ? `${roleName} (session ${session})` : roleName,
			roleArn: `arn:${partition}:iam::${account}:${rolePath}${roleName}`,
		};
	}
	if (service === 'sts' && resource.startsWith('federated-user/')) {
		return {...base, kind: 'federated-user', name: resource.slice('federated-user/'.length)};
	}
	return {...base, kind: 'unknown', name: resource || arn};
}

/** Who the caller is, as the transcript and the first line say it: "IAM user alice", or the ARN when unrecognised. */
export function callerName(identity: Identity): string {
	return identity.kind === 'unknown' ? identity.arn : `${principalKindLabel[identity.kind]} ${identity.name}`;
}

export const principalKindLabel: Record<PrincipalKind, string> = {
	root: 'root user',
	'iam-user': 'IAM user',
	'assumed-role': 'assumed IAM role',
	'identity-center': 'IAM Identity Center (SSO) user',
	'federated-user': 'federated user',
	unknown: 'unrecognised principal',
};

/** What this kind of caller needs to know before a role is made for it. */
export function callerNotes(identity: Identity): string[] {
	switch (identity.kind) {
		case 'root':
			return [
				'Root access keys can do anything in this account and cannot be limited: delete them once you have an IAM admin.',
				'The root user cannot switch roles, so the role is created but the switch check is skipped. Use it from an IAM user or role.',
			];
		case 'identity-center':
			return [
				'You signed in through IAM Identity Center. Even with a Billing permission set, Billing stays closed to you until the root user activates IAM access to billing in this account (the step below).',
				'A role made here is for IAM users and roles to switch to. For Identity Center users, make a Billing permission set instead: billing-setup --via identity-center --assign user:NAME,group:NAME --yes.',
			];
		default:
			return [];
	}
}
