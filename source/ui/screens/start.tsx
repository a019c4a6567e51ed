/** Identity, resume and root activation: the screens before any setting is chosen. */
import {Choose} from '../components/choose.js';
import {Box, Text, useStdout} from 'ink';
import {useEffect} from 'react';
import {Paragraph} from '../components/paragraph.js';
import {accountNotes, callerHasBilling, type AccountContext} from '../../core/account.js';
import {billingAccessLine, billingAccessNext, checkPrice, type BillingAccessCheck} from '../../core/billing-access.js';
import {accountSettingsUrl, activationProcedure, howTheSettingIsKnown} from '../../core/partition.js';
import {callerNotes, principalKindLabel, type Identity} from '../../core/principal.js';
import {steps, type ActivationChoice, type ActivationOffChoice, type BillingOpenChoice, type SavedSetup, type WizardEvent} from '../../engine/wizard.js';
import {printable} from '../../core/text.js';
import {defaultSettings} from '../../core/settings.js';
import {targetOf} from '../../engine/target.js';
import {timeAgo} from '../../spinner.js';
import {firstSelectHint, Question, Warning} from '../components/chrome.js';
import {theme} from '../theme.js';

export function IdentityDetails({identity, account}: {identity: Identity; account?: AccountContext}) {
	return (
		<Box flexDirection="column">
			<Text>
				{identity.kind === 'unknown' ? (
					'You are signed in to'
				) : (
					<>
						You are the <Text bold>{principalKindLabel[identity.kind]}</Text>
						{identity.kind === 'root' ? '' : ` ${identity.name}`} in
					</>
				)}{' '}
				account <Text bold>{identity.accountId}</Text> ({identity.partition})
			</Text>
			{/* A user's ARN says no more than the line above; a role session's names the role and the session. */}
			{identity.kind !== 'iam-user' && <Text color={theme.muted}>{identity.arn}</Text>}
			{callerNotes(identity).length > 0 && (
				<Box flexDirection="column" marginTop={1}>
					{callerNotes(identity).map(note => (
						<Warning key={note}>{note}</Warning>
					))}
				</Box>
			)}
			{accountNotes(account, identity.kind).length > 0 && (
				<Box flexDirection="column" marginTop={1}>
					{accountNotes(account, identity.kind).map(note => (
						<Paragraph key={note} parts={[note]} />
					))}
				</Box>
			)}
		</Box>
	);
}

export function ResumeScreen({saved, onAnswer}: {saved: SavedSetup; onAnswer: (event: WizardEvent) => void}) {
	const written = saved.changes.length === 0 ? 'nothing written to AWS yet' : `${saved.changes.length} change(s) already made in AWS`;
	const settings = {...defaultSettings, ...saved.settings};
	const {noun} = targetOf(settings);
	const name = targetOf(settings).name(settings);
	return (
		<Question prompt="An unfinished setup was saved for this account." hint={firstSelectHint}>
			<Text color={theme.muted}>
				The {noun} {name}, stopped at {steps[saved.step].title} {timeAgo(saved.updatedAt)}; {written}.
			</Text>
			<Choose
				options={[
					{label: 'Resume where it stopped', value: 'resume'},
					{label: 'Start over (the saved answers are forgotten; nothing in AWS is removed)', value: 'restart'},
				]}
				onChange={value => onAnswer({type: 'resume-answered', resume: value === 'resume'})}
			/>
		</Question>
	);
}

/** `checkable`: the caller's answer from Cost Explorer would state the setting, so the first choice asks AWS. */
export function ActivationScreen({identity, account, checkable, onAnswer}: {identity: Identity; account?: AccountContext; checkable: boolean; onAnswer: (event: WizardEvent) => void}) {
	const answer = (value: string) => {
		const at = new Date().toISOString();
		onAnswer({type: 'activation-answered', answer: value as ActivationChoice, at});
	};
	const url = accountSettingsUrl(identity.partition);
	const procedure = activationProcedure(identity.partition);
	const {write} = useStdout();
	// Written past Ink's layout, which would cut the URL into indented pieces a terminal cannot rejoin.
	useEffect(() => write(`Account settings page: ${url}\n`), [write, url]);
	const [, ...rest] = procedure.steps;
	return (
		<Box flexDirection="column">
			<Paragraph parts={[procedure.why]} />
			<Box flexDirection="column" marginLeft={2} marginY={1}>
				<Paragraph indent={2} parts={[`1. Sign in as ${procedure.who} and open the account settings page printed above`]} />
				{rest.map((step, index) => (
					<Paragraph key={step} indent={2} parts={[`${index + 2}. ${step}`]} />
				))}
			</Box>
			<Paragraph color={theme.muted} parts={[howTheSettingIsKnown]} />
			<Question prompt="Is IAM access to billing activated?" hint={firstSelectHint}>
				<Choose
					options={[
						...(checkable
							? [
									{label: `Done, or not sure: ask AWS now as you (${checkPrice})`, value: 'check'},
									{label: 'Not yet: create the role anyway (you will get a reminder)', value: 'not-yet'},
								]
							: [
									{label: 'Not yet, or not sure: create the role anyway (you will get a reminder)', value: 'not-yet'},
									{label: 'Yes, it is activated', value: 'confirmed'},
								]),
						{label: 'Stop here and resume later', value: 'stop'},
						// Only for a caller whose own policies open Billing: the role would be for others.
						...(callerHasBilling(account, identity.kind)
							? [{label: 'I only need Billing myself: end here, create no role', value: 'not-needed'}]
							: []),
					]}
					onChange={answer}
				/>
			</Question>
		</Box>
	);
}

/** AWS answered that the setting is off (the transcript above says so): check again, go on, or stop. */
export function ActivationOffScreen({check, partition, onAnswer}: {check: BillingAccessCheck; partition: Identity['partition']; onAnswer: (event: WizardEvent) => void}) {
	return (
		<Box flexDirection="column">
			<Paragraph parts={[billingAccessNext(check, partition)]} />
			<Question prompt="What now?" hint={firstSelectHint}>
				<Choose
					options={[
						{label: `Check again (${checkPrice})`, value: 'check'},
						{label: 'Go on and create the role (Billing stays closed until the root step)', value: 'go-on'},
						{label: 'Stop here and resume later', value: 'stop'},
					]}
					onChange={value => onAnswer({type: 'activation-off-answered', choice: value as ActivationOffChoice})}
				/>
			</Question>
		</Box>
	);
}

/** AWS answered the caller (the transcript above says what), whose own policies allow billing: a role is only for others. */
export function BillingOpenScreen({onAnswer}: {onAnswer: (event: WizardEvent) => void}) {
	return (
		<Box flexDirection="column">
			<Paragraph parts={['Your own policies allow billing, so Billing and Cost Explorer are open to you now. A role would only give others billing-only access.']} />
			<Question prompt="Anything else?" hint={firstSelectHint}>
				<Choose
					options={[
						{label: 'No: end here, with nothing written to AWS', value: 'done'},
						{label: 'Create a billing-only role for others too', value: 'role'},
					]}
					onChange={value => onAnswer({type: 'billing-open-answered', choice: value as BillingOpenChoice})}
				/>
			</Question>
		</Box>
	);
}

/** The end for a caller whose own policies allow billing: how to open it is printed after the wizard closes (ui/run.tsx). */
export function NotNeededScreen({check}: {check?: BillingAccessCheck}) {
	return (
		<Box flexDirection="column">
			<Text color={theme.success}>✔ Nothing was written to AWS.</Text>
			{check && check.state !== 'active' && <Warning>{printable(`${billingAccessLine(check)}.`)}</Warning>}
		</Box>
	);
}
