/** The built CLI against a real moto server: headless runs, dry-run, status, reset, undo, and every usage error. */
import {CreateRoleCommand, CreateUserCommand, GetRoleCommand, IAMClient, ListAttachedRolePoliciesCommand, ListRolePoliciesCommand} from '@aws-sdk/client-iam';
import {mkdirSync, readFileSync, statSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {beforeAll, describe, expect, test} from 'vitest';
import {useAwsFixture} from '../support/aws.js';
import {cleanEnv, progressPath, readProgress, runCli, tempConfigHome} from '../support/cli.js';
import {createLimitedUser, type Moto} from '../support/moto.js';

// Moto, emptied before each test, auth enforcement off again, from the shared fixture; these tests talk to moto directly.
const aws = useAwsFixture();
let moto: Moto;
let iam: IAMClient;
const account = '123456789012';

beforeAll(() => {
	({moto, iam} = aws);
});

function envFor(home: string, extra: Record<string, string | undefined> = {}) {
	return cleanEnv({...moto.env, XDG_CONFIG_HOME: home, ...extra});
}

async function cli(args: string[], home = tempConfigHome(), extra: Record<string, string | undefined> = {}) {
	return {home, ...(await runCli(args, {env: envFor(home, extra)}))};
}

function noStackTrace(text: string) {
	expect(text).not.toMatch(/^\s+at /m);
}

describe('headless setup', () => {
	test('MFA required, and only users IAM lists no MFA device for may switch: said before the write, and in the result', async () => {
		await iam.send(new CreateUserCommand({UserName: 'bob'}));
		const {code, stdout, stderr} = await cli(['--yes', '--json', '--no-cost-check', '--trust', `arn:aws:iam::${account}:user/bob`, '--require-mfa']);
		expect(code, stderr).toBe(0);
		const warning = 'MFA is required, and IAM lists no MFA device for bob: no one could switch to this role until they add one.';
		expect(stderr.replace(/\s+/g, ' ')).toContain(warning);
		expect(stderr.indexOf('no MFA device')).toBeLessThan(stderr.indexOf('In place now'));
		expect(JSON.parse(stdout).warnings).toContainEqual(expect.stringContaining(warning));
	});

	test('--yes --json creates the role and prints one JSON document', async () => {
		const {code, stdout, stderr, home} = await cli(['--yes', '--role-name', 'X', '--access', 'read-only', '--json']);
		expect(code).toBe(0);
		const result = JSON.parse(stdout);
		expect(result).toMatchObject({
			ok: true,
			account,
			partition: 'aws',
			role: {name: 'X', arn: `arn:aws:iam::${account}:role/X`, maxSessionSeconds: 3600},
			policies: {managed: 'arn:aws:iam::aws:policy/AWSBillingReadOnlyAccess', costExplorerInline: true},
			switchRoleUrl: `https://signin.aws.amazon.com/switchrole?account=${account}&roleName=X&displayName=X+%40+${account}`,
			alreadyInPlace: false,
			// moto's Cost Explorer answers the role: the setting is on, as AWS said it.
			rootActivation: {state: 'active', checkedAs: `arn:aws:sts::${account}:assumed-role/X/billing-setup-verify`},
			verification: {assumedAs: `arn:aws:sts::${account}:assumed-role/X/billing-setup-verify`},
		});
		expect(result.created.map((change: {action: string}) => change.action)).toEqual(['iam:CreateRole', 'iam:PutRolePolicy', 'iam:AttachRolePolicy']);
		// Read-only access gets no guard: AWSBillingReadOnlyAccess does not grant what it denies.
		expect(result.warnings).toEqual([]);
		expect(stderr).toContain('✔ IAM access to billing is on: Cost Explorer answered assumed-role/X/billing-setup-verify');

		const role = (await iam.send(new GetRoleCommand({RoleName: 'X'}))).Role!;
		expect(role.Tags).toContainEqual({Key: 'ManagedBy', Value: 'billing-setup'});
		expect(JSON.parse(decodeURIComponent(role.AssumeRolePolicyDocument!)).Statement[0].Principal).toEqual({AWS: `arn:aws:iam::${account}:root`});
		const attached = (await iam.send(new ListAttachedRolePoliciesCommand({RoleName: 'X'}))).AttachedPolicies!;
		expect(attached.map(policy => policy.PolicyArn)).toEqual(['arn:aws:iam::aws:policy/AWSBillingReadOnlyAccess']);
		expect((await iam.send(new ListRolePoliciesCommand({RoleName: 'X'}))).PolicyNames).toEqual(['BillingSetupCostExplorerRead']);
		expect(readProgress(home).setups[account]).toMatchObject({finished: true, settings: {roleName: 'X', access: 'read-only'}});
	});

	test('running the same command twice converges: exit 0, nothing new created', async () => {
		const home = tempConfigHome();
		const args = ['--yes', '--role-name', 'X', '--json'];
		expect((await cli(args, home)).code).toBe(0);
		const second = await cli(args, home);
		expect(second.code).toBe(0);
		expect(JSON.parse(second.stdout)).toMatchObject({ok: true, created: [], alreadyInPlace: true});
		// The second run checked the role against IAM but did not switch to it again: it says when that was done.
		expect(second.stderr).toContain('✔ Verified just now: switched to it as');
		expect(second.stderr).not.toContain('✔ Verified: switched');
		// Even with the progress forgotten, the run converges on the role it finds.
		const fresh = await cli(args);
		expect(fresh.code).toBe(0);
		expect(JSON.parse(fresh.stdout)).toMatchObject({ok: true, created: [], alreadyInPlace: true});
	});

	test('changing the access level swaps the managed policy rather than adding a second', async () => {
		const home = tempConfigHome();
		await cli(['--yes'], home);
		const {code, stdout} = await cli(['--yes', '--json', '--access', 'read-only', '--no-cost-explorer', '--max-session', '7200'], home);
		expect(code).toBe(0);
		expect(JSON.parse(stdout).created.map((change: {action: string}) => change.action).sort()).toEqual(
			// Read-only needs no guard: its inline policy goes with the add-on's.
			['iam:AttachRolePolicy', 'iam:DeleteRolePolicy', 'iam:DeleteRolePolicy', 'iam:DetachRolePolicy', 'iam:UpdateRole'].sort(),
		);
		const attached = (await iam.send(new ListAttachedRolePoliciesCommand({RoleName: 'BillingAccess'}))).AttachedPolicies!;
		expect(attached.map(policy => policy.PolicyArn)).toEqual(['arn:aws:iam::aws:policy/AWSBillingReadOnlyAccess']);
		expect((await iam.send(new ListRolePoliciesCommand({RoleName: 'BillingAccess'}))).PolicyNames).toEqual([]);
		expect((await iam.send(new GetRoleCommand({RoleName: 'BillingAccess'}))).Role!.MaxSessionDuration).toBe(7200);
	});

	test('trusted principals and MFA go into the trust policy; the switch check is skipped with a reason', async () => {
		const arn = `arn:aws:iam::${account}:user/alice`;
		await iam.send(new CreateUserCommand({UserName: 'alice'}));
		const {code, stdout} = await cli(['--yes', '--json', '--trust', arn, '--require-mfa']);
		expect(code).toBe(0);
		expect(JSON.parse(stdout).verification.assumeSkipped).toMatch(/requires MFA/);
		const trust = JSON.parse(decodeURIComponent((await iam.send(new GetRoleCommand({RoleName: 'BillingAccess'}))).Role!.AssumeRolePolicyDocument!));
		expect(trust.Statement[0]).toEqual({
			Effect: 'Allow',
			Principal: {AWS: arn},
			Action: 'sts:AssumeRole',
			Condition: {Bool: {'aws:MultiFactorAuthPresent': 'true'}},
		});
	});

	test('--profile takes credentials from that profile, and the printed profile block switches from it', async () => {
		const home = tempConfigHome();
		const credentials = path.join(home, 'credentials');
		writeFileSync(credentials, `[admin]\naws_access_key_id = ${moto.env.AWS_ACCESS_KEY_ID}\naws_secret_access_key = ${moto.env.AWS_SECRET_ACCESS_KEY}\n`);
		const {code, stdout} = await cli(['--yes', '--json', '--profile', 'admin'], home, {
			AWS_ACCESS_KEY_ID: undefined,
			AWS_SECRET_ACCESS_KEY: undefined,
			AWS_SHARED_CREDENTIALS_FILE: credentials,
		});
		expect(code).toBe(0);
		expect(JSON.parse(stdout).profile).toContain('source_profile = admin');
		const missing = await cli(['--yes', '--profile', 'nobody'], tempConfigHome(), {AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined, AWS_SHARED_CREDENTIALS_FILE: credentials});
		expect(missing.code).toBe(1);
		expect(missing.stderr).toContain('There is no AWS profile named “nobody”.');
		expect(missing.stderr).toContain('aws configure list-profiles');
		noStackTrace(missing.stderr);
	});

	test('--yes resuming a setup that was choosing principals asks for --trust instead of trusting no one', async () => {
		const home = tempConfigHome();
		mkdirSync(path.dirname(progressPath(home)), {recursive: true});
		const at = '2026-11-23T10:00:00.000Z';
		const record = {accountId: account, callerArn: `arn:aws:iam::${account}:user/moto`, step: 'trust-principals', finished: false, settings: {roleName: 'BillingAccess', access: 'full', costExplorer: true, trust: {kind: 'account'}, requireMfa: false, maxSessionSeconds: 3600}, changes: [], startedAt: at, updatedAt: at};
		writeFileSync(progressPath(home), JSON.stringify({version: 1, setups: {[account]: record}}));
		const {code, stderr} = await cli(['--yes'], home);
		expect(code).toBe(1);
		expect(stderr).toContain('Run again with --trust ARN[,ARN…] or --trust account.');
		await expect(iam.send(new GetRoleCommand({RoleName: 'BillingAccess'}))).rejects.toMatchObject({name: expect.stringMatching(/NoSuchEntity/)});
		const trusted = await cli(['--yes', '--json', '--trust', 'account'], home);
		expect(trusted.code).toBe(0);
	});

	test('a role of the same name that billing-setup did not create is left untouched; exit 1 names --role-name', async () => {
		const document = JSON.stringify({Version: '2012-10-17', Statement: [{Effect: 'Allow', Principal: {Service: 'ec2.amazonaws.com'}, Action: 'sts:AssumeRole'}]});
		await iam.send(new CreateRoleCommand({RoleName: 'BillingAccess', AssumeRolePolicyDocument: document}));
		const {code, stdout, stderr} = await cli(['--yes', '--json']);
		expect(code).toBe(1);
		expect(stderr).toMatch(/BillingAccess already exists and was not created by billing-setup/);
		expect(stderr).toContain('--role-name');
		expect(JSON.parse(stdout).ok).toBe(false);
		const role = (await iam.send(new GetRoleCommand({RoleName: 'BillingAccess'}))).Role!;
		expect(decodeURIComponent(role.AssumeRolePolicyDocument!)).toBe(document);
		expect((await iam.send(new ListAttachedRolePoliciesCommand({RoleName: 'BillingAccess'}))).AttachedPolicies).toEqual([]);
	});
});

describe('security', () => {
	test('after a full run the progress file holds no credential and is readable by its owner only', async () => {
		const secrets = {AWS_ACCESS_KEY_ID: 'AKIASECRETCHECK12345', AWS_SECRET_ACCESS_KEY: 'secret/Value+Check0123456789abcdefghijkl', AWS_SESSION_TOKEN: 'SessionTokenCheck-FwoGZXIvYXdzEJr'};
		const home = tempConfigHome();
		const {code} = await cli(['--yes'], home, secrets);
		expect(code).toBe(0);
		const text = readFileSync(progressPath(home), 'utf8');
		expect(JSON.parse(text).setups[account].finished).toBe(true);
		for (const value of Object.values(secrets)) expect(text).not.toContain(value);
		expect(text).not.toMatch(/AccessKeyId|SecretAccessKey|SessionToken/i);
		expect(statSync(progressPath(home)).mode & 0o777).toBe(0o600);
	});
});

describe('dry run', () => {
	test('--dry-run --account works with no credentials at all and writes nothing', async () => {
		const home = tempConfigHome();
		const {code, stdout} = await runCli(['--dry-run', '--account', '210987654321', '--access', 'read-only'], {
			env: cleanEnv({XDG_CONFIG_HOME: home}),
		});
		expect(code).toBe(0);
		expect(stdout).toContain('Dry run: nothing is written to AWS.');
		expect(stdout).toContain('arn:aws:iam::210987654321:role/BillingAccess');
		expect(stdout).toContain("aws iam attach-role-policy \\\n  --role-name BillingAccess \\\n  --policy-arn arn:aws:iam::aws:policy/AWSBillingReadOnlyAccess");
		expect(() => readFileSync(progressPath(home))).toThrow();
	});

	test('--dry-run --json with credentials plans for the caller’s account and creates nothing', async () => {
		const {code, stdout} = await cli(['--dry-run', '--json', '--region', 'us-gov-west-1']);
		expect(code).toBe(0);
		const plan = JSON.parse(stdout);
		expect(plan).toMatchObject({dryRun: true, accountId: account, roleName: 'BillingAccess'});
		expect(plan.cliCommands).toHaveLength(4);
		await expect(iam.send(new GetRoleCommand({RoleName: 'BillingAccess'}))).rejects.toMatchObject({name: expect.stringMatching(/NoSuchEntity/)});
	});

	test('--dry-run without --account and without credentials says how to plan anyway', async () => {
		const {code, stderr} = await runCli(['--dry-run'], {env: cleanEnv({XDG_CONFIG_HOME: tempConfigHome()})});
		expect(code).toBe(1);
		expect(stderr).toContain('No AWS credentials were found.');
		expect(stderr).toContain('--dry-run --account ACCOUNT_ID');
		noStackTrace(stderr);
	});
});

describe('status, reset and undo', () => {
	test('status lists saved setups and marks the current account; --json too', async () => {
		const home = tempConfigHome();
		await cli(['--yes', '--role-name', 'X'], home);
		const other = JSON.parse(readFileSync(progressPath(home), 'utf8'));
		other.setups['999999999999'] = {...other.setups[account], accountId: '999999999999', finished: false, step: 'review'};
		writeFileSync(progressPath(home), JSON.stringify(other));

		const text = await cli(['status'], home);
		expect(text.code).toBe(0);
		expect(text.stdout).toMatch(/▶ 123456789012 {2}role X {2}finished/);
		expect(text.stdout).toMatch(/ {2}999999999999 {2}role X {2}stopped at the review/);
		// Times and answers in words, not ISO stamps and step ids.
		expect(text.stdout).toContain('; updated just now; verified just now: switched to it');
		expect(text.stdout).toContain('root activation: IAM access to billing is on: Cost Explorer answered assumed-role/X/billing-setup-verify');
		expect((await cli(['status', '--offline'], home)).stdout).not.toContain('In IAM now');

		const json = JSON.parse((await cli(['status', '--json'], home)).stdout);
		expect(json.currentAccount).toBe(account);
		expect(json.setups.map((setup: {accountId: string; current: boolean}) => [setup.accountId, setup.current]).sort()).toEqual([
			[account, true],
			['999999999999', false],
		]);
	});

	test('status without credentials still lists, without a mark, and exits 1: the live part is missing', async () => {
		const home = tempConfigHome();
		await cli(['--yes'], home);
		const {code, stdout, stderr} = await runCli(['status', '--json'], {env: cleanEnv({XDG_CONFIG_HOME: home})});
		expect(code).toBe(1);
		expect(JSON.parse(stdout)).toMatchObject({currentAccount: null, setups: [{accountId: account, current: false}]});
		expect(stderr).toContain('Current account unknown');
	});

	test('reset forgets this account only, and never touches AWS', async () => {
		const home = tempConfigHome();
		await cli(['--yes'], home);
		const saved = readProgress(home);
		saved.setups['999999999999'] = {...saved.setups[account], accountId: '999999999999'};
		writeFileSync(progressPath(home), JSON.stringify(saved));
		const {code, stderr} = await cli(['reset', '--yes'], home);
		expect(code).toBe(0);
		expect(stderr).toContain(`Forgot saved progress for account ${account}`);
		// Said before forgetting: undo learns what to remove from this record alone.
		expect(stderr.replace(/\s+/g, ' ')).toContain(`This record is how undo knows what billing-setup made: arn:aws:iam::${account}:role/BillingAccess. Forgotten, they stay in AWS, undo can no longer remove them`);
		expect(Object.keys(readProgress(home).setups)).toEqual(['999999999999']);
		expect((await iam.send(new GetRoleCommand({RoleName: 'BillingAccess'}))).Role).toBeDefined();
		expect((await cli(['reset', '--all', '--yes'], home)).code).toBe(0);
		expect(readProgress(home).setups).toEqual({});
	});

	test('reset and undo without --yes and without a terminal refuse with exit 2', async () => {
		const home = tempConfigHome();
		await cli(['--yes'], home);
		for (const command of [['reset'], ['undo']]) {
			const {code, stderr} = await cli(command, home);
			expect(code).toBe(2);
			expect(stderr).toContain('needs an interactive terminal; use --yes');
		}
	});

	test('undo removes exactly our role and records it; a second undo has nothing to do', async () => {
		const home = tempConfigHome();
		await cli(['--yes', '--role-name', 'Mine'], home);
		await iam.send(new CreateRoleCommand({RoleName: 'Other', AssumeRolePolicyDocument: '{"Version":"2012-10-17","Statement":[]}'}));
		const {code, stderr, stdout} = await cli(['undo', '--yes', '--json'], home);
		expect(code).toBe(0);
		expect(stderr).toContain('detach arn:aws:iam::aws:policy/job-function/Billing');
		expect(JSON.parse(stdout)).toMatchObject({ok: true, account, roles: [`arn:aws:iam::${account}:role/Mine`], removed: true});
		expect(JSON.parse(stdout).writes.map((write: {action: string}) => write.action)).toEqual(['iam:DetachRolePolicy', 'iam:DeleteRolePolicy', 'iam:DeleteRolePolicy', 'iam:DeleteRole']);
		await expect(iam.send(new GetRoleCommand({RoleName: 'Mine'}))).rejects.toMatchObject({name: expect.stringMatching(/NoSuchEntity/)});
		expect((await iam.send(new GetRoleCommand({RoleName: 'Other'}))).Role).toBeDefined();
		const record = readProgress(home).setups[account];
		expect(record.removedAt).toBeDefined();
		expect(record.changes.at(-1).action).toBe('iam:DeleteRole');
		const again = await cli(['undo', '--yes'], home);
		expect(again.code).toBe(0);
		expect(again.stderr).toContain('nothing to undo');
	});

	test('undo refuses a role this record did not create, exit 1, JSON too', async () => {
		await iam.send(new CreateRoleCommand({RoleName: 'Foreign', AssumeRolePolicyDocument: '{"Version":"2012-10-17","Statement":[]}'}));
		const {code, stderr, stdout} = await cli(['undo', '--yes', '--json', '--role-name', 'Foreign']);
		expect(code).toBe(1);
		expect(stderr).toContain('billing-setup did not create a role named Foreign from this machine, so undo leaves it alone');
		expect(JSON.parse(stdout)).toMatchObject({ok: false, removed: false, error: {title: expect.stringContaining('did not create a role named Foreign')}});
		expect((await iam.send(new GetRoleCommand({RoleName: 'Foreign'}))).Role).toBeDefined();
		noStackTrace(stderr);
	});
});

describe('usage and environment errors', () => {
	test.each([
		[['--bogus'], "Unknown flag '--bogus'"],
		[['--role-name', 'bad name'], '--role-name: “ ” is not allowed'],
		[['--access', 'admin'], '--access must be “full” or “read-only”'],
		[['--max-session', '100000'], '--max-session:'],
		[['--trust', 'arn:aws:iam::*:root'], '--trust:'],
		[['--dry-run', '--account', '12'], '--account:'],
		[['status', '--all'], '--all does not apply to “status”'],
	])('%j exits 2 with one line', async (args, message) => {
		const {code, stderr, stdout} = await cli(args);
		expect(code).toBe(2);
		expect(stderr).toContain(message);
		expect(stderr.trim().split('\n')).toHaveLength(1);
		expect(stdout).toBe('');
	});

	test('without a terminal and without --yes the wizard refuses with exit 2, never a raw-mode crash', async () => {
		const {code, stderr} = await cli([]);
		expect(code).toBe(2);
		expect(stderr.trim()).toBe('billing-setup needs an interactive terminal; use --yes to run without prompts');
	});

	test('--help documents every command, flag and exit code; --version prints the version', async () => {
		const help = await cli(['--help']);
		expect(help.code).toBe(0);
		for (const word of ['status', 'reset', 'undo', '--profile', '--region', '--role-name', '--access', '--no-cost-explorer', '--trust', '--require-mfa', '--max-session', '--yes', '--dry-run', '--json', '--account', '--all', 'EXIT CODES', '130 interrupted']) {
			expect(help.stdout).toContain(word);
		}
		const undoHelp = await cli(['help', 'undo']);
		expect(undoHelp.code).toBe(0);
		expect(undoHelp.stdout).toContain('billing-setup undo [--role-name NAME] [--force] [--yes] [--json]');
		expect((await cli(['undo', '--help'])).stdout).toBe(undoHelp.stdout);
		const version = await cli(['--version']);
		expect(version.stdout.trim()).toBe(JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version);
	});

	test('no credentials: a clear message and exit 1', async () => {
		const {code, stderr} = await runCli(['--yes'], {env: cleanEnv({XDG_CONFIG_HOME: tempConfigHome()})});
		expect(code).toBe(1);
		expect(stderr).toContain('No AWS credentials were found.');
		expect(stderr).toContain('aws configure');
		noStackTrace(stderr);
	});

	test('an expired SSO session says to run aws sso login for that profile', async () => {
		const home = tempConfigHome();
		const awsDirectory = path.join(home, '.aws');
		mkdirSync(path.join(awsDirectory, 'sso', 'cache'), {recursive: true});
		writeFileSync(
			path.join(awsDirectory, 'config'),
			['[profile work]', 'sso_session = corp', 'sso_account_id = 123456789012', 'sso_role_name = Admin', 'region = us-east-1', '', '[sso-session corp]', 'sso_start_url = https://corp.awsapps.com/start', 'sso_region = us-east-1', ''].join('\n'),
		);
		const {code, stderr} = await runCli(['--yes', '--profile', 'work'], {
			env: cleanEnv({XDG_CONFIG_HOME: home, HOME: home, AWS_CONFIG_FILE: path.join(awsDirectory, 'config'), AWS_ENDPOINT_URL_STS: moto.endpoint}),
		});
		expect(code).toBe(1);
		expect(stderr).toMatch(/SSO session/);
		expect(stderr).toContain('aws sso login --profile work');
		noStackTrace(stderr);
	});

	test('unknown access keys: InvalidClientTokenId is explained', async () => {
		await moto.setNoAuthActionCount(0);
		const {code, stderr} = await cli(['--yes']);
		expect(code).toBe(1);
		expect(stderr).toContain('AWS did not accept these credentials.');
		noStackTrace(stderr);
	});

	test('an unwritable config directory: exit 1 with what to do', async () => {
		const home = tempConfigHome();
		writeFileSync(path.join(home, 'not-a-directory'), '');
		const {code, stderr} = await cli(['--yes'], path.join(home, 'not-a-directory'));
		expect(code).toBe(1);
		expect(stderr).toContain('billing-setup cannot save its progress.');
		noStackTrace(stderr);
	});

	test('a corrupted progress file is kept as a copy, said so, and the run starts fresh', async () => {
		const home = tempConfigHome();
		mkdirSync(path.dirname(progressPath(home)), {recursive: true});
		writeFileSync(progressPath(home), '{"version":1,"setups":{"12');
		const {code, stderr} = await cli(['--yes'], home);
		expect(code).toBe(0);
		expect(stderr).toMatch(/could not be used as it was .* kept as .*progress\.json\.corrupt-\d+/);
		expect(readProgress(home).setups[account].finished).toBe(true);
	});
});

describe('AccessDenied names the action and the identity', () => {
	const everything = [
		'iam:GetPolicy', 'iam:GetPolicyVersion', 'iam:CreateRole', 'iam:TagRole', 'iam:AttachRolePolicy', 'iam:PutRolePolicy',
		'iam:GetRole', 'iam:ListAttachedRolePolicies', 'iam:ListRolePolicies', 'iam:GetRolePolicy', 'sts:AssumeRole',
	];

	// Every IAM call a fresh setup makes; sts:AssumeRole is the case below.
	test.each(['iam:GetPolicy', 'iam:GetPolicyVersion', 'iam:CreateRole', 'iam:AttachRolePolicy', 'iam:PutRolePolicy', 'iam:GetRole', 'iam:ListAttachedRolePolicies', 'iam:ListRolePolicies', 'iam:GetRolePolicy'])(
		'without %s',
		async denied => {
			await moto.setNoAuthActionCount(3);
			const user = await createLimitedUser(moto, 'limited', everything.filter(action => action !== denied));
			const home = tempConfigHome();
			const {code, stderr} = await cli(['--yes'], home, {AWS_ACCESS_KEY_ID: user.accessKeyId, AWS_SECRET_ACCESS_KEY: user.secretAccessKey});
			expect(code).toBe(1);
			expect(stderr).toContain(`${user.arn} (IAM user) is not allowed to call ${denied}.`);
			expect(stderr).toContain(`Grant ${denied}`);
			noStackTrace(stderr);
			// Progress is kept, so the next run resumes where it stopped.
			expect(readProgress(home).setups[account].finished).toBe(false);
		},
	);

	test('without sts:AssumeRole the role is made but the switch check explains what to grant', async () => {
		await moto.setNoAuthActionCount(3);
		const user = await createLimitedUser(moto, 'limited', everything.filter(action => action !== 'sts:AssumeRole'));
		const {code, stderr} = await cli(['--yes', '--verify-timeout', '2'], tempConfigHome(), {
			AWS_ACCESS_KEY_ID: user.accessKeyId,
			AWS_SECRET_ACCESS_KEY: user.secretAccessKey,
		});
		expect(code).toBe(1);
		expect(stderr).toContain('you could not switch to it within 2 s');
		expect(stderr).toContain(`Allow sts:AssumeRole on arn:aws:iam::${account}:role/BillingAccess`);
	});
});
