import {describe, expect, test} from 'vitest';
import {parseCommand, partitionOfRegion, UsageError} from '../../source/args.js';

function usageError(argv: string[]): string {
	try {
		parseCommand(argv);
	} catch (error) {
		if (error instanceof UsageError) return error.message;
		throw error;
	}
	throw new Error(`${argv.join(' ')} was accepted`);
}

describe('parseCommand', () => {
	test('no arguments is the interactive wizard with defaults', () => {
		expect(parseCommand([])).toEqual({
			kind: 'setup',
			options: {json: false, yes: false, presets: {}, dryRun: false, verifyTimeoutSeconds: 120, adopt: false, costCheck: true},
		});
	});

	test('setup flags become presets', () => {
		const command = parseCommand([
			'setup', '--yes', '--json', '--role-name', 'Finance', '--access', 'read-only', '--no-cost-explorer',
			'--trust', 'arn:aws:iam::123456789012:user/a, arn:aws:iam::123456789012:role/B', '--require-mfa',
			'--max-session', '7200', '--profile', 'admin', '--region', 'eu-west-1', '--verify-timeout', '30',
			'--path', '/team/finance/', '--permissions-boundary', 'arn:aws:iam::123456789012:policy/Boundary', '--adopt',
			'--no-cost-check',
		]);
		expect(command).toEqual({
			kind: 'setup',
			options: {
				profile: 'admin',
				region: 'eu-west-1',
				json: true,
				yes: true,
				dryRun: false,
				verifyTimeoutSeconds: 30,
				adopt: true,
				costCheck: false,
				presets: {
					roleName: 'Finance',
					access: 'read-only',
					costExplorer: false,
					trust: {kind: 'principals', arns: ['arn:aws:iam::123456789012:user/a', 'arn:aws:iam::123456789012:role/B']},
					requireMfa: true,
					maxSessionSeconds: 7200,
					path: '/team/finance/',
					permissionsBoundary: 'arn:aws:iam::123456789012:policy/Boundary',
				},
			},
		});
	});

	test.each([
		[['--path', 'team'], '--path: “team” is not an IAM path'],
		[['--path', '/a//b/'], '--path: “/a//b/” is not an IAM path'],
		[['--permissions-boundary', 'arn:aws:iam::123456789012:role/X'], '--permissions-boundary: “arn:aws:iam::123456789012:role/X” is not an IAM policy ARN'],
		[['--trust', 'arn:aws:sts::123456789012:user/alice'], 'is not an IAM principal ARN'],
		[['--trust', 'arn:aws:iam::123456789012:user//alice'], 'is not an IAM principal ARN'],
		[['--trust', 'arn:aws:sts::123456789012:role/Admin'], 'is not an IAM principal ARN'],
		[['undo', '--adopt'], '--adopt does not apply to “undo”'],
	])('%j is refused: %s', (args, message) => {
		expect(() => parseCommand(args)).toThrow(message);
	});

	test.each([
		[['setp'], 'Unknown command “setp”. Did you mean “setup”?'],
		[['stauts'], 'Did you mean “status”?'],
		[['--rolename', 'X'], "Unknown flag '--rolename'. Did you mean “--role-name”?"],
		[['--dryrun'], 'Did you mean “--dry-run”?'],
		[['--jsno'], 'Did you mean “--json”?'],
		[['help', 'undoo'], 'Did you mean “undo”?'],
		[['templat'], 'Did you mean “template”?'],
		[['template', '--stack-set'], 'Did you mean “--stackset”?'],
	])('%j suggests the near miss: %s', (args, message) => {
		expect(() => parseCommand(args)).toThrow(message);
	});

	test('no suggestion when nothing is close', () => {
		expect(() => parseCommand(['xyzzy'])).toThrow(/^Unknown command “xyzzy”\. Commands:/);
	});

	test('trust accepts users and roles under paths, and assumed-role sessions', () => {
		for (const arn of ['arn:aws:iam::123456789012:user/ops/alice', 'arn:aws:iam::123456789012:role/team/Admin', 'arn:aws:sts::123456789012:assumed-role/Admin/alice']) {
			expect(parseCommand(['--trust', arn])).toMatchObject({options: {presets: {trust: {arns: [arn]}}}});
		}
	});

	test('help and version win over everything else', () => {
		expect(parseCommand(['undo', '--help'])).toEqual({kind: 'help', command: 'undo'});
		expect(parseCommand(['--help'])).toEqual({kind: 'help'});
		expect(parseCommand(['help'])).toEqual({kind: 'help'});
		expect(parseCommand(['help', 'status'])).toEqual({kind: 'help', command: 'status'});
		expect(parseCommand(['-v'])).toEqual({kind: 'version'});
	});

	test('the other commands', () => {
		expect(parseCommand(['status', '--json'])).toMatchObject({kind: 'status', options: {json: true}});
		expect(parseCommand(['reset', '--all', '-y'])).toMatchObject({kind: 'reset', options: {all: true, yes: true}});
		expect(parseCommand(['reset', '--account', '123456789012'])).toMatchObject({kind: 'reset', options: {account: '123456789012'}});
		expect(parseCommand(['undo', '--role-name', 'X', '--yes'])).toMatchObject({kind: 'undo', options: {roleName: 'X', yes: true, force: false}});
		expect(parseCommand(['undo', '--force'])).toMatchObject({kind: 'undo', options: {force: true}});
		expect(parseCommand(['status', '--offline'])).toMatchObject({kind: 'status', options: {offline: true}});
		expect(parseCommand(['status', '--handoff', '--json'])).toMatchObject({kind: 'status', options: {handoff: true, json: true}});
		expect(parseCommand(['--dry-run', '--account', '123456789012'])).toMatchObject({kind: 'setup', options: {dryRun: true, account: '123456789012'}});
	});

	test('diagnose takes the error text as its words, or none (then stdin)', () => {
		expect(parseCommand(['diagnose', 'User:', 'arn:aws:iam::1:user/a', 'is', 'not', 'authorized', '--json'])).toEqual({
			kind: 'diagnose',
			options: {json: true, yes: false, text: 'User: arn:aws:iam::1:user/a is not authorized'},
		});
		expect(parseCommand(['diagnose'])).toEqual({kind: 'diagnose', options: {json: false, yes: false}});
		expect(usageError(['diagnose', '--yes'])).toMatch(/--yes does not apply to “diagnose”/);
	});

	test('template takes the setup flags that say what the role is, a format (JSON by default) and --stackset', () => {
		expect(parseCommand(['template'])).toEqual({kind: 'template', options: {presets: {}, format: 'json', stackset: false}});
		expect(
			parseCommand([
				'template', '--role-name', 'Finance', '--access', 'read-only', '--no-cost-explorer', '--no-guard', '--require-mfa',
				'--trust', 'arn:aws:iam::111122223333:role/Admin', '--max-session', '7200', '--path', '/team/',
				'--permissions-boundary', 'arn:aws:iam::123456789012:policy/Boundary', '--format', 'yaml', '--stackset',
				'--profile', 'org', '--region', 'eu-west-1',
			]),
		).toEqual({
			kind: 'template',
			options: {
				profile: 'org',
				region: 'eu-west-1',
				format: 'yaml',
				stackset: true,
				presets: {
					roleName: 'Finance',
					access: 'read-only',
					costExplorer: false,
					guard: false,
					requireMfa: true,
					trust: {kind: 'principals', arns: ['arn:aws:iam::111122223333:role/Admin']},
					maxSessionSeconds: 7200,
					path: '/team/',
					permissionsBoundary: 'arn:aws:iam::123456789012:policy/Boundary',
				},
			},
		});
	});
});

describe('usage errors name the flag and the rule', () => {
	test.each([
		[['--bogus'], /Unknown flag '--bogus'/],
		[['frobnicate'], /Unknown command “frobnicate”/],
		[['status', 'extra'], /Unexpected argument “extra”/],
		[['--role-name', 'bad name'], /--role-name: “ ” is not allowed/],
		[['--role-name', 'x'.repeat(65)], /--role-name: .*at most 64/],
		[['--access', 'admin'], /--access must be “full” or “read-only”/],
		[['--max-session', '60'], /--max-session: .*3600 to 43200/],
		[['--max-session', '2h'], /--max-session takes a whole number of seconds/],
		[['--trust', 'arn:aws:iam::*:root'], /--trust: .*not an IAM principal ARN/],
		[['--trust', ','], /--trust takes “account” or a comma-separated list/],
		[['--dry-run', '--account', '1234'], /--account: An AWS account ID is exactly 12 digits/],
		[['--account', '123456789012'], /--account goes with --dry-run/],
		[['--json'], /--json goes with --yes or --dry-run/],
		[['--region', 'mars'], /--region: “mars” is not an AWS region/],
		[['--role-name'], /--role-name/],
		[['status', '--role-name', 'X'], /--role-name does not apply to “status”/],
		[['status', '--handoff', '--offline'], /--handoff needs credentials to know the account and cannot go with --offline/],
		[['--handoff'], /--handoff does not apply to “setup”/],
		[['reset', '--all', '--account', '123456789012'], /--all and --account cannot be used together/],
		[['undo', '--role-name', 'a/b'], /--role-name: “\/” is not allowed/],
		[['--verify-timeout', '-1'], /--verify-timeout/],
		[['template', '--format', 'xml'], /--format must be “json” or “yaml” \(got “xml”\)/],
		[['template', '--max-session', '100'], /--max-session: .*3600 to 43200/],
		[['template', '--yes'], /--yes does not apply to “template”/],
		[['template', '--json'], /--json does not apply to “template”/],
		[['--format', 'yaml'], /--format does not apply to “setup”/],
		[['--stackset'], /--stackset does not apply to “setup”/],
	])('%j', (argv, message) => {
		expect(usageError(argv)).toMatch(message);
	});

	test('each message is one line', () => {
		expect(usageError(['--bogus'])).not.toContain('\n');
	});
});

test('the partition follows the region for plans made without credentials', () => {
	expect(partitionOfRegion('cn-north-1')).toBe('aws-cn');
	expect(partitionOfRegion('us-gov-west-1')).toBe('aws-us-gov');
	expect(partitionOfRegion('eu-west-1')).toBe('aws');
	expect(partitionOfRegion(undefined)).toBe('aws');
});

describe('--via identity-center', () => {
	test('names the permission set and who gets it', () => {
		const command = parseCommand(['--via', 'identity-center', '--permission-set', 'Finance', '--assign', 'group:Finance, user:alice', '--yes']);
		expect(command).toMatchObject({
			kind: 'setup',
			options: {
				presets: {
					via: 'identity-center',
					permissionSetName: 'Finance',
					assignees: [
						{type: 'GROUP', name: 'Finance'},
						{type: 'USER', name: 'alice'},
					],
				},
			},
		});
	});

	test('refuses what only a role has, assignees without it and bad names; the wizard may ask the rest', () => {
		expect(usageError(['--via', 'identity-center', '--trust', 'account', '--yes'])).toBe('--trust sets up an IAM role and does not go with --via identity-center.');
		expect(usageError(['--assign', 'group:Finance', '--yes'])).toBe('--assign goes with --via identity-center.');
		expect(usageError(['--via', 'identity-center', '--assign', 'team:Finance', '--yes'])).toBe('--assign: “team:Finance” is not user:NAME or group:NAME.');
		expect(usageError(['--via', 'identity-center', '--permission-set', 'x'.repeat(33), '--yes'])).toContain('at most 32 characters');
		expect(usageError(['--via', 'sso', '--yes'])).toBe('--via must be “role” or “identity-center” (got “sso”).');
		expect(parseCommand(['--via', 'identity-center'])).toMatchObject({kind: 'setup', options: {yes: false, presets: {via: 'identity-center'}}});
	});

	test('--accounts takes account ids (a repeat counts once) or all, and only with --via identity-center', () => {
		const presets = (accounts: string) => (parseCommand(['--via', 'identity-center', '--accounts', accounts, '--yes']) as {options: {presets: unknown}}).options.presets;
		expect(presets('111122223333, 444455556666,111122223333')).toMatchObject({accounts: {kind: 'listed', ids: ['111122223333', '444455556666']}});
		expect(presets('all')).toMatchObject({accounts: {kind: 'all'}});
		expect(usageError(['--via', 'identity-center', '--accounts', '1111222233,444455556666', '--yes'])).toBe('--accounts: “1111222233”: An AWS account ID is exactly 12 digits.');
		expect(usageError(['--via', 'identity-center', '--accounts', ',', '--yes'])).toBe('--accounts takes account IDs, comma-separated, or “all”.');
		expect(usageError(['--via', 'identity-center', '--accounts', 'ou-ab12-cd34ef56', '--yes'])).toBe('--accounts: OU ids (ou-…, r-…) reach a role through a StackSet; a permission set takes account IDs or “all”.');
	});

	test('for a role, --accounts takes account ids, all, or OU ids (one kind at a time): its StackSet’s targets', () => {
		const presets = (accounts: string) => (parseCommand(['--accounts', accounts, '--yes']) as {options: {presets: unknown}}).options.presets;
		expect(presets('all')).toEqual({accounts: {kind: 'all'}});
		expect(presets('111122223333')).toEqual({accounts: {kind: 'listed', ids: ['111122223333']}});
		expect(presets('ou-ab12-cd34ef56, r-ab12')).toEqual({accounts: {kind: 'units', ids: ['ou-ab12-cd34ef56', 'r-ab12']}});
		expect(usageError(['--accounts', 'ou-ab12-cd34ef56,111122223333', '--yes'])).toBe(
			"--accounts: “111122223333” is not an OU id: name OUs (ou-…, r-…) or accounts, not both. billing-setup does not mix them in one StackSet yet; to reach an OU's accounts and others, list every account id (the StackSet then reaches those accounts, not accounts that join the OU later).",
		);
		expect(usageError(['--via', 'identity-center', '--accounts', 'all', '--dry-run', '--account', '111122223333'])).toContain('--accounts all lists the organization with your credentials');
	});
});

describe('help setup', () => {
	test('is the wizard’s own text: its flags, not every command’s', async () => {
		const {commandHelp, helpText} = await import('../../source/help.js');
		expect(commandHelp.setup).not.toBe(helpText);
		expect(commandHelp.setup).toMatch(/^billing-setup setup — the wizard/);
		for (const flag of ['--role-name', '--via', '--no-cost-check', '--yes', '--dry-run']) expect(commandHelp.setup).toContain(flag);
		for (const other of ['--stackset', '--access-role', '--offline', '--force']) expect(commandHelp.setup).not.toContain(other);
	});
});
