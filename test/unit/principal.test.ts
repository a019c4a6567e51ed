import {describe, expect, test} from 'vitest';
import {classifyCaller, trustableArn} from '../../source/core/principal.js';

describe('classifyCaller', () => {
	test.each([
		['arn:aws:iam::123456789012:root', 'root', 'aws', 'root user'],
		['arn:aws:iam::123456789012:user/alice', 'iam-user', 'aws', 'alice'],
		['arn:aws:iam::123456789012:user/team/ops/bob', 'iam-user', 'aws', 'bob'],
		['arn:aws:sts::123456789012:assumed-role/Admin/alice', 'assumed-role', 'aws', 'Admin (session alice)'],
		[
			'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_AdministratorAccess_0123abcd/alice@example.com',
			'identity-center',
			'aws',
			'AWSReservedSSO_AdministratorAccess_0123abcd (session alice@example.com)',
		],
		['arn:aws:sts::123456789012:federated-user/carol', 'federated-user', 'aws', 'carol'],
		['arn:aws-cn:iam::123456789012:user/dan', 'iam-user', 'aws-cn', 'dan'],
		['arn:aws-us-gov:sts::123456789012:assumed-role/Ops/erin', 'assumed-role', 'aws-us-gov', 'Ops (session erin)'],
		['arn:aws-us-gov:iam::123456789012:root', 'root', 'aws-us-gov', 'root user'],
	])('%s is a %s in %s', (arn, kind, partition, name) => {
		const identity = classifyCaller(arn, '123456789012');
		expect(identity).toMatchObject({kind, partition, name, accountId: '123456789012', arn});
	});

	test('an ARN it cannot read is unknown, not mistaken for a kind', () => {
		expect(classifyCaller('not-an-arn', '123456789012')).toMatchObject({kind: 'unknown', partition: 'aws'});
		expect(classifyCaller('arn:aws:sts::123456789012:user/moto', '123456789012').kind).toBe('unknown');
	});
});

describe('trustableArn', () => {
	test('an assumed role is trusted by its role ARN, not its session ARN', () => {
		const identity = classifyCaller('arn:aws:sts::123456789012:assumed-role/Admin/alice', '123456789012');
		expect(trustableArn(identity)).toBe('arn:aws:iam::123456789012:role/Admin');
	});

	test('Identity Center roles keep their reserved path', () => {
		const identity = classifyCaller('arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Admin_1/alice', '123456789012');
		expect(trustableArn(identity)).toBe('arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_1');
	});

	test('an IAM user is trusted by its own ARN; root and federated users have none', () => {
		expect(trustableArn(classifyCaller('arn:aws:iam::123456789012:user/alice', '123456789012'))).toBe('arn:aws:iam::123456789012:user/alice');
		expect(trustableArn(classifyCaller('arn:aws:iam::123456789012:root', '123456789012'))).toBeUndefined();
		expect(trustableArn(classifyCaller('arn:aws:sts::123456789012:federated-user/carol', '123456789012'))).toBeUndefined();
	});
});
