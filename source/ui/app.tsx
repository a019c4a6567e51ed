/** The wizard: draws the session's state and sends the user's answers back. It never calls AWS. */
import {Box, Text, useApp, useInput} from 'ink';
import {useEffect, useSyncExternalStore, type ReactNode} from 'react';
import type {WizardSession} from '../engine/session.js';
import {createdByRecord, targets} from '../engine/target.js';
import {callerCanBeChecked, contextOf, isFinalStep, latestCheck, paidCheckAfterWrites, reviewAnswers, sectionOf, sections, steps, trailOf, type FinalStep, type QuestionStep, type WizardEvent, type WizardState} from '../engine/wizard.js';
import {Header, ProblemBox} from './components/chrome.js';
import {Transcript} from './components/transcript.js';
import {ActivationOffScreen, ActivationScreen, BillingOpenScreen, IdentityDetails, NotNeededScreen, ResumeScreen} from './screens/start.js';
import {
	AccessScreen,
	AssigneesScreen,
	BoundaryScreen,
	CostExplorerScreen,
	MfaScreen,
	PrincipalsScreen,
	RoleNameScreen,
	SessionScreen,
	TrustScreen,
	ViaScreen,
} from './screens/settings.js';
import {viewOf} from '../made.js';
import {DoneScreen, FinishedScreen, ReviewScreen, Working} from './screens/finish.js';
import {afterTheWrites, savedMessage} from '../present.js';
import {theme} from './theme.js';

type Send = (event: WizardEvent) => void;

/** One screen per question: TypeScript holds this map to the step table's questions. */
const questionScreens: Record<QuestionStep, (state: WizardState, send: Send) => ReactNode> = {
	resume: (state, send) => state.saved && <ResumeScreen saved={state.saved} onAnswer={send} />,
	activation: (state, send) => state.identity && <ActivationScreen identity={state.identity} account={state.account} checkable={callerCanBeChecked(state)} onAnswer={send} />,
	'activation-off': (state, send) =>
		state.activationCheck && state.identity && <ActivationOffScreen check={state.activationCheck} partition={state.identity.partition} onAnswer={send} />,
	'billing-open': (_state, send) => <BillingOpenScreen onAnswer={send} />,
	via: (state, send) => <ViaScreen settings={state.settings} people={state.account?.identityCenter?.people.length ?? 0} onAnswer={send} />,
	'role-name': (state, send) => <RoleNameScreen settings={state.settings} notice={state.notice} onAnswer={send} />,
	access: (state, send) => <AccessScreen settings={state.settings} onAnswer={send} />,
	'cost-explorer': (state, send) => <CostExplorerScreen settings={state.settings} check={state.policyCheck} onAnswer={send} />,
	trust: (state, send) => <TrustScreen settings={state.settings} notice={state.notice} onAnswer={send} />,
	'trust-principals': (state, send) =>
		state.identity && (
			<PrincipalsScreen
				settings={state.settings}
				choices={state.principalChoices ?? []}
				complete={state.principalChoicesComplete ?? true}
				identity={state.identity}
				exclude={targets.role.plan(contextOf(state)).roleArn}
				onAnswer={send}
			/>
		),
	assignees: (state, send) => (
		<AssigneesScreen settings={state.settings} people={state.account?.identityCenter?.people ?? []} notice={state.notice} onAnswer={send} />
	),
	mfa: (state, send) => <MfaScreen settings={state.settings} onAnswer={send} />,
	session: (state, send) => <SessionScreen settings={state.settings} onAnswer={send} />,
	finished: (state, send) => state.inspection && <FinishedScreen inspection={state.inspection} view={viewOf(contextOf(state))} created={createdByRecord(state.changes)} onAnswer={send} />,
	review: (state, send) => {
		const view = viewOf(contextOf(state));
		return (
			<ReviewScreen
				view={view}
				settings={state.settings}
				answers={reviewAnswers(state)}
				then={afterTheWrites({...view, paidCheck: paidCheckAfterWrites(state)})}
				inspection={state.inspection}
				notice={state.notice}
				onAnswer={send}
			/>
		);
	},
	boundary: (state, send) => (
		<BoundaryScreen problem={state.problem} onAnswer={send} onGiveUp={() => state.problem && send({type: 'failed', problem: state.problem})} />
	),
};

const finalScreens: Record<FinalStep, (state: WizardState) => ReactNode> = {
	done: state => (
		<DoneScreen view={viewOf(contextOf(state))} verification={state.verification} partition={state.identity?.partition ?? 'aws'} thisRun={(state.verification?.at ?? '') >= state.startedAt} />
	),
	removed: () => <Text color={theme.success}>✔ Removed what this setup created.</Text>,
	stopped: () => <Text>Stopped. {savedMessage}</Text>,
	'not-needed': state => <NotNeededScreen check={latestCheck(state)} />,
	failed: state => (
		<Box flexDirection="column">
			{state.problem && <ProblemBox problem={state.problem} />}
			{state.identity ? <Text>{savedMessage}</Text> : <Text color={theme.muted}>Nothing was saved: nothing had been done yet.</Text>}
		</Box>
	),
};

function CurrentStep({state, send}: {state: WizardState; send: Send}) {
	const spec = steps[state.step];
	// Keyed by step: each wait counts its own seconds.
	if (spec.kind === 'effect') return <Working key={state.step} label={spec.wait?.(state) ?? ''} />;
	if (spec.kind === 'final') return finalScreens[state.step as FinalStep](state);
	return questionScreens[state.step as QuestionStep](state, send);
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

	const send = (event: WizardEvent) => void session.send(event);
	useInput((input, key) => {
		if (key.ctrl && input === 'c') onInterrupt();
		else if (key.escape) send({type: 'back'});
	});

	const section = sectionOf(state);
	const showIdentity = state.identity && (state.step === 'resume' || state.step === 'activation');
	const transcript = [...(notice ? [{warning: true, text: notice}] : []), ...trailOf(state).map(text => ({text}))];

	return (
		<Box flexDirection="column">
			<Transcript lines={transcript} />
			{state.step !== 'done' && state.step !== 'not-needed' && (
				<Header section={section} index={sections.indexOf(section) + 1} total={sections.length} account={state.identity?.accountId} />
			)}
			{showIdentity && state.identity && (
				<Box marginBottom={1}>
					<IdentityDetails identity={state.identity} account={state.account} />
				</Box>
			)}
			<CurrentStep state={state} send={send} />
		</Box>
	);
}
