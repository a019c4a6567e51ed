/**
 * The ~/.aws/config profile printed at the end. It must work exactly as printed, so it names the
 * credentials this run really used, the region, and what the AWS CLI and boto3 need besides.
 */
import type {CredentialSource, Identity, Partition} from './principal.js';
import type {RoleSettings, Trust} from './settings.js';
import {iniBlock} from './text.js';

/**
 * Where credentials came from, read from the `$source` feature ids the SDK's providers tag them with.
 * A profile's own tags win: a profile with `credential_source = Environment` also carries the environment's.
 * Instance metadata and the old container provider tag nothing, so untagged credentials follow the chain's order.
 */
export function credentialSourceOf(
	features: Record<string, unknown> | undefined,
	{profile, containerCredentials}: {profile: string; containerCredentials: boolean},
): CredentialSource {
	const ids = Object.keys(features ?? {});
	const fromProfile = ids.some(id => /^CREDENTIALS_(PROFILE|SSO|PROCESS|LOGIN)/.test(id));
	if (fromProfile) return {kind: 'profile', name: profile};
	if (ids.includes('CREDENTIALS_ENV_VARS')) return {kind: 'Environment'};
	if (ids.includes('CREDENTIALS_HTTP')) return {kind: 'EcsContainer'};
	if (ids.includes('CREDENTIALS_ENV_VARS_STS_WEB_ID_TOKEN')) return {kind: 'unknown', what: 'a web identity token (AWS_WEB_IDENTITY_TOKEN_FILE)'};
	return {kind: containerCredentials ? 'EcsContainer' : 'Ec2InstanceMetadata'};
}

/** Whether the caller is one of the principals the trust names; an account-wide trust includes everyone. */
export function callerIsTrusted(caller: Pick<Identity, 'arn' | 'roleArn'>, trust: Trust): boolean {
	return trust.kind === 'account' || trust.arns.some(arn => arn === caller.arn || arn === caller.roleArn);
}

/** Role sessions chain: AssumeRole from them fails when asked for more than 1 h. */
function startsFromRole(caller: Identity | undefined, source: CredentialSource): boolean {
	return source.kind === 'EcsContainer' || source.kind === 'Ec2InstanceMetadata' || caller?.kind === 'assumed-role' || caller?.kind === 'identity-center';
}

const defaultRegion: Record<Partition, string> = {aws: 'us-east-1', 'aws-cn': 'cn-north-1', 'aws-us-gov': 'us-gov-west-1'};

export interface HandOffInput {
	accountId: string;
	partition: Partition;
	roleArn: string;
	settings: Pick<RoleSettings, 'roleName' | 'trust' | 'requireMfa' | 'maxSessionSeconds'>;
	/** Who ran the setup and how they signed in; absent for a dry run planned with --account. */
	caller?: Identity;
	/** Used when the caller's sign-in is not known. */
	region?: string;
	/** The caller's MFA device, from iam:ListMFADevices. */
	mfaSerial?: string;
}

export interface HandOff {
	profileName: string;
	profileBlock: string;
	/** Who the block is for and what each of them needs, when that is not simply the caller. */
	notes: string[];
}

/** `user/alice` for an ARN of this account; other accounts' ARNs stay whole. */
function shortName(arn: string, accountId: string): string {
	const match = /^arn:[\w-]+:iam::(\d{12}):(.+)$/.exec(arn);
	return match?.[1] === accountId ? match[2]! : arn;
}

function principalNeeds(arn: string, {accountId, roleArn}: HandOffInput, longSession: boolean): string {
	const name = shortName(arn, accountId);
	const who = name.slice(name.lastIndexOf('/') + 1);
	const isRole = /:role\//.test(arn);
	const source = isRole
		? `source_profile = a profile that signs in as ${who}, or credential_source = Ec2InstanceMetadata or EcsContainer where ${who} is the instance's or container's role`
		: `source_profile = the profile with ${who}'s own access keys, or credential_source = Environment when they are in environment variables`;
	const otherAccount = /^arn:[\w-]+:iam::(\d{12}):/.exec(arn)?.[1];
	const grant =
		otherAccount && otherAccount !== accountId
			? `; account ${otherAccount} must also allow sts:AssumeRole on ${roleArn} in ${who}'s own IAM policy`
			: '';
	const chain = isRole && longSession ? '; drop duration_seconds (a session started from a role lasts at most 1 h)' : '';
	return `  ${name}: ${source}${grant}${chain}`;
}

/** The profile block, and for chosen principals other than the caller, what each of them needs. */
export function handOff(input: HandOffInput): HandOff {
	const {accountId, partition, roleArn, settings, caller, mfaSerial} = input;
	const profileName = `${settings.roleName.toLowerCase()}-${accountId}`;
	// The root user cannot switch roles at all, so its block is for the account's IAM users and roles.
	const forOthers = caller !== undefined && (caller.kind === 'root' || !callerIsTrusted(caller, settings.trust));
	const source: CredentialSource = forOthers ? {kind: 'unknown'} : (caller?.signIn?.source ?? {kind: 'unknown'});
	const region = caller?.signIn?.region ?? input.region ?? defaultRegion[partition];
	const longSession = settings.maxSessionSeconds > 3600;
	const lines = [`[profile ${profileName}]`, `role_arn = ${roleArn}`, ...sourceLines(source), `region = ${region}`];
	if (longSession && !forOthers && startsFromRole(caller, source)) {
		lines.push('# no duration_seconds: a session started from a role lasts at most 1 h');
	} else if (longSession) lines.push(`duration_seconds = ${settings.maxSessionSeconds}`);
	if (settings.requireMfa) {
		if (mfaSerial && !forOthers) lines.push(`mfa_serial = ${mfaSerial}`);
		else {
			const why = forOthers ? 'each person puts their own MFA device ARN here' : 'put your MFA device ARN here (iam:ListMFADevices named none for you)';
			lines.push(`# ${why}`, `mfa_serial = arn:${partition}:iam::${accountId}:mfa/YOUR-MFA-DEVICE`);
		}
	}
	return {profileName, profileBlock: iniBlock(lines), notes: notesFor(input, forOthers, longSession)};
}

function sourceLines(source: CredentialSource): string[] {
	switch (source.kind) {
		case 'profile':
			return [`source_profile = ${source.name}`];
		case 'unknown':
			return [
				`# ${source.what ? `this run used ${source.what}, which a profile cannot name; ` : ''}name the profile with your own AWS keys (or use credential_source = Environment)`,
				'source_profile = default',
			];
		default:
			return [`credential_source = ${source.kind}`];
	}
}

function notesFor(input: HandOffInput, forOthers: boolean, longSession: boolean): string[] {
	const {settings, roleArn, caller} = input;
	if (settings.trust.kind === 'account' && forOthers) {
		return [
			`The root user cannot switch roles, so the block is for the IAM users and roles of this account: each adds the source line for their own credentials, and their own IAM policy must allow sts:AssumeRole on ${roleArn}.`,
		];
	}
	if (settings.trust.kind === 'account') {
		return [`Others in this account can use it with their own source line, once their own IAM policy allows sts:AssumeRole on ${roleArn}.`];
	}
	const others = settings.trust.arns.filter(arn => !caller || !callerIsTrusted(caller, {kind: 'principals', arns: [arn]}));
	if (others.length === 0) return [];
	const head = forOthers
		? 'Only the principals you chose may switch to the role, and you are not one of them: the block is for them.'
		: 'The other principals you chose can use it too.';
	return [
		head,
		'Each puts it in their own ~/.aws/config, with the source line for their own credentials:',
		...others.map(arn => principalNeeds(arn, input, longSession)),
	];
}
