import {describe, expect, test} from 'vitest';
import {diagnose, parseDenial, type PolicyCheck} from '../../source/core/diagnosis.js';

// AWS's own message shapes (IAM User Guide, "Troubleshooting access denied error messages"; the Billing console).
const texts = {
	noIdentityPolicy:
		'An error occurred (AccessDeniedException) when calling the GetCostAndUsage operation: User: arn:aws:iam::123456789012:user/alice is not authorized to perform: ce:GetCostAndUsage on resource: arn:aws:ce:us-east-1:123456789012:/GetCostAndUsage because no identity-based policy allows the ce:GetCostAndUsage action',
	scp: 'User: arn:aws:sts::123456789012:assumed-role/Admin/alice is not authorized to perform: ce:DescribeReport on resource: arn:aws:ce:us-east-1:123456789012:/DescribeReport with an explicit deny in a service control policy',
	boundary:
		'User: arn:aws:iam::123456789012:user/bob is not authorized to perform: billing:GetBillingData on resource: * because no permissions boundary allows the billing:GetBillingData action',
	sessionPolicy:
		'User: arn:aws:sts::123456789012:assumed-role/Dev/carol is not authorized to perform: ce:GetCostAndUsage because no session policy allows the ce:GetCostAndUsage action',
	identityDeny:
		'User: arn:aws:iam::123456789012:user/dave is not authorized to perform: ce:GetCostAndUsage on resource: arn:aws:ce:us-east-1:123456789012:/GetCostAndUsage with an explicit deny in an identity-based policy',
	console:
		"You don't have permission to access billing information for this account. Contact your AWS administrator if you need help. If you are an AWS administrator, you can provide permissions for your users or groups by making sure that (1) this account allows IAM and federated users to access billing information and (2) you have the required IAM permissions.",
	costExplorer: "You don't have permission to perform ce:DescribeReport",
};

describe('parseDenial', () => {
	test('reads the action, the principal and the stated reason, across wrapped lines', () => {
		expect(parseDenial(texts.noIdentityPolicy)).toEqual({
			action: 'ce:GetCostAndUsage',
			principal: 'arn:aws:iam::123456789012:user/alice',
			reason: 'no-identity-allow',
			mentionsBillingSetting: false,
			statesNotActivated: false,
		});
		expect(parseDenial(texts.scp.replaceAll(' ', '\n  '))).toMatchObject({action: 'ce:DescribeReport', principal: 'arn:aws:sts::123456789012:assumed-role/Admin/alice', reason: 'service-control-policy'});
		expect(parseDenial(texts.costExplorer)).toEqual({action: 'ce:DescribeReport', mentionsBillingSetting: false, statesNotActivated: false});
		expect(parseDenial(texts.console)).toEqual({mentionsBillingSetting: true, statesNotActivated: false});
		expect(parseDenial('nothing to see here')).toEqual({mentionsBillingSetting: false, statesNotActivated: false});
	});
});

describe('diagnose', () => {
	test.each([
		['noIdentityPolicy', 'missing-permission'],
		['scp', 'service-control-policy'],
		['boundary', 'permissions-boundary'],
		['sessionPolicy', 'session-policy'],
		['identityDeny', 'explicit-deny'],
	] as const)('a stated reason decides (%s → %s), with no check needed', (text, cause) => {
		const diagnosis = diagnose(parseDenial(texts[text]));
		expect(diagnosis).toMatchObject({cause, basis: 'stated'});
		expect(diagnosis.next.length).toBeGreaterThan(0);
	});

	test('an SCP is never sent to the wizard: nothing in the account can lift it', () => {
		expect(diagnose(parseDenial(texts.scp)).next).toContain("organization's administrator");
	});

	const check = (allowed: string[], denied: string[] = []): PolicyCheck => ({
		principal: 'arn:aws:iam::123456789012:user/alice',
		access: {method: 'simulated', checked: ['ce:DescribeReport'], allowed, denied},
	});

	test('no stated reason: policies that allow the action leave the root-only setting as the cause', () => {
		expect(diagnose(parseDenial(texts.costExplorer), check(['ce:DescribeReport']))).toMatchObject({cause: 'billing-setting', basis: 'checked'});
	});

	test('no stated reason: policies that lack the action make it a missing permission, with the add-on named for ce:DescribeReport', () => {
		const diagnosis = diagnose(parseDenial(texts.costExplorer), check([]));
		expect(diagnosis).toMatchObject({cause: 'missing-permission', basis: 'checked'});
		expect(diagnosis.why).toContain("billing-setup's Cost Explorer add-on");
		expect(diagnose(parseDenial(texts.costExplorer), check([], ['ce:DescribeReport'])).cause).toBe('explicit-deny');
	});

	test('without a check, the console’s words point to the setting, and otherwise it says it cannot tell', () => {
		expect(diagnose(parseDenial(texts.console), undefined, 'no credentials')).toMatchObject({cause: 'billing-setting', basis: 'likely', checkSkipped: 'no credentials'});
		expect(diagnose(parseDenial(texts.costExplorer))).toMatchObject({cause: 'unclear', basis: 'likely'});
		const unknown = {...check([]), access: {method: 'unknown' as const, checked: ['ce:DescribeReport'], allowed: [], denied: [], reason: 'denied'}};
		expect(diagnose(parseDenial(texts.costExplorer), unknown).cause).toBe('unclear');
	});

	test('text with no action, reason or console words is unrecognised, whatever a check found', () => {
		const allowed = {principal: 'arn:aws:iam::123456789012:user/alice', access: {method: 'simulated' as const, checked: ['ce:DescribeReport'], allowed: ['ce:DescribeReport'], denied: []}};
		expect(diagnose(parseDenial('hello world'), allowed)).toMatchObject({cause: 'unrecognised'});
	});

	test('the setting’s steps name the partition’s console', () => {
		const china = diagnose(parseDenial(texts.console.concat(' User: arn:aws-cn:iam::123456789012:user/li is not authorized')));
		expect(china.next).toContain('console.amazonaws.cn');
		expect(china.next).toContain('an IAM user with administrator permissions');
	});
});
