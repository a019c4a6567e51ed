/**
 * The printed ~/.aws/config profile, used exactly as printed by the AWS CLI (v1, botocore) and boto3 against moto, for each
 * place credentials come from: environment keys, a named profile, MFA, a chosen colleague, a container, an instance.
 */
import {AttachRolePolicyCommand, CreateVirtualMFADeviceCommand, EnableMFADeviceCommand, type IAMClient} from '@aws-sdk/client-iam';
import {spawn, spawnSync} from 'node:child_process';
import {existsSync, mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {cleanEnv, runCli, tempConfigHome, type CliResult} from '../support/cli.js';
import {startMetadataServer, type MetadataServer} from '../support/metadata.js';
import {emptyIam, useAwsFixture} from '../support/aws.js';
import {createLimitedUser, TEST_ACCESS_KEY_ID, TEST_SECRET_ACCESS_KEY, type Moto} from '../support/moto.js';
import {startTerminal} from '../support/terminal.js';
import {configBlockEnd, configBlockStart} from '../../source/present.js';

const account = '123456789012';
const roleArn = `arn:aws:iam::${account}:role/BillingAccess`;
const profileName = `billingaccess-${account}`;
const assumedRole = new RegExp(`^arn:aws:sts::${account}:assumed-role/BillingAccess/`);
/** Whether a dotted version is at least `minimum` ([major, minor]). */
function atLeast(version: string, [major, minor]: [number, number]): boolean {
	const [have = 0, haveMinor = 0] = version.split('.').map(Number);
	return have > major || (have === major && haveMinor >= minor);
}

/**
 * The first program of that name on PATH whose version passes `usable`. An AWS CLI or botocore too old for
 * AWS_ENDPOINT_URL_STS (CLI v2 < 2.13, botocore < 1.31; Debian 12 ships both) would send the profile's AssumeRole
 * to real AWS, so it is passed over, and the tests skip naming what they found.
 */
function findOnPath(name: string, version: (program: string) => string | undefined, usable: (version: string) => boolean): {program?: string; found: string[]} {
	const found: string[] = [];
	for (const directory of (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
		const program = path.join(directory, name);
		if (!existsSync(program)) continue;
		const seen = version(program);
		if (seen === undefined) continue;
		if (usable(seen)) return {program, found};
		found.push(`${program} ${seen}`);
	}
	return {found};
}

const awsCli = findOnPath(
	'aws',
	program => /aws-cli\/(\d+\.\d+\.\d+)/.exec(spawnSync(program, ['--version'], {encoding: 'utf8'}).stdout ?? '')?.[1],
	version => (version.startsWith('1.') ? atLeast(version, [1, 29]) : atLeast(version, [2, 13])),
);
const awsCliMissing = awsCli.program ? undefined : `no AWS CLI on PATH honours AWS_ENDPOINT_URL_STS (v2 ≥ 2.13 or v1 ≥ 1.29)${awsCli.found.length > 0 ? `; found ${awsCli.found.join(', ')}` : ''}`;
const python = findOnPath(
	'python3',
	program => spawnSync(program, ['-c', 'import boto3, botocore; print(botocore.__version__)'], {encoding: 'utf8'}).stdout?.trim() || undefined,
	version => atLeast(version, [1, 31]),
);
const boto3Missing = python.program ? undefined : `no python3 on PATH has boto3 with botocore ≥ 1.31 (for AWS_ENDPOINT_URL_STS)${python.found.length > 0 ? `; found ${python.found.join(', ')}` : ''}`;

// Moto, emptied before each test with IAM enforcement off again, from the shared fixture.
const aws = useAwsFixture();
let moto: Moto;
let iam: IAMClient;
let metadata: MetadataServer;

beforeAll(async () => {
	({moto, iam} = aws);
	metadata = await startMetadataServer({accessKeyId: TEST_ACCESS_KEY_ID, secretAccessKey: TEST_SECRET_ACCESS_KEY});
});
afterAll(async () => {
	await metadata?.stop();
});

function tempDir(): string {
	return mkdtempSync(path.join(tmpdir(), 'billing-setup-handoff-'));
}

function billingSetup(args: string[], extra: Record<string, string | undefined> = {}): Promise<CliResult> {
	return runCli(args, {env: cleanEnv({...moto.env, XDG_CONFIG_HOME: tempConfigHome(), ...extra})});
}

/** The lines a person selects to paste: from the start mark to the end mark, both included, exactly as printed. */
function markedBlock(output: string): string {
	const lines = output.split('\n');
	const start = lines.indexOf(configBlockStart);
	const end = lines.indexOf(configBlockEnd, start);
	expect(start, output).toBeGreaterThanOrEqual(0);
	expect(end, output).toBeGreaterThan(start);
	return lines.slice(start, end + 1).join('\n');
}

/** The profile block as printed, under “Or add this to ~/.aws/config”, without its marks. */
function printedProfile(output: string): string {
	expect(output).toContain(`Or add this to ~/.aws/config and use --profile ${profileName}:\n${configBlockStart}\n`);
	return markedBlock(output).split('\n').slice(1, -1).join('\n');
}

/**
 * `aws sts get-caller-identity --profile <printed profile>` with a config file holding the block (and any extra
 * sections). botocore ≥ 1.31 sends the profile's own AssumeRole to AWS_ENDPOINT_URL_STS too; `--endpoint-url`
 * would reach only the command's client and send AssumeRole to real AWS (checked with aws-cli 1.45).
 * Its own HOME keeps the CLI's cache of assumed-role credentials apart for each call.
 */
function switchWith(
	config: string,
	{credentials, env = {}, input = ''}: {credentials?: string; env?: Record<string, string | undefined>; input?: string},
): Promise<{code: number | null; stdout: string; stderr: string}> {
	const home = tempDir();
	writeFileSync(path.join(home, 'config'), `${config}\n`);
	if (credentials) writeFileSync(path.join(home, 'credentials'), credentials);
	const childEnv = cleanEnv({
		HOME: home,
		AWS_CONFIG_FILE: path.join(home, 'config'),
		AWS_SHARED_CREDENTIALS_FILE: path.join(home, 'credentials'),
		AWS_ENDPOINT_URL_STS: moto.endpoint,
		...env,
	});
	return new Promise((resolve, reject) => {
		// Its own session, so no controlling terminal: the MFA prompt then reads the code from stdin.
		const child = spawn(awsCli.program!, ['sts', 'get-caller-identity', '--profile', profileName, '--output', 'json'], {env: childEnv, detached: true});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', chunk => (stdout += chunk));
		child.stderr.on('data', chunk => (stderr += chunk));
		child.on('error', reject);
		child.on('close', code => resolve({code, stdout, stderr}));
		child.stdin.end(input);
	});
}

async function expectSwitched(result: {code: number | null; stdout: string; stderr: string}): Promise<void> {
	expect(result.code, result.stderr).toBe(0);
	expect(JSON.parse(result.stdout).Arn).toMatch(assumedRole);
}

const withoutKeys = {AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined};

/** The same through boto3: a Session on the printed profile, as a Python script would use it. `script`: another one. */
function boto3CallerArn(
	config: string,
	env: Record<string, string>,
	script = `import boto3; print(boto3.Session(profile_name='${profileName}').client('sts').get_caller_identity()['Arn'])`,
): {status: number | null; stdout: string; stderr: string} {
	const home = tempDir();
	writeFileSync(path.join(home, 'config'), `${config}\n`);
	const childEnv = cleanEnv({HOME: home, AWS_CONFIG_FILE: path.join(home, 'config'), AWS_ENDPOINT_URL_STS: moto.endpoint, ...env});
	return spawnSync(python.program!, ['-c', script], {env: childEnv, encoding: 'utf8'});
}

describe.skipIf(awsCliMissing)(`the printed profile works as printed with the AWS CLI${awsCliMissing ? ` (skipped: ${awsCliMissing})` : ''}`, () => {
	test('environment keys: credential_source = Environment, the region of the run and a 12 h session', async () => {
		const run = await billingSetup(['--yes', '--max-session', '43200'], {AWS_REGION: 'eu-west-1'});
		expect(run.code, run.stderr).toBe(0);
		const block = printedProfile(run.stderr);
		expect(block).toBe(
			[`[profile ${profileName}]`, `role_arn = ${roleArn}`, 'credential_source = Environment', 'region = eu-west-1', 'duration_seconds = 43200'].join('\n'),
		);
		expect(run.stderr).toContain('A console session in the role lasts 1 h, whatever the maximum');
		// No region in the environment: the block's own line must carry it.
		await expectSwitched(await switchWith(block, {env: {AWS_ACCESS_KEY_ID: TEST_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: TEST_SECRET_ACCESS_KEY}}));
	});

	test('a named profile (AWS_PROFILE): source_profile names it, with the region the profile gave the run', async () => {
		const dir = tempDir();
		const credentials = `[admin]\naws_access_key_id = ${TEST_ACCESS_KEY_ID}\naws_secret_access_key = ${TEST_SECRET_ACCESS_KEY}\n`;
		const adminConfig = '[profile admin]\nregion = eu-central-1\n';
		writeFileSync(path.join(dir, 'credentials'), credentials);
		writeFileSync(path.join(dir, 'config'), adminConfig);
		const run = await billingSetup(['--yes'], {
			...withoutKeys,
			AWS_REGION: undefined,
			AWS_PROFILE: 'admin',
			AWS_CONFIG_FILE: path.join(dir, 'config'),
			AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'credentials'),
		});
		expect(run.code, run.stderr).toBe(0);
		const block = printedProfile(run.stderr);
		expect(block).toBe([`[profile ${profileName}]`, `role_arn = ${roleArn}`, 'source_profile = admin', 'region = eu-central-1'].join('\n'));
		await expectSwitched(await switchWith(`${block}\n\n${adminConfig}`, {credentials}));
	});

	test('the files’ default profile, with no AWS_PROFILE and no keys in the environment: source_profile = default', async () => {
		const dir = tempDir();
		const credentials = `[default]\naws_access_key_id = ${TEST_ACCESS_KEY_ID}\naws_secret_access_key = ${TEST_SECRET_ACCESS_KEY}\n`;
		writeFileSync(path.join(dir, 'credentials'), credentials);
		const run = await billingSetup(['--yes'], {...withoutKeys, AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'credentials')});
		expect(run.code, run.stderr).toBe(0);
		const block = printedProfile(run.stderr);
		expect(block).toBe([`[profile ${profileName}]`, `role_arn = ${roleArn}`, 'source_profile = default', 'region = us-east-1'].join('\n'));
		await expectSwitched(await switchWith(block, {credentials}));
	});

	test('MFA required: mfa_serial is the caller’s own device, and the AWS CLI asks for its code', async () => {
		const alice = await createLimitedUser(moto, 'alice', ['*']);
		const {VirtualMFADevice: device} = await iam.send(new CreateVirtualMFADeviceCommand({VirtualMFADeviceName: 'alice-phone'}));
		await iam.send(new EnableMFADeviceCommand({UserName: 'alice', SerialNumber: device!.SerialNumber, AuthenticationCode1: '123456', AuthenticationCode2: '654321'}));
		const keys = {AWS_ACCESS_KEY_ID: alice.accessKeyId, AWS_SECRET_ACCESS_KEY: alice.secretAccessKey};
		const run = await billingSetup(['--yes', '--require-mfa'], keys);
		expect(run.code, run.stderr).toBe(0);
		const block = printedProfile(run.stderr);
		expect(block).toBe(
			[`[profile ${profileName}]`, `role_arn = ${roleArn}`, 'credential_source = Environment', 'region = us-east-1', `mfa_serial = arn:aws:iam::${account}:mfa/alice-phone`].join('\n'),
		);
		// moto accepts any code; the prompt shows the CLI sent the printed device with AssumeRole.
		const result = await switchWith(block, {env: keys, input: '123456\n'});
		expect(result.stderr).toContain(`Enter MFA code for arn:aws:iam::${account}:mfa/alice-phone`);
		await expectSwitched(result);
	});

	test('a chosen colleague: the block is for them, and works with their own keys while another user’s are refused', async () => {
		// moto evaluates the caller's own policy even where AWS lets a trust policy that names the user suffice.
		const carol = await createLimitedUser(moto, 'carol', ['sts:AssumeRole']);
		const dave = await createLimitedUser(moto, 'dave', ['sts:AssumeRole']);
		const run = await billingSetup(['--yes', '--trust', carol.arn]);
		expect(run.code, run.stderr).toBe(0);
		expect(run.stderr).toContain('Only the principals you chose may switch to the role, and you are not one of them: the block is for them.');
		expect(run.stderr).toContain("  user/carol: source_profile = the profile with carol's own access keys");
		const block = printedProfile(run.stderr);
		expect(block).toContain('source_profile = default');
		const keysOf = (user: {accessKeyId: string; secretAccessKey: string}) =>
			`[default]\naws_access_key_id = ${user.accessKeyId}\naws_secret_access_key = ${user.secretAccessKey}\n`;
		// From here every request must be signed by a real moto user and pass the trust policy.
		await moto.setNoAuthActionCount(0);
		await expectSwitched(await switchWith(block, {credentials: keysOf(carol)}));
		const refused = await switchWith(block, {credentials: keysOf(dave)});
		expect(refused.code).not.toBe(0);
		expect(refused.stderr).toMatch(/AccessDenied/);
	});

	test('container credentials (CloudShell, ECS): credential_source = EcsContainer', async () => {
		const container = {...withoutKeys, AWS_CONTAINER_CREDENTIALS_FULL_URI: metadata.containerUri};
		const run = await billingSetup(['--yes'], container);
		expect(run.code, run.stderr).toBe(0);
		const block = printedProfile(run.stderr);
		expect(block).toBe([`[profile ${profileName}]`, `role_arn = ${roleArn}`, 'credential_source = EcsContainer', 'region = us-east-1'].join('\n'));
		await expectSwitched(await switchWith(block, {env: {AWS_CONTAINER_CREDENTIALS_FULL_URI: metadata.containerUri}}));
	});

	test('instance metadata: credential_source = Ec2InstanceMetadata, without a duration a role session cannot chain', async () => {
		const instance = {AWS_EC2_METADATA_DISABLED: undefined, AWS_EC2_METADATA_SERVICE_ENDPOINT: metadata.imdsEndpoint};
		const run = await billingSetup(['--yes', '--max-session', '7200'], {...withoutKeys, ...instance});
		expect(run.code, run.stderr).toBe(0);
		const block = printedProfile(run.stderr);
		expect(block).toBe(
			[
				`[profile ${profileName}]`,
				`role_arn = ${roleArn}`,
				'credential_source = Ec2InstanceMetadata',
				'region = us-east-1',
				'# no duration_seconds: a session started from a role lasts at most 1 h',
			].join('\n'),
		);
		await expectSwitched(await switchWith(block, {env: instance}));
	});
});

test.skipIf(boto3Missing)(`boto3 takes the printed block as the AWS CLI does${boto3Missing ? ` (skipped: ${boto3Missing})` : ''}`, async () => {
	const run = await billingSetup(['--yes', '--max-session', '43200'], {AWS_REGION: 'eu-west-1'});
	expect(run.code, run.stderr).toBe(0);
	const boto3 = boto3CallerArn(printedProfile(run.stderr), {AWS_ACCESS_KEY_ID: TEST_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: TEST_SECRET_ACCESS_KEY});
	expect(boto3.status, boto3.stderr).toBe(0);
	expect(boto3.stdout.trim()).toMatch(assumedRole);
});

const pasteMissing = awsCliMissing ?? boto3Missing;
test.skipIf(pasteMissing)(`the block as the terminal shows it, pasted below [default], works in the AWS CLI and boto3, and [default] still does${pasteMissing ? ` (skipped: ${pasteMissing})` : ''}`, async () => {
	const keys = {AWS_ACCESS_KEY_ID: TEST_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: TEST_SECRET_ACCESS_KEY};
	const terminal = await startTerminal({args: ['--yes'], env: {...moto.env, ...keys, AWS_REGION: 'eu-west-1', XDG_CONFIG_HOME: tempConfigHome()}});
	let screen: string;
	try {
		expect(await terminal.waitForExit(30_000)).toBe(0);
		screen = await terminal.screen({history: true, join: true});
	} finally {
		await terminal.close();
	}
	const config = `[default]\nregion = eu-central-1\n${markedBlock(screen)}`;
	await expectSwitched(await switchWith(config, {env: keys}));
	const both = boto3CallerArn(
		config,
		keys,
		`import boto3; print(boto3.Session().region_name); print(boto3.Session(profile_name='${profileName}').client('sts').get_caller_identity()['Arn'])`,
	);
	expect(both.status, both.stderr).toBe(0);
	const [defaultRegion, arn] = both.stdout.trim().split('\n');
	expect(defaultRegion).toBe('eu-central-1');
	expect(arn).toMatch(assumedRole);
});

describe('status --handoff', () => {
	test('prints the hand-off of the current account’s finished setup again', async () => {
		const home = tempConfigHome();
		const env = cleanEnv({...moto.env, XDG_CONFIG_HOME: home});
		const setup = await runCli(['--yes', '--max-session', '7200'], {env});
		expect(setup.code, setup.stderr).toBe(0);
		const again = await runCli(['status', '--handoff'], {env});
		expect(again.code, again.stderr).toBe(0);
		expect(printedProfile(again.stdout)).toBe(printedProfile(setup.stderr));
		expect(again.stdout).toContain('https://signin.aws.amazon.com/switchrole?account=123456789012&roleName=BillingAccess');
		const json = JSON.parse((await runCli(['status', '--handoff', '--json'], {env})).stdout);
		expect(json).toMatchObject({roleArn, profileName, profileBlock: printedProfile(setup.stderr)});
	});

	test('reads the role first: a role changed outside is said above the block, a deleted one is not handed off', async () => {
		const home = tempConfigHome();
		const env = cleanEnv({...moto.env, XDG_CONFIG_HOME: home});
		expect((await runCli(['--yes'], {env})).code).toBe(0);
		await iam.send(new AttachRolePolicyCommand({RoleName: 'BillingAccess', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess'}));
		const drifted = await runCli(['status', '--handoff', '--json'], {env});
		expect(drifted.code, drifted.stderr).toBe(0);
		expect(drifted.stderr).toContain('! It differs from the setup now: detach AdministratorAccess (attached outside billing-setup)');
		expect(JSON.parse(drifted.stdout).differences).toEqual([{summary: 'detach AdministratorAccess (attached outside billing-setup)', widening: true}]);

		await emptyIam(iam);
		const gone = await runCli(['status', '--handoff'], {env});
		expect(gone.code).toBe(1);
		expect(gone.stderr).toContain('The role BillingAccess is gone: it was deleted outside billing-setup.');
		expect(gone.stdout).toBe('');
	});

	test('is in --help', async () => {
		const {stdout} = await billingSetup(['--help']);
		expect(stdout).toContain('billing-setup status --handoff');
		expect(stdout).toMatch(/--handoff +with status: print the hand-off/);
	});

	test('without a finished setup for the account it says how to get one', async () => {
		const {code, stderr} = await billingSetup(['status', '--handoff']);
		expect(code).toBe(1);
		expect(stderr).toContain(`No finished setup for account ${account} is saved here.`);
	});
});
