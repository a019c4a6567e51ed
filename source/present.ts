/** Plain-text presentation for headless runs and the non-wizard commands (the wizard draws with Ink). */
import {styleText} from 'node:util';
import {assignmentWords, roleStateWords, type AccountEntry, type PermissionSetLookup} from './core/account.js';
import {accountsLabel, assigneeLabel, ssoHandOff, type PermissionSetPlan} from './core/identity-center.js';
import {costExplorerAction, costExplorerPolicyName, guardedAction, guardPolicyName, type Plan} from './core/plan.js';
import {billingAccessLine, billingAccessNext, checkPrice, type BillingAccessCheck} from './core/billing-access.js';
import {activationProcedure, activationSteps, consoleHost, howTheSettingIsKnown} from './core/partition.js';
import type {Partition} from './core/principal.js';
import type {Problem} from './core/problem.js';
import {hours, printable, shellQuote} from './core/text.js';
import type {Verification} from './engine/ports.js';
import {timeAgo} from './spinner.js';
import {permissionSetCommands} from './reconcile/permission-set-resources.js';
import type {Difference} from './reconcile/model.js';
import {cliCommands, substantive, type RoleInspection} from './reconcile/role-resources.js';

type Style = Parameters<typeof styleText>[0];

/** Plain unless the stream is a terminal that wants colour (hasColors reads NO_COLOR and FORCE_COLOR on every Node 22). */
export function paint(style: Style, text: string, stream: NodeJS.WriteStream = process.stderr): string {
	return stream.isTTY && stream.hasColors?.() ? styleText(style, text, {validateStream: false}) : text;
}

export const savedMessage = 'Progress saved: run billing-setup again to resume.';

/**
 * What a check of the root-only setting found: its line, and AWS's words when it did not answer; `ok` says which
 * mark goes with it. `when`: empty for a check this run made, " 2 hours ago" for an earlier run's.
 */
export function billingAccessLines(check: BillingAccessCheck, partition: Partition, when = ''): {ok: boolean; lines: string[]} {
	const head = `${billingAccessLine(check)}${when}.`;
	// Cost Explorer's own words are in the reason: printed without control characters, like every outside text.
	const detail = check.state === 'active' ? [] : [...(check.reason ? [`  ${check.reason.why}`] : []), `  Next: ${billingAccessNext(check, partition)}`];
	return {ok: check.state === 'active', lines: [head, ...detail].map(printable)};
}

/**
 * What the verification found, one line each. A re-run that only hands off again carries an earlier run's:
 * then each line says when, so nothing from memory reads as checked just now.
 */
export function verificationLines(verification: Verification, partition: Partition, thisRun: boolean): Array<{ok: boolean; text: string}> {
	const when = thisRun ? '' : ` ${timeAgo(verification.at)}`;
	return [
		...(verification.assumedAs ? [{ok: true, text: `Verified${when}: switched to it as ${printable(verification.assumedAs)}`}] : []),
		...(verification.assumeSkipped ? [{ok: false, text: `Switch check skipped${when}: ${verification.assumeSkipped}.`}] : []),
		...(verification.billingAccess ? [billingAccessLines(verification.billingAccess, partition, when)].map(({ok, lines}) => ({ok, text: lines.join('\n')})) : []),
	];
}

/** A problem's texts quote AWS, files and error messages: shown without their control characters. */
export function formatProblem(problem: Problem): string {
	return [
		`${paint('red', '✖')} ${printable(problem.title)}`,
		`  ${printable(problem.why)}`,
		`  ${paint('bold', 'Next:')} ${printable(problem.next)}`,
	].join('\n');
}

/** "  1. …", "  2. …" */
function numbered(steps: string[]): string[] {
	return steps.map((step, index) => `  ${index + 1}. ${step}`);
}

export function rootActivationSteps(partition: Partition): string[] {
	return [activationProcedure(partition).why, ...numbered(activationSteps(partition)), howTheSettingIsKnown];
}

/** The root step as it stands at the end: done, or what AWS answered (or that it was not asked), and what to do. */
export interface RootStep {
	done: boolean;
	check?: BillingAccessCheck;
}

/** Nothing when the root step is done; otherwise why Billing stays closed, the steps, and how to ask AWS again. */
export function rootStepReminder({done, check}: RootStep, partition: Partition): string[] {
	if (done) return [];
	const head =
		check?.state === 'off'
			? `Billing stays closed until the root step is done: ${billingAccessLine(check)}.`
			: `Billing will refuse access until the root step is done${check ? ` (${billingAccessLine(check)})` : ' (AWS was not asked)'}:`;
	return ['', printable(head), ...rootActivationSteps(partition), `Then billing-setup status --check asks AWS whether it took effect (${checkPrice}).`];
}

/** Why each inline policy is there, as `d` and the dry run caption it. */
const inlinePolicyPurpose: Record<string, string> = {
	[costExplorerPolicyName]: `${costExplorerAction} is in neither managed policy`,
	[guardPolicyName]: `the guard: Billing grants ${guardedAction}, so this Deny keeps whoever switches from turning IAM access to billing off`,
};

export function formatPlan(plan: Plan): string {
	const json = (value: unknown) => JSON.stringify(value, null, 2);
	return [
		`Role ${plan.roleArn}`,
		`Longest session: ${hours(plan.maxSessionSeconds)}`,
		...(plan.permissionsBoundary ? [`Permissions boundary: ${plan.permissionsBoundary}`] : []),
		'',
		'Trust policy (who may switch to it):',
		json(plan.trustPolicy),
		'',
		`Managed policy: ${plan.managedPolicyArn}`,
		...Object.entries(plan.inlinePolicies).flatMap(([name, document]) => ['', `Inline policy ${name} (${inlinePolicyPurpose[name] ?? 'added by billing-setup'}):`, json(document)]),
		'',
		'Equivalent AWS CLI commands:',
		...cliCommands(plan),
	].join('\n');
}

/** What a setup does once its writes are made, said in the review before any: the read-back, the switch, and what costs money. */
export function afterTheWrites({noun, switchable, paidCheck}: {noun: string; switchable: boolean; paidCheck: 'as-made' | 'as-you' | 'none'}): string {
	// One line at 80 columns: the review must fit 80×24.
	const proof = switchable ? 'read back, switch to it' : 'wait for provisioning, read back';
	const paid = paidCheck === 'none' ? '' : `, ask Cost Explorer as ${paidCheck === 'as-made' ? `the ${noun}` : 'you'} (USD 0.01)`;
	return `Then: ${proof}${paid}.`;
}

/** Who made the role, as the review, status and the dry run say it. */
export const ownershipWords: Record<RoleInspection['ownership'], string> = {
	absent: 'does not exist yet: it will be created',
	ours: 'exists and was created by this setup',
	elsewhere: 'exists and was made by billing-setup elsewhere (another machine, or a lost progress file)',
	foreign: 'exists and was not created by billing-setup',
};

/** One line a difference, marked when it removes a grant or trust the plan does not have. */
export function differenceLine(difference: Difference): string {
	const mark = difference.kind === 'add' ? '+' : difference.kind === 'remove' ? '-' : '~';
	return `${mark} ${printable(difference.summary)}${difference.widening ? ' [beyond the plan]' : ''}`;
}

/** What AWS has now, compared with the plan, in words: `where` says whose view it is (IAM's role, Identity Center's permission set). */
/** `where`: the head of the read, "In IAM now: the role" (made.ts). */
export function formatInspection(inspection: RoleInspection, where: string): string {
	const differences = substantive(inspection.differences);
	const head = `${where} ${ownershipWords[inspection.ownership]}${inspection.liveArn ? ` (${inspection.liveArn})` : ''}.`;
	if (differences.length === 0) return `${head}\nNo change: it matches the plan.`;
	return [`${head}`, 'A run would:', ...differences.map(difference => `  ${differenceLine(difference)}`)].join('\n');
}

/** The comment lines around a printed ~/.aws/config block: pasted along with it, the AWS CLI and boto3 skip them. */
export const configBlockStart = '# ----- billing-setup: from here -----';
export const configBlockEnd = '# ----- billing-setup: to here -----';

/**
 * A ~/.aws/config block as it must be pasted: not indented, since an indented line there continues the value above
 * it (`region` of the [default] before it would swallow the whole block). Marked off by comment lines instead.
 */
function configBlockLines(block: string): string[] {
	return [configBlockStart, ...block.split('\n'), configBlockEnd];
}

/** How to use the role, as plain lines a terminal never re-wraps: URLs stay clickable, blocks copyable. */
export function formatFinish(plan: Plan, rootStep: RootStep): string {
	const reminder = rootStepReminder(rootStep, plan.partition);
	// Switching in the console chains roles, which AWS caps at 1 h.
	const consoleSession =
		plan.maxSessionSeconds > 3600
			? `A console session in the role lasts 1 h, whatever the maximum; the ${hours(plan.maxSessionSeconds)} apply to the CLI and SDKs.`
			: 'A console session in the role lasts 1 h.';
	return [
		'Switch to the role in the console:',
		`  ${plan.switchRoleUrl}`,
		`  (${consoleSession})`,
		'',
		`Or add this to ~/.aws/config and use --profile ${plan.profileName}:`,
		...configBlockLines(plan.profileBlock),
		...(plan.profileNotes.length > 0 ? ['', ...plan.profileNotes] : []),
		...reminder,
	].join('\n');
}

/**
 * The end for a caller whose own policies allow billing, with nothing made: Billing is open to them once AWS answered
 * so; until then the root step, and how to ask AWS once it is done.
 */
export function formatNotNeeded(partition: Partition, check: BillingAccessCheck | undefined): string {
	const billing = `https://${consoleHost[partition]}/billing/home`;
	if (check?.state === 'active') return [`Open Billing as yourself now: ${billing}`, 'Run billing-setup again when you want a billing-only role for others.'].join('\n');
	return [`Once the root step is done, open Billing as yourself: ${billing}`, ...rootStepReminder({done: false, check}, partition)].join('\n');
}

export function formatPermissionSetPlan(plan: PermissionSetPlan): string {
	return [
		`Permission set ${plan.name} in account ${plan.accountId}`,
		`Session duration: ${plan.sessionDuration}`,
		`Assigned to: ${printable(plan.assignees.map(assigneeLabel).join(', ')) || 'no one yet (--assign user:NAME,group:NAME)'}`,
		`In: ${plan.accounts.kind === 'all' && plan.accountIds.length === 0 ? 'every ACTIVE account of the organization (listed when the plan is read with credentials)' : accountsLabel(plan)}`,
		'',
		`Managed policy: ${plan.managedPolicyArn}`,
		...(plan.inlinePolicy ? ['', 'Inline policy (Identity Center takes one: the add-on and the guard together):', JSON.stringify(plan.inlinePolicy, null, 2)] : []),
		'',
		'Equivalent AWS CLI commands:',
		...permissionSetCommands(plan),
	].join('\n');
}

/** Where the permission set's people sign in, and the profile `aws configure sso` would write for it. */
export function formatIdentityCenterFinish(plan: PermissionSetPlan, verification: Verification | undefined, rootStep: RootStep): string {
	const reminder = rootStepReminder(rootStep, plan.partition);
	const handOff = verification?.identityStoreId && verification.ssoRegion && ssoHandOff(plan, {identityStoreId: verification.identityStoreId, region: verification.ssoRegion});
	if (!handOff) return reminder.join('\n');
	const several = plan.accountIds.length > 1;
	const others = plan.accountIds.filter(accountId => accountId !== plan.accountId);
	return [
		`${printable(plan.assignees.map(assigneeLabel).join(', ')) || 'Whoever is assigned it'}: sign in at the AWS access portal and choose ${plan.name} for ${accountsLabel(plan)}:`,
		`  ${handOff.accessPortalUrl}`,
		'  (the default portal URL; if your organisation set an alias in Identity Center, that URL works too)',
		'',
		`Or add this to ~/.aws/config, then aws sso login --profile ${shellQuote(handOff.profileName)}${several ? ' (one login serves every profile of the session)' : ''}:`,
		...configBlockLines(handOff.profileBlock),
		...reminder,
		// The root step answered in this run speaks for this account only; no API reads the setting anywhere.
		...(others.length > 0 ? ['', `Root activation is per account: the root user of ${others.join(', ')} must activate IAM access to billing there too (accounts created through Organizations have it on unless their creator chose otherwise).`] : []),
	].join('\n');
}

/**
 * The organization's accounts, one block each, and the console steps once at the end (each account's own steps,
 * with its sign-in email, are in --json). Names and emails come from AWS: printed without control characters.
 */
export function formatAccounts(
	entries: AccountEntry[],
	{
		organizationId,
		roleName,
		accessRole,
		partition,
		permissionSet,
	}: {organizationId: string; roleName: string; accessRole: string; partition: Partition; permissionSet: PermissionSetLookup},
): string {
	const blocks = entries.map(entry => {
		const mark = entry.management ? paint('green', '▶', process.stdout) : ' ';
		const joined = entry.management ? 'management account, this one: StackSets never deploy here' : entry.joinedMethod.toLowerCase();
		const lines = [
			`${entry.id}  ${entry.name}  ${entry.status}  ${joined}`,
			`    Role ${roleName}: ${roleStateWords(entry.role)}`,
			...(entry.next ? [`    Next: ${entry.next}`] : []),
			...(entry.permissionSet ? [`    Permission set ${permissionSet.name}: ${assignmentWords(entry.permissionSet)}`] : []),
			`    Root-only setting: ${entry.billingAccess.note}`,
		];
		// The mark is added after: printable would strip its colour.
		return `${mark} ${printable(lines.join('\n'))}`;
	});
	return [
		printable(`Organization ${organizationId}: ${entries.length} account${entries.length === 1 ? '' : 's'}. Member accounts were read through ${accessRole}.`),
		...(permissionSet.kind === 'absent' ? [printable(`Identity Center: no permission set ${permissionSet.name} (${permissionSet.reason}).`)] : []),
		'',
		...blocks,
		'',
		'To switch on IAM access to billing in an account (in the console only):',
		...numbered(activationSteps(partition, `Sign in to that account as ${activationProcedure(partition).who}`)),
		howTheSettingIsKnown,
	].join('\n');
}
