/** Input rules, each returning a sentence for the user or undefined when the value is fine. */

export const roleNameRule = '1–64 characters: letters, digits and + = , . @ _ -';

export function roleNameProblem(name: string): string | undefined {
	if (name.length === 0) return 'Type a role name.';
	if (name.length > 64) return `Role names are at most 64 characters (this one has ${name.length}).`;
	const bad = [...name].find(character => !/[\w+=,.@-]/.test(character));
	if (bad !== undefined) return `“${bad}” is not allowed in a role name; use ${roleNameRule}.`;
	return undefined;
}

export const minSessionSeconds = 3600;
export const maxSessionSeconds = 43_200;

export function sessionSecondsProblem(seconds: number): string | undefined {
	if (!Number.isInteger(seconds) || seconds < minSessionSeconds || seconds > maxSessionSeconds) {
		return `Session duration must be a whole number of seconds from ${minSessionSeconds} to ${maxSessionSeconds} (1–12 hours).`;
	}
	return undefined;
}

export function accountIdProblem(accountId: string): string | undefined {
	return /^\d{12}$/.test(accountId) ? undefined : 'An AWS account ID is exactly 12 digits.';
}

const principalArnPattern = /^arn:aws(-cn|-us-gov)?:(iam|sts)::\d{12}:(root|user\/[\w+=,.@/-]+|role\/[\w+=,.@/-]+|assumed-role\/[\w+=,.@-]+\/[\w+=,.@-]+)$/;

export function principalArnProblem(arn: string): string | undefined {
	return principalArnPattern.test(arn)
		? undefined
		: `“${arn}” is not an IAM principal ARN (e.g. arn:aws:iam::123456789012:user/alice or …:role/Admin).`;
}
