import {describe, expect, test} from 'vitest';
import {credentialSourceOf, handOff, type HandOffInput} from '../../source/core/handoff.js';
import type {CredentialSource} from '../../source/core/principal.js';
import {classifyCaller, type Identity} from '../../source/core/principal.js';
import {defaultSettings} from '../../source/core/settings.js';

const account = '123456789012';
const roleArn = `arn:aws:iam::${account}:role/BillingAccess`;
const alice = `arn:aws:iam::${account}:user/alice`;

function caller(arn: string, source: CredentialSource, region = 'eu-west-1'): Identity {
	return {...classifyCaller(arn, account), signIn: {source, region}};
}

function block(overrides: Partial<HandOffInput['settings']>, who?: Identity, mfaSerial?: string) {
	return handOff({accountId: account, partition: 'aws', roleArn, settings: {...defaultSettings, ...overrides}, caller: who, mfaSerial});
}

describe('credentialSourceOf: the link of the default chain that gave the credentials', () => {
	const chain = {profile: 'admin', containerCredentials: false};

	test.each([
		[{CREDENTIALS_ENV_VARS: 'g'}, {kind: 'Environment'}],
		[{CREDENTIALS_PROFILE: 'n'}, {kind: 'profile', name: 'admin'}],
		// A profile that itself takes credential_source = Environment is named, not its environment.
		[{CREDENTIALS_ENV_VARS: 'g', CREDENTIALS_PROFILE_NAMED_PROVIDER: 'p'}, {kind: 'profile', name: 'admin'}],
		[{CREDENTIALS_PROFILE_SOURCE_PROFILE: 'o'}, {kind: 'profile', name: 'admin'}],
		[{CREDENTIALS_PROFILE_SSO: 'r'}, {kind: 'profile', name: 'admin'}],
		[{CREDENTIALS_PROCESS: 'w'}, {kind: 'profile', name: 'admin'}],
		[{CREDENTIALS_HTTP: 'z'}, {kind: 'EcsContainer'}],
		[{CREDENTIALS_ENV_VARS_STS_WEB_ID_TOKEN: 'h'}, {kind: 'unknown', what: 'a web identity token (AWS_WEB_IDENTITY_TOKEN_FILE)'}],
	])('%o is %o', (features, source) => {
		expect(credentialSourceOf(features, chain)).toEqual(source);
	});

	test('untagged credentials follow the chain: the container endpoint when it is set, else instance metadata', () => {
		expect(credentialSourceOf(undefined, {...chain, containerCredentials: true})).toEqual({kind: 'EcsContainer'});
		expect(credentialSourceOf({}, chain)).toEqual({kind: 'Ec2InstanceMetadata'});
	});
});

describe('what cannot be made safe in an INI value is refused', () => {
	test.each([
		['a tampered MFA serial', {mfaSerial: `arn:aws:iam::${account}:mfa/a\n[profile default]\ncredential_process = sh -c "touch pwned"`}, 'its mfa_serial'],
		['a profile name with a line break', {source: {kind: 'profile', name: 'admin\ncredential_process = sh'}}, 'its source_profile'],
		['a region with a carriage return', {region: 'eu-west-1\r'}, 'its region'],
	] as Array<[string, {mfaSerial?: string; source?: CredentialSource; region?: string}, string]>)('%s: no block, a problem naming the setting', (_name, {mfaSerial, source, region}, setting) => {
		const who = caller(alice, source ?? {kind: 'Environment'}, region);
		expect(() => block({requireMfa: true}, who, mfaSerial)).toThrow(`billing-setup will not print the ~/.aws/config profile: ${setting} holds a line break or control character.`);
	});
});

describe('the profile block names the credentials this run used', () => {
	test.each([
		[{kind: 'profile', name: 'admin'}, 'source_profile = admin'],
		[{kind: 'profile', name: 'default'}, 'source_profile = default'],
		[{kind: 'Environment'}, 'credential_source = Environment'],
		[{kind: 'EcsContainer'}, 'credential_source = EcsContainer'],
		[{kind: 'Ec2InstanceMetadata'}, 'credential_source = Ec2InstanceMetadata'],
	] as Array<[CredentialSource, string]>)('%o: %s, and the region of the run', (source, line) => {
		const {profileBlock, notes} = block({}, caller(alice, source));
		expect(profileBlock).toBe([`[profile billingaccess-${account}]`, `role_arn = ${roleArn}`, line, 'region = eu-west-1'].join('\n'));
		expect(notes).toEqual([`Others in this account can use it with their own source line, once their own IAM policy allows sts:AssumeRole on ${roleArn}.`]);
	});

	test('a source a profile cannot name is said in a comment above a line to edit; nothing secret is written', () => {
		const {profileBlock} = block({}, caller(alice, {kind: 'unknown', what: 'a web identity token (AWS_WEB_IDENTITY_TOKEN_FILE)'}));
		expect(profileBlock).toContain(
			'# this run used a web identity token (AWS_WEB_IDENTITY_TOKEN_FILE), which a profile cannot name; name the profile with your own AWS keys (or use credential_source = Environment)\nsource_profile = default',
		);
		expect(profileBlock).not.toMatch(/aws_access_key_id|aws_secret_access_key|aws_session_token/);
	});

	test('a dry run for --account, with no caller, takes the region given and says to name a profile', () => {
		const plan = handOff({accountId: account, partition: 'aws-cn', roleArn, settings: defaultSettings, region: 'cn-northwest-1'});
		expect(plan.profileBlock).toContain('source_profile = default\nregion = cn-northwest-1');
		expect(handOff({accountId: account, partition: 'aws-us-gov', roleArn, settings: defaultSettings}).profileBlock).toContain('region = us-gov-west-1');
	});
});

describe('session length and MFA', () => {
	test('duration_seconds only when the maximum is longer than 1 h', () => {
		expect(block({maxSessionSeconds: 3600}, caller(alice, {kind: 'Environment'})).profileBlock).not.toContain('duration_seconds');
		expect(block({maxSessionSeconds: 43200}, caller(alice, {kind: 'Environment'})).profileBlock).toMatch(/\nduration_seconds = 43200$/);
	});

	test('credentials of a role session chain, which AWS caps at 1 h: the block leaves the duration out and says why', () => {
		const why = '# no duration_seconds: a session started from a role lasts at most 1 h';
		for (const who of [
			caller(`arn:aws:sts::${account}:assumed-role/Admin/alice`, {kind: 'profile', name: 'admin'}),
			caller(`arn:aws:sts::${account}:assumed-role/AWSReservedSSO_Admin_1/alice`, {kind: 'profile', name: 'sso'}),
			caller(`arn:aws:sts::${account}:assumed-role/Task/1`, {kind: 'EcsContainer'}),
			caller(`arn:aws:sts::${account}:assumed-role/Instance/i-1`, {kind: 'Ec2InstanceMetadata'}),
		]) {
			const {profileBlock} = block({maxSessionSeconds: 43200}, who);
			expect(profileBlock).toContain(why);
			expect(profileBlock).not.toContain('duration_seconds =');
		}
	});

	test('MFA: the caller’s own device when IAM listed it, else a placeholder with a comment saying so', () => {
		const who = caller(alice, {kind: 'Environment'});
		expect(block({requireMfa: true}, who, `arn:aws:iam::${account}:mfa/alice-phone`).profileBlock).toMatch(/\nmfa_serial = arn:aws:iam::123456789012:mfa\/alice-phone$/);
		expect(block({requireMfa: true}, who).profileBlock).toMatch(
			/\n# put your MFA device ARN here \(iam:ListMFADevices named none for you\)\nmfa_serial = arn:aws:iam::123456789012:mfa\/YOUR-MFA-DEVICE$/,
		);
		expect(block({requireMfa: false}, who, `arn:aws:iam::${account}:mfa/alice-phone`).profileBlock).not.toContain('mfa_serial');
	});
});

describe('chosen principals', () => {
	const carol = `arn:aws:iam::${account}:user/carol`;
	const ops = `arn:aws:iam::${account}:role/Ops`;
	const bob = 'arn:aws:iam::210987654321:user/bob';

	test('when the caller is not one of them, the block is for them, with each one’s own source line and grants', () => {
		const {profileBlock, notes} = block(
			{trust: {kind: 'principals', arns: [carol, ops, bob]}, maxSessionSeconds: 7200, requireMfa: true},
			caller(alice, {kind: 'profile', name: 'admin'}),
			`arn:aws:iam::${account}:mfa/alice-phone`,
		);
		// Neither the caller's profile nor the caller's MFA device: both would be wrong for them.
		expect(profileBlock).not.toContain('admin');
		expect(profileBlock).not.toContain('alice-phone');
		expect(profileBlock).toContain('source_profile = default');
		expect(profileBlock).toContain('duration_seconds = 7200');
		expect(profileBlock).toContain('# each person puts their own MFA device ARN here\nmfa_serial = arn:aws:iam::123456789012:mfa/YOUR-MFA-DEVICE');
		expect(notes).toEqual([
			'Only the principals you chose may switch to the role, and you are not one of them: the block is for them.',
			'Each puts it in their own ~/.aws/config, with the source line for their own credentials:',
			"  user/carol: source_profile = the profile with carol's own access keys, or credential_source = Environment when they are in environment variables",
			"  role/Ops: source_profile = a profile that signs in as Ops, or credential_source = Ec2InstanceMetadata or EcsContainer where Ops is the instance's or container's role; drop duration_seconds (a session started from a role lasts at most 1 h)",
			`  ${bob}: source_profile = the profile with bob's own access keys, or credential_source = Environment when they are in environment variables; account 210987654321 must also allow sts:AssumeRole on ${roleArn} in bob's own IAM policy`,
		]);
	});

	test('when the caller is one of them, the block is the caller’s and the notes list only the others', () => {
		const {profileBlock, notes} = block({trust: {kind: 'principals', arns: [alice, carol]}}, caller(alice, {kind: 'profile', name: 'admin'}));
		expect(profileBlock).toContain('source_profile = admin');
		expect(notes[0]).toBe('The other principals you chose can use it too.');
		expect(notes.slice(2)).toEqual([expect.stringMatching(/^ {2}user\/carol: /)]);
		expect(block({trust: {kind: 'principals', arns: [alice]}}, caller(alice, {kind: 'Environment'})).notes).toEqual([]);
	});

	test('the root user cannot switch roles: the block is for the account’s IAM users and roles', () => {
		const root = caller(`arn:aws:iam::${account}:root`, {kind: 'Environment'});
		const {profileBlock, notes} = block({}, root);
		expect(profileBlock).not.toMatch(/^credential_source/m);
		expect(profileBlock).toMatch(/^source_profile = default$/m);
		expect(notes).toEqual([
			`The root user cannot switch roles, so the block is for the IAM users and roles of this account: each adds the source line for their own credentials, and their own IAM policy must allow sts:AssumeRole on ${roleArn}.`,
		]);
	});

	test('a role session counts as its role', () => {
		const session = caller(`arn:aws:sts::${account}:assumed-role/Ops/alice`, {kind: 'profile', name: 'ops'});
		expect(block({trust: {kind: 'principals', arns: [ops]}}, session).profileBlock).toContain('source_profile = ops');
	});
});
