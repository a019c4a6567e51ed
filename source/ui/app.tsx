/** The wizard: draws the session's state and sends the user's answers back. It never calls AWS. */
import {Box, Text, useApp, useInput} from 'ink';
import {useEffect, useSyncExternalStore} from 'react';
import {planFor, type WizardSession} from '../engine/session.js';
import {isFinalStep, sectionOf, sections, type WizardEvent, type WizardState} from '../engine/wizard.js';
import {Answered, Header, ProblemBox, Warning} from './components/chrome.js';
import {ActivationScreen, IdentityDetails, ResumeScreen} from './screens/start.js';
import {AccessScreen, BoundaryScreen, CostExplorerScreen, MfaScreen, PrincipalsScreen, RoleNameScreen, SessionScreen, TrustScreen} from './screens/settings.js';
import {DoneScreen, FinishedScreen, ReviewScreen, Working} from './screens/finish.js';
import {savedMessage} from '../present.js';
import {theme} from './theme.js';
import {trail} from './trail.js';
import {workingLabel} from './labels.js';



function CurrentStep({state, send}: {state: WizardState; send: (event: WizardEvent) => void}) {
	const {step, settings, identity} = state;
	switch (step) {
		case 'identity':
		case 'inspect-policy':
		case 'list-principals':
		case 'check-live':
		case 'inspect-role':
		case 'create':
		case 'verify':
		case 'remove':
			// Keyed by step: each wait counts its own seconds.
			return <Working key={step} label={workingLabel[step]} />;
		case 'finished':
			return state.inspection ? <FinishedScreen inspection={state.inspection} onAnswer={send} /> : null;
		case 'resume':
			return state.saved ? <ResumeScreen saved={state.saved} onAnswer={send} /> : null;
		case 'activation':
			return identity ? <ActivationScreen identity={identity} onAnswer={send} /> : null;
		case 'role-name':
			return <RoleNameScreen settings={settings} notice={state.notice} onAnswer={send} />;
		case 'access':
			return <AccessScreen settings={settings} onAnswer={send} />;
		case 'cost-explorer':
			return <CostExplorerScreen settings={settings} check={state.policyCheck} onAnswer={send} />;
		case 'trust':
			return <TrustScreen settings={settings} onAnswer={send} />;
		case 'trust-principals':
			return <PrincipalsScreen settings={settings} choices={state.principalChoices ?? []} onAnswer={send} />;
		case 'mfa':
			return <MfaScreen settings={settings} onAnswer={send} />;
		case 'session':
			return <SessionScreen settings={settings} onAnswer={send} />;
		case 'boundary':
			return (
				<BoundaryScreen
					problem={state.problem}
					onAnswer={send}
					onGiveUp={() => state.problem && send({type: 'failed', problem: state.problem})}
				/>
			);
		case 'review':
			return <ReviewScreen plan={planFor(state)} inspection={state.inspection} onAnswer={send} />;
		case 'done':
			return <DoneScreen plan={planFor(state)} verification={state.verification} />;
		case 'removed':
			return <Text color={theme.success}>✔ Removed what this setup created.</Text>;
		case 'stopped':
			return <Text>Stopped. {savedMessage}</Text>;
		case 'failed':
			return (
				<Box flexDirection="column">
					{state.problem && <ProblemBox problem={state.problem} />}
					{state.identity && <Text>{savedMessage}</Text>}
				</Box>
			);
	}
}

export interface AppProps {
	session: WizardSession;
	/** Shown once above everything, e.g. that an unreadable progress file was moved aside. */
	notice?: string;
	onInterrupt: () => void;
}

export function App({session, notice, onInterrupt}: AppProps) {
	const state = useSyncExternalStore(session.subscribe, session.getState);
	const {exit} = useApp();

	useEffect(() => {
		void session.start();
	}, [session]);

	useEffect(() => {
		if (isFinalStep(state.step)) exit();
	}, [state.step, exit]);

	useInput((input, key) => {
		if (key.ctrl && input === 'c') onInterrupt();
	});

	const send = (event: WizardEvent) => void session.send(event);
	const current = isFinalStep(state.step) ? state.resumeStep : state.step;
	const section = sectionOf[current];
	const showIdentity = state.identity && (state.step === 'resume' || state.step === 'activation');

	return (
		<Box flexDirection="column">
			{notice && <Warning>{notice}</Warning>}
			{trail(state).map(line => (
				<Answered key={line}>{line}</Answered>
			))}
			{state.step !== 'done' && (
				<Header section={section} index={sections.indexOf(section) + 1} total={sections.length} account={state.identity?.accountId} />
			)}
			{showIdentity && state.identity && (
				<Box marginBottom={1}>
					<IdentityDetails identity={state.identity} />
				</Box>
			)}
			<CurrentStep state={state} send={send} />
			{state.step === 'failed' && !state.identity && <Text color={theme.muted}>Nothing was saved: nothing had been done yet.</Text>}
		</Box>
	);
}
