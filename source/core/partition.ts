/**
 * Where the account sits changes the advice. From AWS's own documentation (paraphrased):
 * - AWS GovCloud (US): all GovCloud activity, usage and payments are managed through the standard AWS
 *   account it is associated with, and cannot be viewed from the GovCloud console.
 *   https://docs.aws.amazon.com/govcloud-us/latest/UserGuide/usage-and-payment.html
 * - China (Beijing, Ningxia): there is no root user; every user is an IAM user, administrative IAM users
 *   may do what needs root elsewhere, and otherwise AWS Support does it. The console's domain is
 *   amazonaws.cn. https://docs.amazonaws.cn/en_us/aws/latest/userguide/iam.html,
 *   https://docs.amazonaws.cn/en_us/aws/latest/userguide/general-info.html
 */
import type {Partition} from './principal.js';
import type {Problem} from './problem.js';

export const consoleHost: Record<Partition, string> = {
	aws: 'console.aws.amazon.com',
	'aws-cn': 'console.amazonaws.cn',
	'aws-us-gov': 'console.amazonaws-us-gov.com',
};

export const signinHost: Record<Partition, string> = {
	aws: 'signin.aws.amazon.com',
	'aws-cn': 'signin.amazonaws.cn',
	'aws-us-gov': 'signin.amazonaws-us-gov.com',
};

/** The console page where IAM access to billing is switched on. */
export function accountSettingsUrl(partition: Partition): string {
	return `https://${consoleHost[partition]}/billing/home#/account`;
}

export interface ActivationProcedure {
	/** Why billing is refused, and who can change it. */
	why: string;
	/** Who signs in to do it. */
	who: string;
	steps: string[];
}

/** The one console-only step, as it is done in this partition. */
export function activationProcedure(partition: Partition): ActivationProcedure {
	const steps = [
		`Open ${accountSettingsUrl(partition)}`,
		'At “IAM User and Role Access to Billing Information”, choose Edit',
		'Tick “Activate IAM Access” and choose Update',
	];
	if (partition === 'aws-cn') {
		return {
			why: 'The China Regions have no root user: an IAM user with administrator permissions lets IAM users and roles see billing (if none can, AWS Support does it). That switch is in the console only:',
			who: 'an IAM user with administrator permissions',
			steps,
		};
	}
	return {
		why: 'Even an administrator is refused Billing and Cost Explorer until the root user lets IAM users and roles in. That switch is in the console only:',
		who: 'the root user',
		steps,
	};
}

/** Said wherever the step is shown: how billing-setup knows the setting, and only that. */
export const howTheSettingIsKnown =
	'No AWS API reads this setting, but Cost Explorer states it: while it is off, it refuses an IAM identity with “IAM user access not activated”.';

/**
 * Where Cost Explorer's API answers, per partition; none in GovCloud, whose billing lives in the associated
 * standard account. https://docs.aws.amazon.com/cost-management/latest/userguide/ce-api.html (us-east-1),
 * https://docs.amazonaws.cn/en_us/cost-management/latest/userguide/ce-api.html (cn-northwest-1).
 */
export const costExplorerRegion: Record<Partition, string | undefined> = {aws: 'us-east-1', 'aws-cn': 'cn-northwest-1', 'aws-us-gov': undefined};

/** The steps as a list, first who signs in (and where, when it is another account). */
export function activationSteps(partition: Partition, signIn = `Sign in as ${activationProcedure(partition).who}`): string[] {
	return [signIn, ...activationProcedure(partition).steps];
}

/** The whole step in one sentence, for warnings and advice. */
export function activationInOneLine(partition: Partition): string {
	return `As ${activationProcedure(partition).who}, open ${accountSettingsUrl(partition)} → “IAM User and Role Access to Billing Information” → Edit → Activate IAM Access → Update.`;
}

/** Why no billing role belongs in this partition, or undefined where one does. */
export function billingElsewhere(partition: Partition): Problem | undefined {
	if (partition !== 'aws-us-gov') return undefined;
	return {
		title: 'Billing for an AWS GovCloud (US) account lives in its associated standard AWS account.',
		why: 'All GovCloud activity, usage and payments are managed through the standard account it was paired with at sign-up, and cannot be viewed from the GovCloud console, so a billing role here could never show a bill. Nothing was created.',
		next: 'Run billing-setup with credentials of the associated standard account (partition aws), e.g. billing-setup --profile STANDARD-ACCOUNT-PROFILE.',
	};
}
