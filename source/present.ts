/** Plain-text presentation for headless runs and the non-wizard commands (the wizard draws with Ink). */
import {styleText} from 'node:util';
import {accountSettingsUrl, type Plan} from './core/plan.js';
import type {Partition} from './core/principal.js';
import type {Problem} from './core/problem.js';
import {printable} from './core/text.js';

type Style = Parameters<typeof styleText>[0];

/** Plain unless the stream is a terminal that wants colour (hasColors reads NO_COLOR and FORCE_COLOR on every Node 22). */
export function paint(style: Style, text: string, stream: NodeJS.WriteStream = process.stderr): string {
	return stream.isTTY && stream.hasColors?.() ? styleText(style, text, {validateStream: false}) : text;
}

export const savedMessage = 'Progress saved: run billing-setup again to resume.';

/** A problem's texts quote AWS, files and error messages: shown without their control characters. */
export function formatProblem(problem: Problem): string {
	return [
		`${paint('red', '✖')} ${printable(problem.title)}`,
		`  ${printable(problem.why)}`,
		`  ${paint('bold', 'Next:')} ${printable(problem.next)}`,
	].join('\n');
}

export function rootActivationSteps(partition: Partition): string[] {
	return [
		'Only the root user can let IAM users and roles see billing. Signed in as root:',
		`  1. Open ${accountSettingsUrl(partition)}`,
		'  2. Find “IAM User and Role Access to Billing Information” and choose Edit',
		'  3. Tick “Activate IAM Access” and choose Update',
		'No AWS API can read or change this setting, so billing-setup cannot check it for you.',
	];
}

export function formatPlan(plan: Plan): string {
	const json = (value: unknown) => JSON.stringify(value, null, 2);
	return [
		`Role ${plan.roleArn}`,
		`Max session: ${plan.maxSessionSeconds / 3600} h`,
		'',
		'Trust policy (who may switch to it):',
		json(plan.trustPolicy),
		'',
		`Managed policy: ${plan.managedPolicyArn}`,
		...(plan.costExplorerPolicy
			? ['', 'Inline policy for Cost Explorer (ce:DescribeReport is in neither managed policy):', json(plan.costExplorerPolicy)]
			: []),
		'',
		'Equivalent AWS CLI commands:',
		...plan.cliCommands,
	].join('\n');
}

/** How to use the role, as plain lines a terminal never re-wraps: URLs stay clickable, blocks copyable. */
export function formatFinish(plan: Plan, activationConfirmed: boolean): string {
	const reminder = activationConfirmed
		? []
		: ['', 'Billing will still refuse access until root activation is done:', ...rootActivationSteps(plan.partition)];
	return [
		'Switch to the role in the console:',
		`  ${plan.switchRoleUrl}`,
		'',
		'Or add this to ~/.aws/config and use --profile:',
		...plan.profileBlock.split('\n').map(line => `  ${line}`),
		...reminder,
	].join('\n');
}
