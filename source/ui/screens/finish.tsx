/** Review before any write, the wait while AWS works, and the result. */
import {ConfirmInput, Spinner} from '@inkjs/ui';
import {Choose} from '../components/choose.js';
import {Box, Text, useInput, useIsScreenReaderEnabled, useStdout} from 'ink';
import {useEffect, useState} from 'react';
import type {MadeView} from '../../made.js';
import {Paragraph} from '../components/paragraph.js';
import {printable} from '../../core/text.js';
import type {Partition} from '../../core/principal.js';
import {type EditableStep, type FinishedChoice, type WizardEvent} from '../../engine/wizard.js';
import type {Verification} from '../../engine/ports.js';
import type {RoleSettings} from '../../core/settings.js';
import {differenceLine, ownershipWords, verificationLines} from '../../present.js';
import {substantive, type RoleInspection} from '../../reconcile/role-resources.js';
import {confirmHint, firstSelectHint, Question, selectHint, Warning} from '../components/chrome.js';
import {theme} from '../theme.js';


/** What IAM has now and what applying the plan would change, one line each. */
export function LiveDifferences({inspection, where}: {inspection: RoleInspection; where: string}) {
	const differences = substantive(inspection.differences);
	const [place, what] = where.split(': ');
	return (
		<Box flexDirection="column">
			<Text>
				<Text bold>{place}:</Text> {what} {ownershipWords[inspection.ownership]}.
			</Text>
			{inspection.ownership !== 'absent' && differences.length === 0 && <Text color={theme.success}>No change: it matches your answers.</Text>}
			{differences.map(difference => (
					<Text key={difference.summary} color={difference.widening ? theme.warning : undefined}>
						{differenceLine(difference)}
					</Text>
			))}
		</Box>
	);
}

function reviewQuestion(inspection: RoleInspection | undefined): string {
	const changes = inspection ? substantive(inspection.differences).length : 1;
	if (!inspection || inspection.ownership === 'absent') return 'Create it now? (Nothing has been written to AWS yet.)';
	if (changes === 0) return 'Nothing to change. Go on to verify it?';
	if (inspection.ownership === 'elsewhere') return 'Take it over and make these changes now?';
	return 'Make these changes now?';
}

const stopChoice = 'stop';
const guardChoice = 'guard';

/**
 * A short summary that fits 80×24: every answer is a line that can be chosen to change it, then the
 * review comes back. The policies and AWS CLI commands open with d.
 */
export function ReviewScreen({
	view,
	settings,
	answers,
	then,
	inspection,
	notice,
	onAnswer,
}: {
	view: MadeView;
	settings: RoleSettings;
	/** The answers to change, in the transcript's words (engine/wizard.ts reviewAnswers). */
	answers: Array<{step: EditableStep; text: string}>;
	/** What follows the writes: the read-back, the switch and the paid request (present.ts afterTheWrites). */
	then?: string;
	inspection?: RoleInspection;
	notice?: string;
	onAnswer: (event: WizardEvent) => void;
}) {
	const {write} = useStdout();
	useInput(input => {
		// Written past Ink's layout, which would cut long commands and JSON lines at the terminal's width.
		if (input === 'd') write(`\n${view.details()}\n\n`);
		if (input === 'n') onAnswer({type: 'review-answered', create: false});
	});
	const guard = settings.access === 'full' ? `Guard: ${settings.guard ? 'on' : 'off'} (${settings.guard ? 'turn it off' : 'turn it on'})` : undefined;
	const options = [
		{label: 'Yes, go ahead', value: 'apply'},
		// The answers quote names from outside (Identity Center's groups and users).
		...answers.map(answer => ({label: printable(`Change · ${answer.text}`), value: answer.step})),
		...(guard ? [{label: `Change · ${guard}`, value: guardChoice}] : []),
		{label: 'No, stop here (resume later)', value: stopChoice},
	];
	return (
		<Box flexDirection="column">
			{notice && <Warning>{notice}</Warning>}
			<Text bold>{view.heading}</Text>
			{inspection && <LiveDifferences inspection={inspection} where={view.where} />}
			{then && substantive(inspection?.differences ?? []).length > 0 && <Paragraph color={theme.muted} parts={[then]} />}
			<Box marginTop={1}>
				<Question prompt={reviewQuestion(inspection)} hint={`${selectHint}; d prints the policies and AWS CLI commands`}>
					<Choose
						options={options}
						visibleOptionCount={options.length}
						onChange={value => {
							if (value === 'apply' || value === stopChoice) onAnswer({type: 'review-answered', create: value === 'apply'});
							else if (value === guardChoice) onAnswer({type: 'guard-toggled'});
							else onAnswer({type: 'edit-chosen', step: value as EditableStep});
						}}
					/>
				</Question>
			</Box>
		</Box>
	);
}

/** A finished setup run again: the live check, then what to do with it. */
/** `created`: what Remove deletes, every role and permission set this record created and has not removed. */
export function FinishedScreen({inspection, view, created: roles, onAnswer}: {inspection: RoleInspection; view: MadeView; created: string[]; onAnswer: (event: WizardEvent) => void}) {
	const [removing, setRemoving] = useState(false);
	const drifted = substantive(inspection.differences).length > 0;
	const options = [
		...(drifted ? [{label: 'Repair it: review these changes, then apply them', value: 'repair'}] : []),
		{label: view.switchable ? 'Show how to switch to it again' : 'Show how to sign in with it again', value: 'hand-off'},
		{label: 'Change its settings', value: 'change'},
		{label: 'Remove it (what this setup created)', value: 'remove'},
	];
	if (removing) {
		return (
			<Question prompt={`Delete ${roles.length === 1 ? `this ${view.noun}` : `these ${roles.length} ${view.noun}s`} and the policies on ${roles.length === 1 ? 'it' : 'them'}?`} hint={confirmHint}>
				{roles.map(arn => (
					<Text key={arn}>- {printable(arn)}</Text>
				))}
				<Paragraph color={theme.muted} parts={[`Only what this setup created; nothing goes while it carries grants added outside billing-setup.`]} />
				<ConfirmInput defaultChoice="cancel" onConfirm={() => onAnswer({type: 'finished-chosen', choice: 'remove'})} onCancel={() => setRemoving(false)} />
			</Question>
		);
	}
	return (
		<Box flexDirection="column">
			<LiveDifferences inspection={inspection} where={view.where} />
			<Box marginTop={1}>
				<Question prompt="This account's setup is finished. What now?" hint={firstSelectHint}>
					<Choose
						options={options}
						onChange={value => (value === 'remove' ? setRemoving(true) : onAnswer({type: 'finished-chosen', choice: value as FinishedChoice}))}
					/>
				</Question>
			</Box>
		</Box>
	);
}

/** A spinner with elapsed seconds: IAM can take half a minute before a new role can be assumed. */
export function Working({label}: {label: string}) {
	// A screen reader would announce every redraw: one line, said once.
	if (useIsScreenReaderEnabled()) return <Text aria-role="progressbar" aria-state={{busy: true}}>{`Working: ${label}`}</Text>;
	return <Spinning label={label} />;
}

function Spinning({label}: {label: string}) {
	const [started] = useState(() => Date.now());
	const [now, setNow] = useState(started);
	useEffect(() => {
		const timer = setInterval(() => setNow(Date.now()), 1000);
		return () => clearInterval(timer);
	}, []);
	const seconds = Math.floor((now - started) / 1000);
	return <Spinner label={seconds >= 2 ? `${label} (${seconds} s)` : label} />;
}

/** The verdict; how to use the role is printed after the wizard closes (see ui/run.tsx). */
/** `thisRun`: the verification was made by this run, not read back from an earlier one (a re-run's hand-off). */
export function DoneScreen({view, verification, partition, thisRun}: {view: MadeView; verification?: Verification; partition: Partition; thisRun: boolean}) {
	return (
		<Box flexDirection="column" marginTop={1}>
			<Text bold color={theme.success}>
				✔ {view.name} is ready.
			</Text>
			{verification &&
				verificationLines(verification, partition, thisRun).map(({ok, text}) =>
					ok ? (
						<Text key={text} color={theme.success}>
							✔ {text}
						</Text>
					) : (
						<Warning key={text}>{text}</Warning>
					),
				)}
		</Box>
	);
}
