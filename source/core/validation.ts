/** Input rules, each returning a sentence for the user or undefined when the value is fine. */

export const roleNameRule = '1–64 characters: letters, digits and + = , . @ _ -';
export const permissionSetNameRule = '1–32 characters: letters, digits and + = , . @ _ -';

/** IAM role names and permission set names follow the same rule, with different lengths. */
function iamNameProblem(what: string, rule: string, longest: number, name: string): string | undefined {
	if (name.length === 0) return `Type a ${what} name.`;
	if (name.length > longest) return `${what[0]!.toUpperCase()}${what.slice(1)} names are at most ${longest} characters (this one has ${name.length}).`;
	const bad = [...name].find(character => !/[\w+=,.@-]/.test(character));
	if (bad !== undefined) return `“${bad}” is not allowed in a ${what} name; use ${rule}.`;
	return undefined;
}

export const roleNameProblem = (name: string) => iamNameProblem('role', roleNameRule, 64, name);
export const permissionSetNameProblem = (name: string) => iamNameProblem('permission set', permissionSetNameRule, 32, name);

/** `user:NAME` or `group:NAME`, as --assign takes them: a user name, or a group's display name. */
export function assigneeProblem(text: string): string | undefined {
	const match = /^(user|group):(.+)$/.exec(text);
	if (!match) return `“${text}” is not user:NAME or group:NAME.`;
	if (match[2]!.length > 128) return `“${match[2]}” is longer than an identity store name may be (128 characters).`;
	// Such a name would be printed in the review and hand-off, and saved; billing-setup takes none.
	if (/[\u0000-\u001F\u007F-\u009F]/.test(match[2]!)) return `The name after ${match[1]}: holds control characters; billing-setup cannot assign it.`;
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

const partition = 'arn:aws(-cn|-us-gov)?';
const name = '[\\w+=,.@-]+';
/** A name under an optional path, with no empty segment (`user//x` is not a user). */
const pathedName = `(${name}/)*${name}`;
const principalArnPatterns = [
	new RegExp(`^${partition}:iam::\\d{12}:(root|user/${pathedName}|role/${pathedName})$`),
	// STS names only role sessions in a trust policy; users and roles are always iam ARNs.
	new RegExp(`^${partition}:sts::\\d{12}:assumed-role/${name}/${name}$`),
];

export function principalArnProblem(arn: string): string | undefined {
	return principalArnPatterns.some(pattern => pattern.test(arn))
		? undefined
		: `“${arn}” is not an IAM principal ARN (e.g. arn:aws:iam::123456789012:user/alice or …:role/Admin).`;
}

export function rolePathProblem(path: string): string | undefined {
	if (path.length > 512) return 'An IAM path is at most 512 characters.';
	return new RegExp(`^/(${pathedName}/)?$`).test(path)
		? undefined
		: `“${path}” is not an IAM path: it starts and ends with / (e.g. /team/finance/), with no empty part.`;
}

const policyArnPattern = /^arn:aws(-cn|-us-gov)?:iam::(\d{12}|aws):policy\/[\w+=,.@/-]+$/;

export function policyArnProblem(arn: string): string | undefined {
	return policyArnPattern.test(arn) ? undefined : `“${arn}” is not an IAM policy ARN (e.g. arn:aws:iam::123456789012:policy/Boundary).`;
}

/** What an ARN of one kind looks like, as a rule: the sentence names the kind and an example. */
function arnRule(pattern: RegExp, kind: string, example: string): (arn: string) => string | undefined {
	return arn => (pattern.test(arn) ? undefined : `“${arn}” is not ${kind} (e.g. ${example}).`);
}

export const iamUserArnProblem = arnRule(new RegExp(`^${partition}:iam::\\d{12}:user/${pathedName}$`), 'an IAM user ARN', 'arn:aws:iam::123456789012:user/alice');
export const mfaSerialProblem = arnRule(new RegExp(`^${partition}:iam::\\d{12}:mfa/${pathedName}$`), 'an IAM MFA device ARN', 'arn:aws:iam::123456789012:mfa/alice-phone');
export const assumedRoleArnProblem = arnRule(
	new RegExp(`^${partition}:sts::\\d{12}:assumed-role/${name}/${name}$`),
	'an assumed-role session ARN',
	'arn:aws:sts::123456789012:assumed-role/BillingAccess/billing-setup-verify',
);
/**
 * Every caller ARN GetCallerIdentity answers has this shape, in printable ASCII (IAM paths and names allow no more);
 * `account` is its group 3.
 */
export const callerArnPattern = /^arn:aws(-cn|-us-gov)?:(iam|sts)::(\d{12}):[\u0021-\u007E]+$/;
export const callerArnProblem = arnRule(callerArnPattern, 'a caller ARN', 'arn:aws:iam::123456789012:user/alice');
/** An organizational unit's id (`ou-ab12-cd34ef56`) or the root's (`r-ab12`), as Organizations writes them. */
const unitIdPattern = /^(?:ou-[0-9a-z]{4,32}-[0-9a-z]{8,32}|r-[0-9a-z]{4,32})$/;

export function unitIdProblem(id: string): string | undefined {
	return unitIdPattern.test(id) ? undefined : `“${id}” is not an OU id (e.g. ou-ab12-cd34ef56, or the root's r-ab12).`;
}

/** A StackSet's name (`billing-setup-BillingAccess`) or id (its name, a colon and CloudFormation's id for it). */
const stackSetPattern = /^[A-Za-z][-A-Za-z0-9]{0,127}(:[\w-]{1,64})?$/;

/** What a recorded write was made on: a role's or permission set's ARN, or the StackSet's name or id. */
export function madeOnProblem(on: string): string | undefined {
	return stackSetPattern.test(on) ? undefined : madeArnProblem(on);
}

/** A role's ARN, or a permission set's (what a verification names): `sso:::permissionSet/ssoins-…/ps-…`, the kind loosely. */
export const madeArnProblem = arnRule(
	new RegExp(`^${partition}:(iam::\\d{12}:role/${pathedName}|sso:::[\\w-]+/[\\w-]+/[\\w-]+)$`),
	'a role or permission set ARN',
	'arn:aws:iam::123456789012:role/BillingAccess',
);
