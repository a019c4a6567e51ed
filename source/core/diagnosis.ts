/**
 * `billing-setup diagnose`: which of the causes of a billing "access denied" applies, from the text a person
 * pastes and, where credentials allow, a check of the principal's own policies. Pure; the reads are in
 * commands/diagnose.ts. AWS's wording of denial reasons:
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html
 */
import type {PrincipalAccess} from './account.js';
import {checkPrice, notActivatedPattern} from './billing-access.js';
import {activationInOneLine, activationProcedure, accountSettingsUrl} from './partition.js';
import {isPartition, type Partition} from './principal.js';
import {costExplorerAction} from './plan.js';

/** What AWS's AccessDenied text names as the reason. */
export type DenialReason =
	| 'service-control-policy'
	| 'resource-control-policy'
	| 'permissions-boundary'
	| 'session-policy'
	| 'identity-deny'
	| 'no-identity-allow';

const reasonPatterns: Array<[DenialReason, RegExp]> = [
	['service-control-policy', /(explicit deny in a|no) service control policy/i],
	['resource-control-policy', /(explicit deny in a|no) resource control policy/i],
	['permissions-boundary', /(explicit deny in a|no) permissions boundary/i],
	['session-policy', /(explicit deny in a|no) session policy/i],
	['identity-deny', /explicit deny in an identity-based policy/i],
	['no-identity-allow', /no identity-based policy allows/i],
];

export function denialReason(message: string): DenialReason | undefined {
	return reasonPatterns.find(([, pattern]) => pattern.test(message))?.[0];
}

/**
 * Whether giving the new role a permissions boundary could turn this CreateRole denial into an allow: only the
 * caller's own identity policies can make that condition ("Deny CreateRole unless iam:PermissionsBoundary is X" is
 * how organisations require a boundary); an SCP, the caller's boundary or a session policy denies whatever the new
 * role carries.
 */
export function roleBoundaryMayHelp(message: string): boolean {
	const reason = denialReason(message);
	return reason !== 'service-control-policy' && reason !== 'permissions-boundary' && reason !== 'session-policy';
}

export interface ParsedDenial {
	/** `ce:DescribeReport`: the first action the text names. */
	action?: string;
	/** The ARN after "User:" in an API error. */
	principal?: string;
	reason?: DenialReason;
	/** The console's words for the root-only setting (it names no action and no reason). */
	mentionsBillingSetting: boolean;
	/** Cost Explorer's API answer while the setting is off: “IAM user access not activated”. AWS states the cause. */
	statesNotActivated: boolean;
}

// The Billing console: "…making sure that (1) this account allows IAM and federated users to access billing information…".
const billingSettingPattern = /access (to )?billing information|allows IAM (and federated )?users|IAM user (and|\/) ?role access|activate IAM access/i;

export function parseDenial(text: string): ParsedDenial {
	const flat = text.replaceAll(/\s+/g, ' ');
	const action = /\b(?:perform:?|permission to(?: perform)?:?|not authorized to)\s+([a-z0-9-]+:[A-Za-z0-9*]+)/i.exec(flat)?.[1] ?? /\b((?:ce|billing|aws-portal|cur|budgets|payments|invoicing|tax|account|consolidatedbilling|freetier|purchase-orders|pricing|sustainability|bcm-data-exports):[A-Z][A-Za-z]*)\b/.exec(flat)?.[1];
	const principal = /User: (arn:aws[\w-]*:(?:iam|sts)::\d{12}:\S+?)(?=\s+is not authorized)/.exec(flat)?.[1];
	const reason = denialReason(flat);
	return {
		...(action && {action}),
		...(principal && {principal}),
		...(reason && {reason}),
		mentionsBillingSetting: billingSettingPattern.test(flat) || notActivatedPattern.test(flat),
		statesNotActivated: notActivatedPattern.test(flat),
	};
}

export type Cause =
	| 'billing-setting'
	| 'missing-permission'
	| 'service-control-policy'
	| 'resource-control-policy'
	| 'permissions-boundary'
	| 'session-policy'
	| 'explicit-deny'
	| 'unclear'
	/** Nothing AWS-shaped in the text: no verdict, whatever the credentials' policies say. */
	| 'unrecognised';

/** The principal's own policies (the caller's, when the text names no principal), checked for the text's action or, without one, every billing action. */
export interface PolicyCheck {
	principal: string;
	access: PrincipalAccess;
}

export interface Diagnosis {
	cause: Cause;
	/** How sure: `stated` by AWS's text, `checked` against the policies, or `likely` from the words alone. */
	basis: 'stated' | 'checked' | 'likely';
	title: string;
	why: string;
	next: string;
	parsed: ParsedDenial;
	check?: PolicyCheck;
	/** Why no check was made, when none was. */
	checkSkipped?: string;
}

const causeOfReason: Record<DenialReason, Cause> = {
	'service-control-policy': 'service-control-policy',
	'resource-control-policy': 'resource-control-policy',
	'permissions-boundary': 'permissions-boundary',
	'session-policy': 'session-policy',
	'identity-deny': 'explicit-deny',
	'no-identity-allow': 'missing-permission',
};

export function partitionOfArn(arn: string | undefined): Partition {
	const partition = arn?.split(':')[1] ?? 'aws';
	return isPartition(partition) ? partition : 'aws';
}

function words(cause: Cause, action: string, partition: Partition): Pick<Diagnosis, 'title' | 'why' | 'next'> {
	const procedure = activationProcedure(partition);
	const addOn =
		action === costExplorerAction
			? ` Neither the Billing nor the AWSBillingReadOnlyAccess managed policy grants ${costExplorerAction}: billing-setup's Cost Explorer add-on does.`
			: '';
	switch (cause) {
		case 'billing-setting':
			return {
				title: 'IAM access to billing information is not activated in this account.',
				why: `Until ${procedure.who} activates it, Billing and Cost Explorer refuse every IAM user and role, whatever their policies allow.`,
				next: `${activationInOneLine(partition)} Then try again.`,
			};
		case 'missing-permission':
			return {
				title: `No policy of this identity allows ${action}.`,
				why: `Billing needs both the root-only setting and an IAM policy that allows it; this identity lacks the policy.${addOn}`,
				next: 'Run billing-setup to create a billing role with the Billing policy (and the add-on), then switch to it. Make sure the root step is done too.',
			};
		case 'service-control-policy':
			return {
				title: `A service control policy (SCP) of your AWS Organization forbids ${action} in this account.`,
				why: 'An SCP limits every identity in a member account, administrators included; no role or policy made in this account can lift it.',
				next: `Ask your organization's administrator (in the management account) to allow ${action} for this account.`,
			};
		case 'resource-control-policy':
			return {
				title: `A resource control policy (RCP) of your AWS Organization forbids ${action}.`,
				why: 'An RCP limits access to resources across the organization; nothing in this account can lift it.',
				next: `Ask your organization's administrator (in the management account) to allow ${action}.`,
			};
		case 'permissions-boundary':
			return {
				title: `A permissions boundary on this identity does not allow ${action}.`,
				why: 'A boundary caps what an identity may do, whatever its own policies allow.',
				next: `Ask whoever manages IAM to add ${action} to the boundary, or switch to a role without one (billing-setup's role has none unless you give it one).`,
			};
		case 'session-policy':
			return {
				title: `The session these credentials come from was started with a policy that does not allow ${action}.`,
				why: 'A session policy narrows what an assumed-role or federated session may do.',
				next: 'Start a session without that session policy (or with a broader permission set), then try again.',
			};
		case 'explicit-deny':
			return {
				title: `A policy of this identity denies ${action} outright.`,
				why: 'A Deny wins over every Allow, so attaching more permissions does not help.',
				next: `Narrow the Deny statement for ${action}, or switch to a billing role it does not apply to (run billing-setup to create one).`,
			};
		case 'unrecognised':
			return {
				title: 'The text names no AWS action and no reason for a denial.',
				why: 'billing-setup reads AWS’s AccessDenied messages (“User: arn:… is not authorized to perform: ce:…”) and the Billing console’s; this is neither.',
				next: 'Paste the whole error message, as the console or the AWS CLI printed it.',
			};
		case 'unclear':
			return {
				title: 'The text does not say which cause applies, and nothing could be checked.',
				why: 'Billing refuses an identity either because the root-only setting is off or because no policy allows the action.',
				next: `Do both: as ${procedure.who}, activate IAM access at ${accountSettingsUrl(partition)}, and run billing-setup to create a billing role. Or run billing-setup diagnose with credentials for this account, so it can check the policies.`,
			};
	}
}

/** Whether the text names anything AWS-shaped: an action, a reason, or the console's words for the setting. */
export function recognised(parsed: ParsedDenial): boolean {
	return parsed.action !== undefined || parsed.reason !== undefined || parsed.mentionsBillingSetting;
}

/** The cause, from AWS's stated reason first, then the policy check, then the console's words. */
export function diagnose(parsed: ParsedDenial, check?: PolicyCheck, checkSkipped?: string): Diagnosis {
	const partition = partitionOfArn(parsed.principal ?? check?.principal);
	const access = check?.access.method === 'unknown' ? undefined : check?.access;
	const [cause, basis]: [Cause, Diagnosis['basis']] = !recognised(parsed)
		? ['unrecognised', 'likely']
		: parsed.statesNotActivated
		? ['billing-setting', 'stated']
		: parsed.reason
		? [causeOfReason[parsed.reason], 'stated']
		: access && check
			? access.denied.length > 0
				? ['explicit-deny', 'checked']
				: access.checked.every(action => access.allowed.includes(action))
					? // The policies allow it and Billing still refuses: what is left is the setting no API can read.
						['billing-setting', 'checked']
					: ['missing-permission', 'checked']
			: parsed.mentionsBillingSetting
				? ['billing-setting', 'likely']
				: ['unclear', 'likely'];
	const action = parsed.action ?? access?.denied[0] ?? access?.checked.find(candidate => !access.allowed.includes(candidate)) ?? 'the billing action';
	const said = words(cause, action, partition);
	return {cause, basis, ...said, ...(cause === 'billing-setting' && {why: `${said.why} ${settingBasis[basis]}`}), parsed, ...(check && {check}), ...(checkSkipped && {checkSkipped})};
}

/** How the setting is known to be the cause: only Cost Explorer's own refusal states it. */
const settingBasis: Record<Diagnosis['basis'], string> = {
	stated: 'Cost Explorer said so: “IAM user access not activated” is its answer while the setting is off.',
	checked: `The policies allow the action and Billing still refuses, so this is inferred; billing-setup status --check asks Cost Explorer (${checkPrice}).`,
	likely: `The text uses the console’s words for it; billing-setup status --check asks Cost Explorer (${checkPrice}).`,
}
