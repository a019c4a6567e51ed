import {describe, expect, test} from 'vitest';
import {toYaml} from '../../source/core/yaml.js';

describe('toYaml', () => {
	test('writes mappings, sequences, sequences of mappings and nested sequences in block style', () => {
		expect(
			toYaml({
				Name: 'BillingAccess',
				Seconds: 3600,
				On: true,
				Nothing: null,
				Empty: {},
				None: [],
				List: ['a', {Key: 'ManagedBy', Value: 'billing-setup'}, ['x', 'z'], {Nested: {Deep: 1}, Next: 2}],
			}),
		).toMatchInlineSnapshot(`
			"Name: BillingAccess
			Seconds: 3600
			"On": true
			Nothing: null
			Empty: {}
			None: []
			List:
			  - a
			  - Key: ManagedBy
			    Value: billing-setup
			  - - x
			    - z
			  - Nested:
			      Deep: 1
			    Next: 2
			"
		`);
	});

	test.each([
		// Read unquoted, each would be a date, number, boolean, null, alias, anchor, tag, directive, comment or key.
		'2012-10-17', '3600', '0x1F', '1e3', '.5', 'yes', 'No', 'ON', 'off', 'y', 'true', 'False', 'null', '~', '*', '*x', '&a', '!Ref', '%x', '@x', '`x',
		'-x', '- x', '? x', 'a: b', 'a #b', 'key:', '', ' leading', 'trailing ', 'two words', '${AWS::Partition}', 'ce:Get*', '"q"', "'q'", '[x]', '{x}', 'a|b', 'a>b',
		'line\nbreak', 'tab\there', 'back\\slash',
	])('%j is double-quoted, exactly as a JSON string', text => {
		expect(toYaml({k: text})).toBe(`k: ${JSON.stringify(text)}\n`);
		expect(toYaml([text])).toBe(`- ${JSON.stringify(text)}\n`);
	});

	test.each(['sts:AssumeRole', 'AWS::IAM::Role', 'Fn::Sub', '/team/finance/', 'billing-setup', 'aws-us-gov', 'signin.aws.amazon.com', 'A+b=c,d.e@f_g-h', 'aws:MultiFactorAuthPresent'])(
		'%j stays plain',
		text => {
			expect(toYaml({[text]: text})).toBe(`${text}: ${text}\n`);
		},
	);

	test('keys are quoted by the same rule as values', () => {
		expect(toYaml({'2012-10-17': 'v', 'a b': 'v', yes: 'v'})).toBe('"2012-10-17": v\n"a b": v\n"yes": v\n');
	});

	test('a scalar or empty document is one line', () => {
		expect(toYaml('x')).toBe('x\n');
		expect(toYaml({})).toBe('{}\n');
		expect(toYaml([])).toBe('[]\n');
	});

	test('refuses what JSON data cannot hold rather than writing something else', () => {
		expect(() => toYaml({a: undefined})).toThrow(/Only JSON data/);
		expect(() => toYaml({a: Number.NaN})).toThrow(/Only JSON data/);
		expect(() => toYaml([() => 1])).toThrow(/Only JSON data/);
	});
});
