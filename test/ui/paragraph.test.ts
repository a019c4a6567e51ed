import {expect, test} from 'vitest';
import {wrapWords} from '../../source/ui/components/paragraph.js';

const text = (lines: ReturnType<typeof wrapWords>) => lines.map(line => line.map(part => part.text).join(''));

test('prose wraps at spaces, never starting a line with one, across styled parts', () => {
	const lines = text(wrapWords(['Even an administrator is refused Billing and Cost Explorer until the ', {text: 'root user', bold: true}, ' lets IAM users in.'], 40));
	expect(lines).toEqual(['Even an administrator is refused Billing', 'and Cost Explorer until the root user', 'lets IAM users in.']);
	for (const line of lines) expect(line.startsWith(' ')).toBe(false);
	for (const line of lines) expect(line.length).toBeLessThanOrEqual(40);
});

test('a word longer than the line stands alone rather than being cut', () => {
	expect(text(wrapWords(['open https://console.aws.amazon.com/billing/home#/account now'], 20))).toEqual(['open', 'https://console.aws.amazon.com/billing/home#/account', 'now']);
});
