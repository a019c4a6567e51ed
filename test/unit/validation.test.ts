import {describe, expect, test} from 'vitest';
import {accountIdProblem, assigneeProblem, mfaSerialProblem, principalArnProblem, roleNameProblem, sessionSecondsProblem} from '../../source/core/validation.js';

describe('roleNameProblem', () => {
	test.each(['BillingAccess', 'a', 'x'.repeat(64), 'Team+Billing=1,2.3@corp_-x'])('accepts %s', name => {
		expect(roleNameProblem(name)).toBeUndefined();
	});

	test('rejects an empty name', () => expect(roleNameProblem('')).toMatch(/Type a role name/));
	test('rejects 65 characters and says how many there are', () => expect(roleNameProblem('x'.repeat(65))).toMatch(/at most 64.*65/));
	test.each([' ', '/', '!', '*', 'é', ':', '#'])('rejects the character %j and names it', character => {
		expect(roleNameProblem(`Billing${character}Access`)).toContain(`“${character}” is not allowed`);
	});
});

describe('sessionSecondsProblem', () => {
	test.each([3600, 7200, 43_200])('accepts %i', seconds => expect(sessionSecondsProblem(seconds)).toBeUndefined());
	test.each([0, 3599, 43_201, 3600.5])('rejects %d', seconds => expect(sessionSecondsProblem(seconds)).toMatch(/3600 to 43200/));
});

describe('accountIdProblem and principalArnProblem', () => {
	test('an account id is exactly 12 digits', () => {
		expect(accountIdProblem('123456789012')).toBeUndefined();
		expect(accountIdProblem('12345678901')).toBeDefined();
		expect(accountIdProblem('12345678901a')).toBeDefined();
	});

	test.each([
		'arn:aws:iam::123456789012:root',
		'arn:aws:iam::123456789012:user/alice',
		'arn:aws:iam::123456789012:role/path/Admin',
		'arn:aws-cn:iam::123456789012:role/Admin',
	])('accepts the principal %s', arn => expect(principalArnProblem(arn)).toBeUndefined());

	test.each(['*', 'arn:aws:iam::*:root', 'arn:aws:s3:::bucket', 'arn:aws:iam::123:user/alice', 'alice'])('rejects %s', arn => {
		expect(principalArnProblem(arn)).toMatch(/not an IAM principal ARN/);
	});
});

describe('assigneeProblem', () => {
	test('takes any name an identity store has, spaces and symbols included', () => expect(assigneeProblem('group:Finance & Ops (EU)')).toBeUndefined());
	test('refuses a name with control characters, which would be printed and saved', () => {
		expect(assigneeProblem('group:Fin\u001B]0;pwned\u0007')).toBe('The name after group: holds control characters; billing-setup cannot assign it.');
	});
});

describe('mfaSerialProblem', () => {
	test('takes an IAM MFA device ARN', () => expect(mfaSerialProblem('arn:aws:iam::123456789012:mfa/alice-phone')).toBeUndefined());
	test.each(['arn:aws:iam::123456789012:user/alice', 'arn:aws:iam::123456789012:mfa/a\n[profile default]'])('refuses %j', serial => {
		expect(mfaSerialProblem(serial)).toMatch(/is not an IAM MFA device ARN/);
	});
});
