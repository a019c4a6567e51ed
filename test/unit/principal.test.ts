import {describe, expect, test} from 'vitest';
import {classifyCaller} from '../../source/core/principal.js';

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

	test('an assumed role carries its role ARN, for checking a trust policy; Identity Center keeps its reserved path', () => {
		expect(classifyCaller('arn:aws:sts::123456789012:assumed-role/Admin/alice', '123456789012').roleArn).toBe('arn:aws:iam::123456789012:role/Admin');
		expect(classifyCaller('arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Admin_1/alice', '123456789012').roleArn).toBe(
			'arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_1',
		);
	});

	test('an ARN it cannot read is unknown, not mistaken for a kind', () => {
		expect(classifyCaller('not-an-arn', '123456789012')).toMatchObject({kind: 'unknown', partition: 'aws'});
		expect(classifyCaller('arn:aws:sts::123456789012:user/moto', '123456789012').kind).toBe('unknown');
	});
});
