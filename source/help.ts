/** What the role is: the wizard's flags, and the template's. */
const roleFlags = `  --role-name NAME        role to create (default: BillingAccess)
  --access full|read-only Billing (default) or AWSBillingReadOnlyAccess
  --no-cost-explorer      skip the Cost Explorer (ce:DescribeReport) add-on
  --no-guard              skip the guard: an inline Deny on
                          billing:UpdateIAMAccessPreference, which Billing grants,
                          so no one who switches can turn IAM access to billing off
  --trust account|ARN,…   who may switch to the role: every principal of this
                          account allowed by its own IAM policies (default), or
                          only the listed IAM user/role ARNs
  --require-mfa           only allow switching with MFA
  --max-session SECONDS   role session length, 3600–43200 (default: 3600)
  --path PATH             IAM path for the role, e.g. /team/finance/ (default: /)
  --permissions-boundary ARN
                          a boundary policy your organisation requires on roles`;

const whatItDoes = `WHAT IT DOES
  1. Tells you who your credentials are (STS GetCallerIdentity).
  2. Walks you through the one step only the root user can do in the console:
     "IAM User and Role Access to Billing Information" → Activate. No API
     reads that setting, but Cost Explorer states it: while it is off, an IAM
     identity's GetCostAndUsage is refused with "IAM user access not
     activated". Where your own policies allow that request, the wizard offers
     to ask (one request, USD 0.01) and says what AWS answered.
  3. Reads the role from IAM, shows what would change, and on your word creates
     or changes it: the AWS managed Billing (or AWSBillingReadOnlyAccess)
     policy, plus an inline policy for the Cost Explorer reads (ce:DescribeReport)
     that neither managed policy grants, tagged ManagedBy=billing-setup and
     BillingSetupId=<this setup>. Grants added outside billing-setup are shown
     and removed only with your agreement.
  4. Verifies it (it must match exactly, then it switches to it and asks
     Cost Explorer as the role: one request, USD 0.01, whose answer says
     whether IAM access to billing is on), and prints
     the console switch-role URL and a ~/.aws/config profile that switches from
     the credentials this run used (a profile, environment keys, a container or
     an instance), with the region, the session length and your MFA device when
     MFA is required.
  Progress is saved after every step; run it again to resume. Run again on a
  finished setup to check it against IAM, repair, change or remove it.`;

/** The wizard's own flags: what it makes and how it runs. */
const setupFlags = `  --via role|identity-center
                          an IAM role people switch to (default), or an IAM
                          Identity Center permission set assigned to users and
                          groups; the wizard asks when Identity Center has people
  --permission-set NAME   with --via identity-center: its name (default:
                          BillingAccess; 1–32 of letters, digits, +=,.@_-)
  --assign user:NAME,group:NAME
                          with --via identity-center: who gets it in this account
                          (identity store user names and group display names)
  --accounts ID[,ID…]|all
                          with --via identity-center: assign it in these accounts
                          instead (all: every ACTIVE account of the organization);
                          run where its Identity Center instance lives (the
                          management account or a delegated administrator)
  --adopt                 with --yes: take over and change a billing role made by
                          billing-setup elsewhere (another machine, lost progress)
  --no-cost-check         make no paid request: the verification does not ask
                          Cost Explorer whether IAM access to billing is on
                          (one request, USD 0.01), so the result says "not
                          checked"
  --verify-timeout SECONDS  how long to wait for a new role to become
                          assumable (default: 120; IAM often needs 10–30 s)
  -y, --yes               no prompts: flags, then saved progress, then defaults.
                          The role is made whatever the root step's state; the
                          role's verification then asks Cost Explorer, and the
                          result says what it answered (rootActivation)
  --dry-run               print the plan (policies, AWS CLI commands); write nothing`;

export const helpText = `billing-setup — give IAM users and roles access to AWS Billing and Cost Explorer

USAGE
  billing-setup [setup] [flags]     the wizard (interactive unless --yes or --dry-run)
  billing-setup help [COMMAND]      this text, or one command's
  billing-setup status [--json]     saved setups, and the current account's role
                                    as IAM has it now (--offline: the file only)
  billing-setup status --handoff    the switch-role URL and profile block of the
                                    current account's finished setup, again
  billing-setup reset [--all]       forget saved progress (never changes AWS)
  billing-setup undo                delete the roles and permission sets this
                                    machine's setup created
  billing-setup diagnose [TEXT]     which cause of an AccessDenied applies, and
                                    what to do (the text as arguments, or piped)
  billing-setup template            the same role as a CloudFormation template,
                                    for StackSets (no AWS call, no credentials)
  billing-setup accounts [--json]   from a management account: each account of
                                    the organization, its billing role, and
                                    IAM access to billing there, as AWS answers

${whatItDoes}
FLAGS
  --profile NAME          AWS profile (default: AWS_PROFILE, then "default")
  --region REGION         region for STS (default: AWS_REGION or the profile's)
${roleFlags}
${setupFlags}
  --account ID            with --dry-run: plan for this account, no credentials needed;
                          with reset: forget that account without asking AWS
  --json                  with --yes, --dry-run, status, undo or accounts: one
                          JSON document on stdout, human text on stderr
  --all                   with reset: forget every account's progress
  --format json|yaml      with template: the template's format (default: json)
  --stackset              with template: also print, on stderr, the AWS CLI
                          commands that deploy it to an organisation
  --force                 with undo: also remove grants added outside billing-setup
  --access-role NAME      with accounts: the role assumed in member accounts to
                          read theirs (default: OrganizationAccountAccessRole)
  --offline               with status: only the progress file, no AWS call
  --handoff               with status: print the hand-off of the current
                          account's finished setup again
  --check                 with status: ask Cost Explorer now whether IAM
                          access to billing is on (one request, USD 0.01)
  --no-check              with accounts: do not ask Cost Explorer in each account
  --no-color              no colours (also NO_COLOR=1 or TERM=dumb)
  --screen-reader         linear output for screen readers: no spinners, each
                          choice said with its position (also INK_SCREEN_READER=true)
  -h, --help              this help
  -v, --version           the version

EXAMPLES
  npx billing-setup
  billing-setup --profile admin
  billing-setup --yes --role-name Finance --access read-only --json
  billing-setup --dry-run --account 123456789012
  billing-setup --via identity-center --assign group:Finance --yes --json
  billing-setup status --json
  billing-setup status --handoff --profile admin
  billing-setup undo --yes --role-name Finance
  billing-setup diagnose "User: arn:aws:iam::123456789012:user/alice is not authorized to perform: ce:DescribeReport …"
  pbpaste | billing-setup diagnose --json
  billing-setup template --format yaml --stackset > billing.yaml
  billing-setup accounts --profile management
  billing-setup --yes --path /team/finance/ --permissions-boundary \\
    arn:aws:iam::123456789012:policy/Boundary

EXIT CODES
  0 done   1 failed (AWS or environment)   2 usage error   130 interrupted   143 terminated (SIGTERM)

FILES
  Progress: $XDG_CONFIG_HOME/billing-setup/progress.json (~/.config/… by default),
  mode 0600. It holds settings and what was created, never credentials. One run at a time
  holds progress.lock beside it (status reads without it).
`;

const commonFlags = `  --profile NAME          AWS profile (default: AWS_PROFILE, then "default")
  --region REGION         region for STS (default: AWS_REGION or the profile's)
  --no-color              no colours (also NO_COLOR=1 or TERM=dumb)`;

/** `billing-setup help COMMAND` and `COMMAND --help`: one command's usage. The wizard's is the whole text. */
export const commandHelp = {
	setup: `billing-setup setup — the wizard: who you are, the root step, the role, verify, hand-off

USAGE
  billing-setup [setup] [flags]     interactive unless --yes or --dry-run

${whatItDoes}

FLAGS
${roleFlags}
${setupFlags}
  --account ID            with --dry-run: plan for this account, no credentials needed
  --json                  with --yes or --dry-run: one JSON document on stdout
${commonFlags}
`,
	status: `billing-setup status — saved setups, and the current account's role as IAM has it now

USAGE
  billing-setup status [--json] [--offline] [--check]
  billing-setup status --handoff [--json]

  Lists every saved setup in the progress file. With credentials, the current
  account's is marked and its role (or permission set) is read live: whether it
  exists, what differs from the setup's answers, and when it was verified.
  Each setup says the last check of IAM access to billing: when, as whom, and
  what Cost Explorer answered (on, off: "IAM user access not activated", or not
  known and why).

FLAGS
  --json                  one JSON document on stdout
  --offline               only the progress file, no AWS call
  --handoff               the current account's finished setup: read it live,
                          then print its switch-role URL and profile block (or
                          access portal and sso profile) again
  --check                 ask Cost Explorer now, as you, whether IAM access to
                          billing is on (one request, USD 0.01), and save it
${commonFlags}
`,
	reset: `billing-setup reset — forget saved progress (never changes AWS)

USAGE
  billing-setup reset [--all | --account ID] [--yes]

FLAGS
  --all                   every account's progress
  --account ID            that account, without asking AWS who you are
  -y, --yes               no [y/N] question
${commonFlags}
`,
	undo: `billing-setup undo — delete the roles and permission sets this machine's setup created

USAGE
  billing-setup undo [--role-name NAME] [--force] [--yes] [--json]

  Removes exactly what the local progress record says billing-setup created:
  every role of that record (a rename leaves two), with the policies on them,
  and a permission set with its policies and assignments.
  Nothing is removed while a role carries grants billing-setup did not make
  (unless --force) or sits in an instance profile; a role made by hand or by
  another machine is never removed.

FLAGS
  --role-name NAME        only this one of the record's roles
  --force                 also remove policies added outside billing-setup
  -y, --yes               no [y/N] question
  --json                  one JSON document on stdout, on failure too
${commonFlags}
`,
	diagnose: `billing-setup diagnose — which cause of a billing AccessDenied applies, and what to do

USAGE
  billing-setup diagnose [TEXT…] [--json]
  … | billing-setup diagnose

  Reads the error text (the arguments, else stdin; on a terminal, paste it and
  press Enter on an empty line). It picks out the action, the principal and the
  reason AWS gives. Where AWS names no reason, it checks the principal's own
  policies with your credentials (iam:SimulatePrincipalPolicy, else reading
  them), then answers which applies: the root-only setting is off, no policy
  allows the action, an SCP, a permissions boundary, a session policy, or an
  explicit Deny. The root-only setting cannot be read by any API: where the
  policies allow the action and Billing still refuses, that is what is left.

FLAGS
  --json                  one JSON document on stdout
${commonFlags}
`,
	template: `billing-setup template — the role as a CloudFormation template, for StackSets

USAGE
  billing-setup template [role flags] [--format json|yaml] [--stackset]

  Prints on stdout the AWS::IAM::Role the wizard would create for these flags
  (saved progress is not read): trust policy, managed policy, the Cost Explorer
  add-on and the guard, session length, path, boundary, tags ManagedBy and
  BillingSetupId (the stack's id). Every ARN uses \${AWS::Partition} and
  \${AWS::AccountId}, so it deploys unchanged in any account; outputs are the
  role's ARN and its switch-role URL. No AWS call, no credentials needed.
  Trusted ARNs (--trust) stay as given: the same principals in every account.
  A permissions boundary becomes the policy of that name in each account.

  Deploy it with CAPABILITY_NAMED_IAM. Change a stack's role through the stack:
  billing-setup sees it as made elsewhere and changes it only if you agree.

FLAGS
${roleFlags}
  --format json|yaml      json (default: any tool, and valid YAML too) or yaml
  --stackset              also print, on stderr, the AWS CLI commands that
                          deploy it to an organisation's accounts through a
                          service-managed StackSet, and what that cannot do
                          (the management account, root activation)
  --region REGION         with --stackset: its region (default: us-east-1)
  --profile NAME          with --stackset: put into the printed commands
`,
	accounts: `billing-setup accounts — each account of the organization, its billing role and its root-only setting

USAGE
  billing-setup accounts [role flags] [--access-role NAME] [--no-check] [--json]

  Run in an AWS Organizations management account. Lists every account
  (organizations:ListAccounts), the management account first: StackSets never
  deploy there, so run billing-setup there. For each account:
  - the billing role as IAM has it there, compared with the role flags (as
    for template; the defaults otherwise):
    in place, differs (each difference), absent, or cannot tell (which role
    was tried, and what to do). The management account is read with your
    credentials; member accounts through the access role, 4 at a time;
  - how many groups and users the Identity Center permission set
    (BillingAccess, or --permission-set) is assigned to there, when it exists;
  - IAM access to billing, as Cost Explorer answers there: one GetCostAndUsage
    request per account (USD 0.01 each; the total is said first), as the access
    role in members and as you here. "IAM user access not activated" means off.
    Where the answer says nothing of the setting (or with --no-check), how the
    account joined stands in: CREATED accounts have it on by default unless
    whoever created them chose DENY; INVITED accounts keep their own setting.
    The console steps are printed.
  Outside a management account it says where to run it, with exit 1.

FLAGS
${roleFlags}
  --via identity-center --permission-set NAME
                          the permission set to look for instead of BillingAccess
  --access-role NAME      the role to assume in member accounts (default:
                          OrganizationAccountAccessRole, which Organizations
                          creates in the accounts it creates)
  --no-check              do not ask Cost Explorer (no request, no cost)
  --json                  one JSON document on stdout
${commonFlags}
`,
} as const;
