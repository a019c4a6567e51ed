import {describe, expect, test} from 'vitest';
import {iniBlock, shellQuote} from '../../source/core/text.js';

describe('shellQuote: one word for the shell, whatever it holds', () => {
	test.each([
		['BillingAccess', 'BillingAccess'],
		['arn:aws:iam::123456789012:role/team/Billing+Ops@1', 'arn:aws:iam::123456789012:role/team/Billing+Ops@1'],
		['my prof;id', "'my prof;id'"],
		["it's", "'it'\\''s'"],
		['111111111111 $(touch x)', "'111111111111 $(touch x)'"],
		['', "''"],
		['a\nb', "'a\nb'"],
	])('%j → %s', (text, quoted) => {
		expect(shellQuote(text)).toBe(quoted);
	});

	test('the shell reads each back as the one word it was', async () => {
		const {execFileSync} = await import('node:child_process');
		for (const text of ["my prof;id's $(x) `y` \\ \"z\"", '*', '~/x', 'a\nb']) {
			expect(execFileSync('/bin/sh', ['-c', `printf %s ${shellQuote(text)}`], {encoding: 'utf8'})).toBe(text);
		}
	});
});

describe('iniBlock: ~/.aws/config lines, refused when a value would break its line', () => {
	test('plain lines are joined as they are', () => {
		expect(iniBlock(['[profile a]', 'region = us-east-1'])).toBe('[profile a]\nregion = us-east-1');
	});

	test.each(['\n', '\r', '\u001B[2J', '\u0085', '\u0000'])('a value holding %j is refused', character => {
		expect(() => iniBlock(['[profile a]', `mfa_serial = x${character}credential_process = sh`])).toThrow(/its mfa_serial holds a line break or control character/);
	});
});
