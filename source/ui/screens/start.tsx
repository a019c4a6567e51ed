/** Identity, resume and root activation: the screens before any setting is chosen. */
import {Choose} from '../components/choose.js';
import {Box, Text, useStdout} from 'ink';
import {useEffect} from 'react';
import {Paragraph} from '../components/paragraph.js';
import {accountSettingsUrl, activationProcedure} from '../../core/partition.js';
import {callerNotes, principalKindLabel, type Identity} from '../../core/principal.js';
import {steps, type SavedSetup, type WizardEvent} from '../../engine/wizard.js';
import {firstSelectHint, Question, Warning} from '../components/chrome.js';
import {theme} from '../theme.js';

export function IdentityDetails({identity}: {identity: Identity}) {
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
			<Text color={theme.muted}>{identity.arn}</Text>
			{callerNotes(identity).length > 0 && (
				<Box flexDirection="column" marginTop={1}>
					{callerNotes(identity).map(note => (
						<Warning key={note}>{note}</Warning>
					))}
				</Box>
			)}
		</Box>
	);
}

export function ResumeScreen({saved, onAnswer}: {saved: SavedSetup; onAnswer: (event: WizardEvent) => void}) {
	const written = saved.changes.length === 0 ? 'nothing written to AWS yet' : `${saved.changes.length} change(s) already made in AWS`;
	return (
		<Question prompt="An unfinished setup was saved for this account." hint={firstSelectHint}>
			<Text color={theme.muted}>
				Role {saved.settings.roleName}, stopped at {steps[saved.step].section} on {saved.updatedAt}; {written}.
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

export function ActivationScreen({identity, onAnswer}: {identity: Identity; onAnswer: (event: WizardEvent) => void}) {
	const answer = (value: string) => {
		const at = new Date().toISOString();
		onAnswer({type: 'activation-answered', answer: value as 'confirmed' | 'not-yet' | 'stop', at});
	};
	const url = accountSettingsUrl(identity.partition);
	const procedure = activationProcedure(identity.partition);
	const {write} = useStdout();
	// Written past Ink's layout, which would cut the URL into indented pieces a terminal cannot rejoin.
	useEffect(() => write(`The account settings page:\n${url}\n`), [write, url]);
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
			<Paragraph color={theme.muted} parts={['No AWS API can read or change this setting, so billing-setup cannot check it: only you know.']} />
			<Question prompt="Is IAM access to billing activated?" hint={firstSelectHint}>
				<Choose
					options={[
						{label: 'Not yet, or not sure: create the role anyway (you will get a reminder)', value: 'not-yet'},
						{label: 'Yes, it is activated', value: 'confirmed'},
						{label: 'Stop here and resume later', value: 'stop'},
					]}
					onChange={answer}
				/>
			</Question>
		</Box>
	);
}
