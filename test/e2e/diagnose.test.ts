/**
 * `billing-setup diagnose` as people use it: the error text as arguments or piped, against moto. moto lacks
 * iam:SimulatePrincipalPolicy (it answers 500), so the policies are read; the simulator's answer comes from the
 * fault proxy.
 */
import {describe, expect, it} from 'vitest';
import {useAwsFixture} from '../support/aws.js';
import {runCli} from '../support/cli.js';
import {createLimitedUser} from '../support/moto.js';
import {startTerminal} from '../support/terminal.js';

const aws = useAwsFixture();

const consoleText =
	"You don't have permission to access billing information for this account. Contact your AWS administrator if you need help. If you are an AWS administrator, you can provide permissions for your users or groups by making sure that (1) this account allows IAM and federated users to access billing information and (2) you have the required IAM permissions.";

async function diagnose(args: string[], keys?: {accessKeyId: string; secretAccessKey: string}, input?: string) {
	const env = aws.env(keys ? {AWS_ACCESS_KEY_ID: keys.accessKeyId, AWS_SECRET_ACCESS_KEY: keys.secretAccessKey} : {});
	return runCli(['diagnose', ...args], {env, ...(input !== undefined && {input})});
}

describe('billing-setup diagnose', () => {
	it('an administrator refused by the console: their policies allow billing, so the root-only setting is what is left', async () => {
		const admin = await createLimitedUser(aws.moto, 'admin', ['*']);
		const run = await diagnose([consoleText], admin);
		expect(run.code, run.stderr).toBe(0);
		// The answer is the result: on stdout, so it can be saved or piped.
		expect(run.stdout).toContain('Checked arn:aws:iam::123456789012:user/admin (its IAM policies): allows billing:GetBillingData, ce:GetCostAndUsage, ce:DescribeReport.');
		expect(run.stdout).toContain('Cause (from the check above): IAM access to billing information is not activated in this account.');
		expect(run.stdout).toContain('https://console.aws.amazon.com/billing/home#/account');
	});

	it('piped text naming another user of the account checks that user, and finds the missing permission', async () => {
		await createLimitedUser(aws.moto, 'alice', ['s3:*']);
		const text = "You don't have permission to perform ce:DescribeReport.\nUser: arn:aws:iam::123456789012:user/alice is not authorized to perform: ce:DescribeReport";
		const run = await diagnose(['--json'], undefined, text);
		expect(run.code, run.stderr).toBe(0);
		expect(JSON.parse(run.stdout)).toMatchObject({
			cause: 'missing-permission',
			basis: 'checked',
			check: {principal: 'arn:aws:iam::123456789012:user/alice', access: {method: 'policies', checked: ['ce:DescribeReport'], allowed: []}},
		});
	});

	it('a reason AWS states is taken as stated, and nothing is asked of AWS', async () => {
		const text =
			'User: arn:aws:sts::123456789012:assumed-role/Admin/alice is not authorized to perform: ce:GetCostAndUsage on resource: arn:aws:ce:us-east-1:123456789012:/GetCostAndUsage with an explicit deny in a service control policy';
		const run = await diagnose(['--json', text]);
		expect(run.code, run.stderr).toBe(0);
		expect(JSON.parse(run.stdout)).toMatchObject({cause: 'service-control-policy', basis: 'stated', checkSkipped: 'AWS’s text states the reason'});
		expect(aws.proxy.calls).toEqual([]);
	});

	it('where the policy simulator answers, its decision is the check', async () => {
		const user = await createLimitedUser(aws.moto, 'erin', ['*']);
		aws.proxy.fault('SimulatePrincipalPolicy', {
			kind: 'answer',
			body: '<SimulatePrincipalPolicyResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><SimulatePrincipalPolicyResult><IsTruncated>false</IsTruncated><EvaluationResults><member><EvalActionName>ce:DescribeReport</EvalActionName><EvalResourceName>*</EvalResourceName><EvalDecision>explicitDeny</EvalDecision></member></EvaluationResults></SimulatePrincipalPolicyResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></SimulatePrincipalPolicyResponse>',
		});
		const run = await diagnose(['--json', "You don't have permission to perform ce:DescribeReport"], user);
		expect(run.code, run.stderr).toBe(0);
		expect(JSON.parse(run.stdout)).toMatchObject({cause: 'explicit-deny', basis: 'checked', check: {access: {method: 'simulated', denied: ['ce:DescribeReport']}}});
	});

	it('without usable credentials it still answers from the words, and says it could not check', async () => {
		const run = await runCli(['diagnose', consoleText], {env: aws.env({AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined, AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent'})});
		expect(run.code, run.stderr).toBe(0);
		expect(run.stdout).toContain('Not checked: no credentials could be used (No AWS credentials were found).');
		expect(run.stdout).toContain('Cause (likely, from the words alone): IAM access to billing information is not activated');
	});

	it('in a terminal it asks for the text, takes a multi-line paste and ends at the empty line', async () => {
		const admin = await createLimitedUser(aws.moto, 'admin', ['*']);
		const terminal = await startTerminal({args: ['diagnose'], env: {...aws.proxy.env, AWS_ACCESS_KEY_ID: admin.accessKeyId, AWS_SECRET_ACCESS_KEY: admin.secretAccessKey, XDG_CONFIG_HOME: aws.home}});
		try {
			await terminal.waitFor('Paste the error message, then press Enter on an empty line');
			await terminal.type("You don't have permission to access billing information");
			await terminal.press('Enter');
			await terminal.type('for this account.');
			await terminal.press('Enter');
			await terminal.press('Enter');
			await terminal.waitFor('IAM access to billing information is not activated in this account.');
			expect(await terminal.waitForExit()).toBe(0);
		} finally {
			await terminal.close();
		}
	});

	it('text that names no AWS action gets no verdict, even from credentials whose policies allow billing', async () => {
		const admin = await createLimitedUser(aws.moto, 'admin', ['*']);
		const run = await diagnose(['--json', 'hello world'], admin);
		expect(run.code, run.stderr).toBe(0);
		expect(JSON.parse(run.stdout)).toMatchObject({cause: 'unrecognised', checkSkipped: 'the text names no AWS action'});
		expect(aws.proxy.calls).toEqual([]);
	});

	it('no text: a usage error, exit 2', async () => {
		const run = await diagnose([], undefined, '');
		expect(run.code).toBe(2);
		expect(run.stderr).toContain('diagnose needs the error text');
	});
});
