export const helpText = `billing-setup — give IAM users and roles access to AWS Billing and Cost Explorer

USAGE
  billing-setup [setup] [flags]     the wizard (interactive unless --yes or --dry-run)
  billing-setup status [--json]     saved setups; the current account's is marked
  billing-setup status --handoff    the switch-role URL and profile block of the
                                    current account's finished setup, again
  billing-setup reset [--all]       forget saved progress (never changes AWS)
  billing-setup undo                delete the role billing-setup created

WHAT IT DOES
  1. Tells you who your credentials are (STS GetCallerIdentity).
  2. Walks you through the one step only the root user can do in the console:
     "IAM User and Role Access to Billing Information" → Activate. No API can
     read or change that setting, so billing-setup asks rather than checks.
  3. Creates a role with the AWS managed Billing (or AWSBillingReadOnlyAccess)
     policy, plus an inline policy for the Cost Explorer reads (ce:DescribeReport)
     that neither managed policy grants, tagged ManagedBy=billing-setup.
  4. Verifies it by switching to it, then prints the console switch-role URL
     and a ~/.aws/config profile that switches from the credentials this run
     used (a profile, environment keys, a container or an instance), with the
     region, the session length and your MFA device when MFA is required.
  Progress is saved after every step; run it again to resume.

FLAGS
  --profile NAME          AWS profile (default: AWS_PROFILE, then "default")
  --region REGION         region for STS (default: AWS_REGION or the profile's)
  --role-name NAME        role to create (default: BillingAccess)
  --access full|read-only Billing (default) or AWSBillingReadOnlyAccess
  --no-cost-explorer      skip the Cost Explorer (ce:DescribeReport) add-on
  --trust account|ARN,…   who may switch to the role: every principal of this
                          account allowed by its own IAM policies (default), or
                          only the listed IAM user/role ARNs
  --require-mfa           only allow switching with MFA
  --max-session SECONDS   role session length, 3600–43200 (default: 3600)
  --verify-timeout SECONDS  how long to wait for a new role to become
                          assumable (default: 120; IAM often needs 10–30 s)
  -y, --yes               no prompts: flags, then saved progress, then defaults.
                          The root step cannot be confirmed this way: it is
                          printed as a warning and recorded as unconfirmed.
  --dry-run               print the plan (policies, AWS CLI commands); write nothing
  --account ID            with --dry-run: plan for this account, no credentials needed;
                          with reset: forget that account without asking AWS
  --json                  with --yes, --dry-run, status or undo: one JSON document
                          on stdout, human text on stderr
  --all                   with reset: forget every account's progress
  --handoff               with status: print the hand-off of the current
                          account's finished setup again
  --no-color              no colours (also NO_COLOR=1 or TERM=dumb)
  -h, --help              this help
  -v, --version           the version

EXAMPLES
  npx billing-setup
  billing-setup --profile admin
  billing-setup --yes --role-name Finance --access read-only --json
  billing-setup --dry-run --account 123456789012
  billing-setup status --json
  billing-setup status --handoff --profile admin
  billing-setup undo --yes --role-name Finance

EXIT CODES
  0 done   1 failed (AWS or environment)   2 usage error   130 interrupted

FILES
  Progress: $XDG_CONFIG_HOME/billing-setup/progress.json (~/.config/… by default),
  mode 0600. It holds settings and what was created, never credentials.
`;
