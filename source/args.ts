/** Command-line parsing and validation: pure, so every usage error is tested without a process. */
import {parseArgs} from 'node:util';
import type {Partition} from './core/principal.js';
import {parseAssignee} from './core/identity-center.js';
import {defaultSettings, type AccessLevel, type AccountTargets, type RoleSettings} from './core/settings.js';
import {accountIdProblem, assigneeProblem, permissionSetNameProblem, policyArnProblem, principalArnProblem, roleNameProblem, rolePathProblem, sessionSecondsProblem, unitIdProblem} from './core/validation.js';

export class UsageError extends Error {}

export interface CommonOptions {
	profile?: string;
	region?: string;
	json: boolean;
	yes: boolean;
}

export interface SetupOptions extends CommonOptions {
	presets: Partial<RoleSettings>;
	dryRun: boolean;
	account?: string;
	verifyTimeoutSeconds: number;
	/** Take over a billing role made by billing-setup elsewhere (another machine, a lost progress file). */
	adopt: boolean;
	/** Read this month's cost as the role once it is verified: one Cost Explorer request, USD 0.01. */
	costCheck: boolean;
}

export type TemplateFormat = 'json' | 'yaml';

export interface TemplateOptions extends Pick<CommonOptions, 'profile' | 'region'> {
	presets: Partial<RoleSettings>;
	format: TemplateFormat;
	/** Also print, on stderr, the AWS CLI commands that deploy it to an organisation through a StackSet. */
	stackset: boolean;
}

export interface AccountsOptions extends Pick<CommonOptions, 'profile' | 'region' | 'json'> {
	/** The role to look for in each account, as the setup flags describe it (defaults otherwise). */
	settings: RoleSettings;
	/** The role assumed in each member account to read its billing role. */
	accessRole: string;
	/** Ask Cost Explorer in each account whether IAM access to billing is on: one request (USD 0.01) each; --no-check says no. */
	check: boolean;
}

/** The role Organizations creates in every account it creates, trusting the management account. */
export const defaultAccessRole = 'OrganizationAccountAccessRole';

export type CommandName = 'setup' | 'status' | 'reset' | 'undo' | 'diagnose' | 'template' | 'accounts';

export type Command =
	| {kind: 'help'; command?: CommandName}
	| {kind: 'version'}
	| {kind: 'setup'; options: SetupOptions}
	| {kind: 'status'; options: CommonOptions & {offline: boolean; handoff: boolean; check: boolean}}
	| {kind: 'reset'; options: CommonOptions & {all: boolean; account?: string}}
	| {kind: 'undo'; options: CommonOptions & {roleName?: string; force: boolean}}
	| {kind: 'diagnose'; options: CommonOptions & {text?: string}}
	| {kind: 'template'; options: TemplateOptions}
	| {kind: 'accounts'; options: AccountsOptions};

const optionSpec = {
	help: {type: 'boolean', short: 'h'},
	version: {type: 'boolean', short: 'v'},
	profile: {type: 'string'},
	region: {type: 'string'},
	'role-name': {type: 'string'},
	'access-role': {type: 'string'},
	access: {type: 'string'},
	'no-cost-explorer': {type: 'boolean'},
	'no-guard': {type: 'boolean'},
	'no-cost-check': {type: 'boolean'},
	trust: {type: 'string'},
	'require-mfa': {type: 'boolean'},
	'max-session': {type: 'string'},
	path: {type: 'string'},
	'permissions-boundary': {type: 'string'},
	via: {type: 'string'},
	'permission-set': {type: 'string'},
	assign: {type: 'string'},
	accounts: {type: 'string'},
	adopt: {type: 'boolean'},
	force: {type: 'boolean'},
	offline: {type: 'boolean'},
	handoff: {type: 'boolean'},
	check: {type: 'boolean'},
	'no-check': {type: 'boolean'},
	'verify-timeout': {type: 'string'},
	yes: {type: 'boolean', short: 'y'},
	'dry-run': {type: 'boolean'},
	json: {type: 'boolean'},
	account: {type: 'string'},
	all: {type: 'boolean'},
	format: {type: 'string'},
	stackset: {type: 'boolean'},
	'no-color': {type: 'boolean'},
	'screen-reader': {type: 'boolean'},
} as const;

type Flag = keyof typeof optionSpec;

const everywhere: Flag[] = ['help', 'version', 'profile', 'region', 'no-color', 'screen-reader'];
/** What the role is: the wizard's answers, and the template's. */
const roleFlags: Flag[] = ['role-name', 'access', 'no-cost-explorer', 'no-guard', 'trust', 'require-mfa', 'max-session', 'path', 'permissions-boundary'];
const allowedFlags: Record<CommandName, Flag[]> = {
	setup: [
		...roleFlags,
		'verify-timeout', 'no-cost-check', 'adopt', 'yes', 'dry-run', 'json', 'account', 'via', 'permission-set', 'assign', 'accounts',
	],
	status: ['json', 'offline', 'handoff', 'check'],
	reset: ['all', 'yes', 'account'],
	undo: ['role-name', 'force', 'yes', 'json'],
	diagnose: ['json'],
	template: [...roleFlags, 'format', 'stackset'],
	accounts: [...roleFlags, 'via', 'permission-set', 'access-role', 'no-check', 'json'],
};

const commands = Object.keys(allowedFlags) as Array<keyof typeof allowedFlags>;

function fail(message: string): never {
	throw new UsageError(message);
}

/**
 * Edit distance for "did you mean", with two swapped neighbours one edit (`--jsno` is one from `--json`): small
 * words only, so the plain table is fine.
 */
function distance(a: string, b: string): number {
	const table = Array.from({length: a.length + 1}, (_, i) => Array.from({length: b.length + 1}, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
	for (let i = 1; i <= a.length; i++) {
		for (let j = 1; j <= b.length; j++) {
			const row = table[i]!;
			row[j] = Math.min(table[i - 1]![j]! + 1, row[j - 1]! + 1, table[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
			if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) row[j] = Math.min(row[j]!, table[i - 2]![j - 2]! + 1);
		}
	}
	return table[a.length]![b.length]!;
}

/** " Did you mean “status”?" when one known word is close enough, else nothing. */
function suggestion(word: string, known: readonly string[], prefix = ''): string {
	const [best] = known.map(candidate => ({candidate, cost: distance(word, candidate)})).sort((a, b) => a.cost - b.cost);
	return best && best.cost <= Math.max(1, Math.floor(word.length / 3)) ? ` Did you mean “${prefix}${best.candidate}”?` : '';
}

function wholeSeconds(flag: string, text: string): number {
	if (!/^\d+$/.test(text)) fail(`--${flag} takes a whole number of seconds (got “${text}”).`);
	return Number(text);
}

/** The partition a region belongs to, for a dry run that never asks STS. */
export function partitionOfRegion(region: string | undefined): Partition {
	if (region?.startsWith('cn-')) return 'aws-cn';
	if (region?.startsWith('us-gov-')) return 'aws-us-gov';
	return 'aws';
}

function presetsFrom(values: Partial<Record<Flag, string | boolean>>): Partial<RoleSettings> {
	const presets: Partial<RoleSettings> = {};
	const roleName = values['role-name'];
	if (typeof roleName === 'string') {
		const problem = roleNameProblem(roleName);
		if (problem) fail(`--role-name: ${problem}`);
		presets.roleName = roleName;
	}
	const access = values.access;
	if (typeof access === 'string') {
		if (access !== 'full' && access !== 'read-only') fail(`--access must be “full” or “read-only” (got “${access}”).`);
		presets.access = access satisfies AccessLevel;
	}
	if (values['no-cost-explorer']) presets.costExplorer = false;
	if (values['no-guard']) presets.guard = false;
	const trust = values.trust;
	if (typeof trust === 'string') {
		if (trust === 'account') presets.trust = {kind: 'account'};
		else {
			const arns = trust.split(',').map(arn => arn.trim()).filter(Boolean);
			if (arns.length === 0) fail('--trust takes “account” or a comma-separated list of IAM user or role ARNs.');
			for (const arn of arns) {
				const problem = principalArnProblem(arn);
				if (problem) fail(`--trust: ${problem}`);
			}
			presets.trust = {kind: 'principals', arns};
		}
	}
	if (values['require-mfa']) presets.requireMfa = true;
	const maxSession = values['max-session'];
	if (typeof maxSession === 'string') {
		const seconds = wholeSeconds('max-session', maxSession);
		const problem = sessionSecondsProblem(seconds);
		if (problem) fail(`--max-session: ${problem}`);
		presets.maxSessionSeconds = seconds;
	}
	const path = values.path;
	if (typeof path === 'string') {
		const problem = rolePathProblem(path);
		if (problem) fail(`--path: ${problem}`);
		presets.path = path;
	}
	Object.assign(presets, identityCenterPresets(values));
	const boundary = values['permissions-boundary'];
	if (typeof boundary === 'string') {
		const problem = policyArnProblem(boundary);
		if (problem) fail(`--permissions-boundary: ${problem}`);
		presets.permissionsBoundary = boundary;
	}
	return presets;
}

/** Flags that shape a role only: a permission set has no trust policy, path or boundary of its own to set. */
const roleOnlyFlags: Flag[] = ['role-name', 'trust', 'require-mfa', 'path', 'permissions-boundary'];

function identityCenterPresets(values: Partial<Record<Flag, string | boolean>>): Partial<RoleSettings> {
	const via = values.via;
	if (via !== undefined && via !== 'role' && via !== 'identity-center') fail(`--via must be “role” or “identity-center” (got “${String(via)}”).`);
	const name = values['permission-set'];
	const assign = values.assign;
	const accounts = values.accounts;
	if (via !== 'identity-center') {
		const stray = (['permission-set', 'assign'] as const).find(flag => values[flag] !== undefined);
		if (stray) fail(`--${stray} goes with --via identity-center.`);
		// For a role, other accounts are reached through a service-managed StackSet (commands/members.ts).
		return {...(via === 'role' && {via}), ...(typeof accounts === 'string' && {accounts: accountTargets(accounts, {units: true})})};
	}
	const roleOnly = roleOnlyFlags.find(flag => values[flag] !== undefined);
	if (roleOnly) fail(`--${roleOnly} sets up an IAM role and does not go with --via identity-center.`);
	const presets: Partial<RoleSettings> = {via};
	if (typeof name === 'string') {
		const problem = permissionSetNameProblem(name);
		if (problem) fail(`--permission-set: ${problem}`);
		presets.permissionSetName = name;
	}
	if (typeof assign === 'string') {
		const items = assign.split(',').map(item => item.trim()).filter(Boolean);
		if (items.length === 0) fail('--assign takes user:NAME or group:NAME, comma-separated.');
		presets.assignees = items.map(item => {
			const problem = assigneeProblem(item);
			if (problem) fail(`--assign: ${problem}`);
			return parseAssignee(item);
		});
	}
	if (typeof accounts === 'string') presets.accounts = accountTargets(accounts, {units: false});
	return presets;
}

/** `all`, 12-digit account ids, or (for a role's StackSet, `units`) OU and root ids, comma-separated; a repeat counts once. */
function accountTargets(text: string, {units}: {units: boolean}): AccountTargets {
	if (text.trim() === 'all') return {kind: 'all'};
	const ids = [...new Set(text.split(',').map(id => id.trim()).filter(Boolean))];
	if (ids.length === 0) fail(`--accounts takes account IDs${units ? ' or OU ids (ou-…, r-…)' : ''}, comma-separated, or “all”.`);
	const isUnit = (id: string) => !unitIdProblem(id);
	if (ids.some(isUnit)) {
		if (!units) fail('--accounts: OU ids (ou-…, r-…) reach a role through a StackSet; a permission set takes account IDs or “all”.');
		const stray = ids.find(id => !isUnit(id));
		if (stray) fail(`--accounts: “${stray}” is not an OU id: name OUs (ou-…, r-…) or accounts, not both. billing-setup does not mix them in one StackSet yet; to reach an OU's accounts and others, list every account id (the StackSet then reaches those accounts, not accounts that join the OU later).`);
		return {kind: 'units', ids};
	}
	for (const id of ids) {
		const problem = accountIdProblem(id);
		if (problem) fail(`--accounts: “${id}”: ${problem}`);
	}
	return {kind: 'listed', ids};
}

export function parseCommand(argv: string[]): Command {
	let parsed;
	try {
		parsed = parseArgs({args: argv, options: optionSpec, allowPositionals: true, strict: true});
	} catch (error) {
		// Node's messages name the flag but end with advice about "--"; keep the first sentence.
		const message = (error as Error).message.split('. ')[0]!.replace(/^Unknown option/, 'Unknown flag');
		const flag = /'--([^']+)'/.exec(message)?.[1];
		fail(`${message}.${flag ? suggestion(flag, Object.keys(optionSpec), '--') : ''}`);
	}
	const {values, positionals} = parsed;
	if (positionals[0] === 'help') {
		const topic = positionals[1];
		if (topic !== undefined && !(commands as string[]).includes(topic)) fail(`No help for “${topic}”. Commands: ${commands.join(', ')}.${suggestion(topic, commands)}`);
		return {kind: 'help', ...(topic && {command: topic as CommandName})};
	}
	const name = positionals[0] ?? 'setup';
	if (!(commands as string[]).includes(name)) {
		fail(`Unknown command “${name}”.${suggestion(name, [...commands, 'help'])} Commands: ${commands.join(', ')}, help. Run billing-setup --help for usage.`);
	}
	if (values.help) return {kind: 'help', ...(positionals[0] && {command: name as CommandName})};
	if (values.version) return {kind: 'version'};
	// diagnose takes the error text as its arguments; no other command takes any.
	if (positionals.length > 1 && name !== 'diagnose') fail(`Unexpected argument “${positionals[1]}”. Run billing-setup --help for usage.`);
	const command = name as (typeof commands)[number];
	for (const flag of Object.keys(values) as Flag[]) {
		if (!everywhere.includes(flag) && !allowedFlags[command].includes(flag)) {
			fail(`--${flag} does not apply to “${command}”. Run billing-setup --help for usage.`);
		}
	}
	if (values.region !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(values.region)) {
		fail(`--region: “${values.region}” is not an AWS region name (e.g. us-east-1).`);
	}
	const account = values.account;
	if (account !== undefined) {
		const problem = accountIdProblem(account);
		if (problem) fail(`--account: ${problem}`);
	}
	const common: CommonOptions = {
		...(values.profile !== undefined && {profile: values.profile}),
		...(values.region !== undefined && {region: values.region}),
		json: values.json ?? false,
		yes: values.yes ?? false,
	};
	switch (command) {
		case 'setup': {
			const dryRun = values['dry-run'] ?? false;
			if (common.json && !common.yes && !dryRun) fail('--json goes with --yes or --dry-run (an interactive run prints screens, not JSON).');
			// The wizard's screens ask about a role; Identity Center runs headless until they ask about permission sets too.
			if (account !== undefined && !dryRun) fail('--account goes with --dry-run: a real setup uses the account of your credentials.');
			if (account !== undefined && values.accounts?.trim() === 'all') fail('--accounts all lists the organization with your credentials and cannot go with --account: name the accounts instead.');
			const timeout = values['verify-timeout'];
			return {
				kind: 'setup',
				options: {
					...common,
					presets: presetsFrom(values),
					dryRun,
					...(account !== undefined && {account}),
					verifyTimeoutSeconds: timeout === undefined ? 120 : wholeSeconds('verify-timeout', timeout),
					adopt: values.adopt ?? false,
					costCheck: !values['no-cost-check'],
				},
			};
		}
		case 'status':
			if (values.handoff && values.offline) fail('--handoff needs credentials to know the account and cannot go with --offline.');
			if (values.check && values.offline) fail('--check asks Cost Explorer and cannot go with --offline.');
			return {kind: 'status', options: {...common, offline: values.offline ?? false, handoff: values.handoff ?? false, check: values.check ?? false}};
		case 'reset':
			if (values.all && account !== undefined) fail('--all and --account cannot be used together.');
			return {kind: 'reset', options: {...common, all: values.all ?? false, ...(account !== undefined && {account})}};
		case 'undo': {
			const roleName = presetsFrom(values).roleName;
			return {kind: 'undo', options: {...common, force: values.force ?? false, ...(roleName !== undefined && {roleName})}};
		}
		case 'diagnose': {
			const text = positionals.slice(1).join(' ');
			return {kind: 'diagnose', options: {...common, ...(text && {text})}};
		}
		case 'template': {
			const format = values.format ?? 'json';
			if (format !== 'json' && format !== 'yaml') fail(`--format must be “json” or “yaml” (got “${format}”).`);
			return {
				kind: 'template',
				options: {
					...(common.profile !== undefined && {profile: common.profile}),
					...(common.region !== undefined && {region: common.region}),
					presets: presetsFrom(values),
					format,
					stackset: values.stackset ?? false,
				},
			};
		}
		case 'accounts': {
			const accessRole = values['access-role'] ?? defaultAccessRole;
			const problem = roleNameProblem(accessRole);
			if (problem) fail(`--access-role: ${problem}`);
			return {
				kind: 'accounts',
				options: {
					...(common.profile !== undefined && {profile: common.profile}),
					...(common.region !== undefined && {region: common.region}),
					json: common.json,
					settings: {...defaultSettings, ...presetsFrom(values)},
					accessRole,
					check: !values['no-check'],
				},
			};
		}
	}
}
