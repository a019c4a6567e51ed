/**
 * The wizard's role as a CloudFormation template, for many accounts at once (a StackSet) or for people who deploy
 * IAM through stacks. Built by the same roleDefinition the wizard writes from, with CloudFormation's placeholders
 * for the account and partition, so it deploys unchanged in any account.
 */
import {signinHost} from './partition.js';
import {roleDefinition, switchRoleUrlAt} from './plan.js';
import type {RoleSettings} from './settings.js';
import {shellQuote} from './text.js';

const accountPlaceholder = '${AWS::AccountId}';
const partitionPlaceholder = '${AWS::Partition}';
/**
 * The BillingSetupId of a stack-made role. No local record holds a stack's id, so the wizard sees the role as made
 * by billing-setup elsewhere: it reports it, and changes it only with the user's agreement (--adopt). That is right,
 * because the stack owns the role, and a change made outside the stack would be undone by the next stack update.
 */
const stackIdPlaceholder = '${AWS::StackId}';

export const roleLogicalId = 'BillingRole';
const signInHostMap = 'SignInHost';

/** The user's ARNs, fitted to whichever account the template is deployed to. */
function portable(settings: RoleSettings): RoleSettings {
	const inPartition = (arn: string) => arn.replace(/^arn:[\w-]+:/, `arn:${partitionPlaceholder}:`);
	return {
		...settings,
		// A trusted principal may be in another account (a central admin role), so its account stays as given; its
		// partition cannot differ from the role's, since IAM trusts no principal across partitions.
		...(settings.trust.kind === 'principals' && {trust: {kind: 'principals', arns: settings.trust.arns.map(inPartition)}}),
		// A permissions boundary is a policy of the role's own account (or AWS's): the same name in every account.
		...(settings.permissionsBoundary && {
			permissionsBoundary: inPartition(settings.permissionsBoundary).replace(/:iam::\d{12}:/, `:iam::${accountPlaceholder}:`),
		}),
	};
}

/** Every string naming a placeholder goes through Fn::Sub; validated input never holds `${` of its own. */
function substituted(value: unknown): unknown {
	if (typeof value === 'string') return value.includes('${AWS::') ? {'Fn::Sub': value} : value;
	if (Array.isArray(value)) return value.map(substituted);
	if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, substituted(entry)]));
	return value;
}

export function buildTemplate(settings: RoleSettings): Record<string, unknown> {
	const role = roleDefinition(accountPlaceholder, partitionPlaceholder, portable(settings), stackIdPlaceholder);
	const policies = Object.entries(role.inlinePolicies).map(([PolicyName, PolicyDocument]) => ({PolicyName, PolicyDocument}));
	return {
		AWSTemplateFormatVersion: '2010-09-09',
		Description: `The IAM role ${role.roleName}, for AWS Billing and Cost Explorer (made by billing-setup template)`,
		// The same sign-in hosts the wizard prints its URL with (core/partition.ts), keyed by partition.
		Mappings: {[signInHostMap]: Object.fromEntries(Object.entries(signinHost).map(([partition, host]) => [partition, {Host: host}]))},
		Resources: {
			[roleLogicalId]: {
				Type: 'AWS::IAM::Role',
				Properties: substituted({
					RoleName: role.roleName,
					Path: role.path,
					Description: role.description,
					AssumeRolePolicyDocument: role.trustPolicy,
					ManagedPolicyArns: [role.managedPolicyArn],
					...(policies.length > 0 && {Policies: policies}),
					...(role.permissionsBoundary && {PermissionsBoundary: role.permissionsBoundary}),
					MaxSessionDuration: role.maxSessionSeconds,
					Tags: role.tags,
				}),
			},
		},
		Outputs: {
			RoleArn: {Description: 'The role, for a profile’s role_arn', Value: {'Fn::GetAtt': [roleLogicalId, 'Arn']}},
			SwitchRoleUrl: {
				Description: 'Opens the console’s Switch Role page filled in for this role',
				Value: {
					'Fn::Sub': [
						switchRoleUrlAt('${Host}', accountPlaceholder, role.roleName, role.path),
						{Host: {'Fn::FindInMap': [signInHostMap, {Ref: 'AWS::Partition'}, 'Host']}},
					],
				},
			},
		},
	};
}

/** Stack set names take letters, digits and hyphens only; role names also allow +=,.@_ */
export function stackSetNameOf(roleName: string): string {
	return `billing-setup-${roleName.replaceAll(/[^A-Za-z\d-]/g, '-')}`;
}

/**
 * The AWS CLI commands that deploy the template to an organisation through a service-managed StackSet, and what
 * a StackSet cannot do, as a shell script whose notes are comments: it goes to stderr, so `> file` keeps the template whole.
 */
export function stackSetScript({roleName, format, profile, region = 'us-east-1'}: {roleName: string; format: string; profile?: string; region?: string}): string {
	const stackSetName = stackSetNameOf(roleName);
	const templateFile = `billing-setup-${roleName}.${format}`;
	const where = ` --region ${shellQuote(region)}${profile === undefined ? '' : ` --profile ${shellQuote(profile)}`}`;
	return `
# Deploy it to the accounts of an organisation with a service-managed StackSet. Save the template first: the
# same billing-setup command with > ${templateFile}
# Run these in the management account (or a delegated administrator, adding --call-as DELEGATED_ADMIN).
aws cloudformation activate-organizations-access${where}
aws cloudformation create-stack-set --stack-set-name ${stackSetName} \\
  --template-body ${shellQuote(`file://${templateFile}`)} \\
  --permission-model SERVICE_MANAGED \\
  --auto-deployment Enabled=true,RetainStacksOnAccountRemoval=false \\
  --capabilities CAPABILITY_NAMED_IAM${where}
# OU_ID: the organisation's root (r-…, from aws organizations list-roots) or an OU (ou-…). One region is
# enough: IAM is global, and a stack in a second region would fail on the role's name.
aws cloudformation create-stack-instances --stack-set-name ${stackSetName} \\
  --deployment-targets OrganizationalUnitIds=OU_ID \\
  --regions ${shellQuote(region)}${where}

# What a StackSet cannot do:
# - Service-managed StackSets never deploy to the management account: run billing-setup there.
# - "IAM user and role access to billing information" is a console-only setting of each account, and the
#   role shows no bill until it is on. Accounts created through Organizations have it on by default; invited
#   accounts keep their own, and their root user must activate it (billing-setup walks through it).
# - A member account's role sees only that account's costs, and Cost Explorer only once the management
#   account has enabled it for member accounts.
`;
}
