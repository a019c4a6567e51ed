/** The role settings, one question each. Every question opens on the current setting, so Enter keeps it. */
import {ConfirmInput} from '@inkjs/ui';
import {Choose} from '../components/choose.js';
import {Text, useIsScreenReaderEnabled} from 'ink';
import {useState} from 'react';
import {costExplorerAction} from '../../core/plan.js';
import {assigneeLabel, parseAssignee} from '../../core/identity-center.js';
import {targetOf} from '../../engine/target.js';
import {managedPolicyName, type AccessLevel, type Assignee, type RoleSettings, type Via} from '../../core/settings.js';
import {assigneeProblem, permissionSetNameProblem, policyArnProblem, principalArnProblem, roleNameProblem} from '../../core/validation.js';
import type {Problem} from '../../core/problem.js';
import {hours} from '../../core/text.js';
import type {WizardEvent} from '../../engine/wizard.js';
import type {PolicyCheck} from '../../engine/ports.js';
import {confirmHint, Question, selectHint, typeHint, Warning} from '../components/chrome.js';
import {LineInput} from '../components/line-input.js';
import {Paragraph} from '../components/paragraph.js';
import {PrincipalPicker, pickerRows} from '../components/principal-picker.js';
import type {Identity} from '../../core/principal.js';
import {theme} from '../theme.js';

type Send = (event: WizardEvent) => void;
type Option = {label: string; value: string};

/** @inkjs/ui's Select starts on its first option, so the current value goes first. */
export function currentFirst(options: Option[], value: string): Option[] {
	return [...options].sort((a, b) => Number(b.value === value) - Number(a.value === value));
}

function InputProblem({problem}: {problem: string | undefined}) {
	return problem ? <Text color={theme.error}>{problem}</Text> : null;
}

/** The role's name, or the permission set's: the same question with each one's rules. */
const nameQuestions = {
	role: {prompt: 'Role name', about: 'People switch to this role to see billing. Letters, digits and + = , . @ _ - (up to 64).', problem: roleNameProblem},
	'identity-center': {
		prompt: 'Permission set name',
		about: 'People choose it at the AWS access portal to see billing. Letters, digits and + = , . @ _ - (up to 32).',
		problem: permissionSetNameProblem,
	},
} as const;

export function RoleNameScreen({settings, notice, onAnswer}: {settings: RoleSettings; notice?: string; onAnswer: Send}) {
	const [problem, setProblem] = useState<string>();
	const question = nameQuestions[settings.via];
	const current = targetOf(settings).name(settings);
	return (
		<Question prompt={question.prompt} hint={typeHint}>
			{notice && <Warning>{notice}</Warning>}
			<Paragraph color={theme.muted} parts={[question.about]} />
			<LineInput
				defaultValue={notice ? '' : current}
				placeholder={current}
				onChange={value => setProblem(value === '' ? undefined : question.problem(value))}
				onSubmit={value => {
					const name = value === '' && !notice ? current : value;
					const reason = question.problem(name);
					setProblem(reason);
					if (!reason) onAnswer({type: 'role-name-entered', roleName: name});
				}}
			/>
			<InputProblem problem={problem} />
		</Question>
	);
}

export function AccessScreen({settings, onAnswer}: {settings: RoleSettings; onAnswer: Send}) {
	const options = [
		{label: `Full: view and manage billing (${managedPolicyName.full})`, value: 'full'},
		{label: `Read-only: view billing only (${managedPolicyName['read-only']})`, value: 'read-only'},
	];
	return (
		<Question prompt={`What may the ${targetOf(settings).noun} do?`} hint={selectHint}>
			<Choose options={currentFirst(options, settings.access)} onChange={value => onAnswer({type: 'access-chosen', access: value as AccessLevel})} />
		</Question>
	);
}

export function CostExplorerScreen({settings, check, onAnswer}: {settings: RoleSettings; check?: PolicyCheck; onAnswer: Send}) {
	const policy = managedPolicyName[settings.access];
	return (
		<Question prompt="Add Cost Explorer reports (ce:Describe*, ce:Get*, ce:List*)?" hint={confirmHint}>
			{check && !check.grantsDescribeReport ? (
				<Paragraph
					parts={[`${policy} does not grant `, {text: costExplorerAction, bold: true}, ' (read from IAM just now): the action in the “You don’t have permission” error. A small inline policy closes that gap.']}
				/>
			) : (
				<Paragraph parts={[`${policy} already grants ${costExplorerAction}; the add-on is harmless but not needed.`]} />
			)}
			<ConfirmInput
				defaultChoice={settings.costExplorer ? 'confirm' : 'cancel'}
				onConfirm={() => onAnswer({type: 'cost-explorer-answered', enabled: true})}
				onCancel={() => onAnswer({type: 'cost-explorer-answered', enabled: false})}
			/>
		</Question>
	);
}

export function TrustScreen({settings, notice, onAnswer}: {settings: RoleSettings; notice?: string; onAnswer: Send}) {
	const options = [
		{label: 'Anyone in this account whose own IAM permissions allow it (recommended)', value: 'account'},
		{label: 'Only IAM users or roles I choose', value: 'principals'},
	];
	return (
		<Question prompt="Who may switch to the role?" hint={selectHint}>
			{notice && <Warning>{notice}</Warning>}
			<Choose
				options={currentFirst(options, settings.trust.kind)}
				onChange={value => onAnswer({type: 'trust-chosen', trust: value as 'account' | 'principals'})}
			/>
		</Question>
	);
}

export function PrincipalsScreen({
	settings,
	choices,
	complete,
	identity,
	exclude,
	onAnswer,
}: {
	settings: RoleSettings;
	choices: string[];
	/** False when IAM has more users and roles than the list holds. */
	complete: boolean;
	identity: Identity;
	/** The role being set up: trusting itself is never what is meant. */
	exclude: string;
	onAnswer: Send;
}) {
	const chosen = settings.trust.kind === 'principals' ? settings.trust.arns : [];
	// A checklist is hard to follow by ear: with a screen reader the ARNs are typed.
	const spoken = useIsScreenReaderEnabled();
	const [typing, setTyping] = useState(choices.length === 0 || spoken);
	const [problem, setProblem] = useState<string>();
	if (typing) {
		const submit = (text: string) => {
			const arns = text.split(',').map(arn => arn.trim()).filter(Boolean);
			const reason = arns.length === 0 ? 'Type at least one ARN.' : arns.map(principalArnProblem).find(Boolean);
			setProblem(reason);
			if (!reason) onAnswer({type: 'principals-chosen', arns});
		};
		return (
			<Question prompt="IAM user or role ARNs that may switch to the role (comma-separated)" hint={typeHint}>
				<LineInput defaultValue={chosen.join(', ')} placeholder="arn:aws:iam::123456789012:user/alice" onSubmit={submit} />
				<InputProblem problem={problem} />
			</Question>
		);
	}
	const rows = pickerRows(choices, chosen, {accountId: identity.accountId, callerArns: [identity.arn, identity.roleArn ?? ''], exclude});
	return (
		<Question prompt="Choose who may switch to the role" hint="Type to filter, ↑/↓ to move, Space to tick, Enter to confirm, Tab to type ARNs, Esc to go back">
			{!complete && <Warning>{`IAM has more users and roles than the ${choices.length} listed here: if one is missing, press Tab and type its ARN.`}</Warning>}
			<PrincipalPicker rows={rows} initial={chosen} typed="ARNs" onSubmit={arns => onAnswer({type: 'principals-chosen', arns})} onTypeInstead={() => setTyping(true)} />
		</Question>
	);
}

export function MfaScreen({settings, onAnswer}: {settings: RoleSettings; onAnswer: Send}) {
	return (
		<Question prompt="Require MFA to switch to the role?" hint={confirmHint}>
			<Paragraph color={theme.muted} parts={['Recommended if everyone who will switch has an MFA device; anyone without one would be locked out.']} />
			<ConfirmInput
				defaultChoice={settings.requireMfa ? 'confirm' : 'cancel'}
				onConfirm={() => onAnswer({type: 'mfa-answered', requireMfa: true})}
				onCancel={() => onAnswer({type: 'mfa-answered', requireMfa: false})}
			/>
		</Question>
	);
}

/** CreateRole was denied: offer the one fix the tool can make, a permissions boundary the organisation requires. */
export function BoundaryScreen({problem, onAnswer, onGiveUp}: {problem?: Problem; onAnswer: Send; onGiveUp: () => void}) {
	const [reason, setReason] = useState<string>();
	return (
		<Question prompt="Does your organisation require a permissions boundary on new roles?" hint={`${typeHint}; empty Enter to stop here`}>
			{problem && <Warning>{problem.title}</Warning>}
			<Paragraph
				color={theme.muted}
				parts={['Many organisations allow iam:CreateRole only with their boundary policy attached. If yours does, type its ARN (your administrator knows it); otherwise leave it empty.']}
			/>
			<LineInput
				placeholder="arn:aws:iam::123456789012:policy/Boundary"
				onSubmit={value => {
					const policyArn = value.trim();
					if (policyArn === '') return onGiveUp();
					const problem = policyArnProblem(policyArn);
					setReason(problem);
					if (!problem) onAnswer({type: 'boundary-entered', policyArn});
				}}
			/>
			<InputProblem problem={reason} />
		</Question>
	);
}

const sessionHours = [1, 2, 4, 8, 12];

export function SessionScreen({settings, onAnswer}: {settings: RoleSettings; onAnswer: Send}) {
	// The current value first, so Enter keeps it.
	const seconds = [...new Set([settings.maxSessionSeconds, ...sessionHours.map(hour => hour * 3600)])];
	return (
		<Question prompt={`How long may one ${targetOf(settings).switchable ? 'switched ' : ''}session last?`} hint={selectHint}>
			<Choose
				options={seconds.map(value => ({label: hours(value), value: String(value)}))}
				visibleOptionCount={6}
				onChange={value => onAnswer({type: 'session-chosen', seconds: Number(value)})}
			/>
		</Question>
	);
}

/** Offered where Identity Center has people: how they get billing access. */
export function ViaScreen({settings, people, onAnswer}: {settings: RoleSettings; people: number; onAnswer: Send}) {
	const options = [
		{label: 'An IAM Identity Center permission set for groups and users', value: 'identity-center'},
		{label: 'An IAM role that IAM users and roles switch to', value: 'role'},
	];
	return (
		<Question prompt="How should people get billing access?" hint={selectHint}>
			<Paragraph
				color={theme.muted}
				parts={[`This account's IAM Identity Center has groups and users (${people} found): they sign in at the AWS access portal and choose a permission set. A role is for IAM users and roles to switch to.`]}
			/>
			<Choose options={currentFirst(options, settings.via)} onChange={value => onAnswer({type: 'via-chosen', via: value as Via})} />
		</Question>
	);
}

/** Who gets the permission set: groups and users of the identity store to tick, or typed as group:NAME, user:NAME. */
export function AssigneesScreen({settings, people, notice, onAnswer}: {settings: RoleSettings; people: Assignee[]; notice?: string; onAnswer: Send}) {
	const chosen = settings.assignees.map(assigneeLabel);
	// A checklist is hard to follow by ear: with a screen reader the names are typed.
	const spoken = useIsScreenReaderEnabled();
	const [typing, setTyping] = useState(people.length === 0 || spoken);
	const [problem, setProblem] = useState<string>();
	const answer = (labels: string[]) => onAnswer({type: 'assignees-chosen', assignees: labels.map(parseAssignee)});
	if (typing) {
		const submit = (text: string) => {
			const labels = text.split(',').map(label => label.trim()).filter(Boolean);
			const reason = labels.length === 0 ? 'Type at least one group:NAME or user:NAME.' : labels.map(assigneeProblem).find(Boolean);
			setProblem(reason);
			if (!reason) answer(labels);
		};
		return (
			<Question prompt="Who gets the permission set in this account? (group:NAME, user:NAME, comma-separated)" hint={typeHint}>
				{notice && <Warning>{notice}</Warning>}
				<LineInput defaultValue={chosen.join(', ')} placeholder="group:Finance, user:alice" onSubmit={submit} />
				<InputProblem problem={problem} />
			</Question>
		);
	}
	const rows = [...new Set([...chosen, ...people.map(assigneeLabel)])].map(label => ({arn: label, label}));
	return (
		<Question prompt="Choose who gets the permission set in this account" hint="Type to filter, ↑/↓ to move, Space to tick, Enter to confirm, Tab to type names, Esc to go back">
			{notice && <Warning>{notice}</Warning>}
			<PrincipalPicker rows={rows} initial={chosen} typed="names" onSubmit={answer} onTypeInstead={() => setTyping(true)} />
		</Question>
	);
}
