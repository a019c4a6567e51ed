/** Review before any write, the wait while AWS works, and the result. */
import {ConfirmInput, Spinner} from '@inkjs/ui';
import {Box, Text} from 'ink';
import {useEffect, useState} from 'react';
import type {Plan} from '../../core/plan.js';
import type {Verification, WizardEvent} from '../../engine/wizard.js';
import {confirmHint, Question, Warning} from '../components/chrome.js';
import {theme} from '../theme.js';

const json = (value: unknown) => JSON.stringify(value, null, 2);

export function ReviewScreen({plan, onAnswer}: {plan: Plan; onAnswer: (event: WizardEvent) => void}) {
	return (
		<Box flexDirection="column">
			<Text>
				Role <Text bold>{plan.roleArn}</Text>, sessions up to {plan.maxSessionSeconds / 3600} h
			</Text>
			<Text bold>Trust policy (who may switch to it)</Text>
			<Text color={theme.muted}>{json(plan.trustPolicy)}</Text>
			<Text>
				<Text bold>Managed policy </Text>
				{plan.managedPolicyArn}
			</Text>
			{plan.costExplorerPolicy && (
				<>
					<Text bold>Inline policy for Cost Explorer</Text>
					<Text color={theme.muted}>{json(plan.costExplorerPolicy)}</Text>
				</>
			)}
			<Text bold>The same with the AWS CLI</Text>
			{plan.cliCommands.map(command => (
				<Text key={command} color={theme.muted}>
					{command}
				</Text>
			))}
			<Box marginTop={1}>
				<Question prompt="Create it now? (Nothing has been written to AWS yet.)" hint={confirmHint}>
					<ConfirmInput
						onConfirm={() => onAnswer({type: 'review-answered', create: true})}
						onCancel={() => onAnswer({type: 'review-answered', create: false})}
					/>
				</Question>
			</Box>
		</Box>
	);
}

/** A spinner with elapsed seconds: IAM can take half a minute before a new role can be assumed. */
export function Working({label}: {label: string}) {
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
export function DoneScreen({plan, verification}: {plan: Plan; verification?: Verification}) {
	return (
		<Box flexDirection="column" marginTop={1}>
			<Text bold color={theme.success}>
				✔ {plan.roleName} is ready.
			</Text>
			{verification?.assumedAs && <Text>Verified: switched to it as {verification.assumedAs}</Text>}
			{verification?.assumeSkipped && <Warning>Switch check skipped: {verification.assumeSkipped}.</Warning>}
		</Box>
	);
}
