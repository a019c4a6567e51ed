/**
 * Who may switch: IAM users and roles to tick. Type to filter, ☐/☑ always shown, short names, the caller
 * marked, ARNs given by flag listed (and so removable) even when IAM did not list them. Keys go through
 * one reducer, so a fast "↓ Space Enter" lands in order.
 */
import {Box, Text, useInput} from 'ink';
import {useEffect, useReducer, useRef} from 'react';
import {principalLabel} from '../../core/policy.js';
import {printable} from '../../core/text.js';
import {theme} from '../theme.js';

export interface PickerRow {
	arn: string;
	label: string;
}

export interface PickerState {
	filter: string;
	focus: number;
	ticked: string[];
	submitted: boolean;
}

export type PickerAction =
	| {type: 'type'; text: string}
	| {type: 'erase'}
	| {type: 'move'; by: number}
	| {type: 'toggle'}
	| {type: 'submit'};

export function visibleRows(rows: PickerRow[], filter: string): PickerRow[] {
	const wanted = filter.toLowerCase();
	return rows.filter(row => row.label.toLowerCase().includes(wanted) || row.arn.toLowerCase().includes(wanted));
}

export function pickerReducer(rows: PickerRow[]) {
	return (state: PickerState, action: PickerAction): PickerState => {
		const shown = visibleRows(rows, state.filter);
		switch (action.type) {
			case 'type':
				return {...state, filter: state.filter + action.text, focus: 0, submitted: false};
			case 'erase':
				return {...state, filter: state.filter.slice(0, -1), focus: 0, submitted: false};
			case 'move':
				return {...state, focus: Math.min(Math.max(0, state.focus + action.by), Math.max(0, shown.length - 1))};
			case 'toggle': {
				const arn = shown[state.focus]?.arn;
				if (!arn) return state;
				const ticked = state.ticked.includes(arn) ? state.ticked.filter(other => other !== arn) : [...state.ticked, arn];
				return {...state, ticked, submitted: false};
			}
			case 'submit':
				return {...state, submitted: true};
		}
	};
}

/** The rows to pick from: listed principals and ticked ones IAM did not list, minus the role being set up. */
export function pickerRows(listed: string[], ticked: string[], {accountId, callerArns, exclude}: {accountId: string; callerArns: string[]; exclude: string}): PickerRow[] {
	const arns = [...new Set([...ticked.filter(arn => !listed.includes(arn)), ...listed])].filter(arn => arn !== exclude);
	return arns.map(arn => {
		const other = !arn.includes(`::${accountId}:`);
		const label = other ? arn : principalLabel(`AWS:${arn}`);
		return {arn, label: `${label}${callerArns.includes(arn) ? ' (you)' : ''}${other ? ' (another account)' : ''}`};
	});
}

const windowSize = 8;

/** `typed`: what Tab lets people type instead (ARNs, names), as the hints say it. */
export function PrincipalPicker({
	rows,
	initial,
	typed,
	onSubmit,
	onTypeInstead,
}: {
	rows: PickerRow[];
	initial: string[];
	typed: string;
	onSubmit: (arns: string[]) => void;
	onTypeInstead: () => void;
}) {
	const [state, dispatch] = useReducer(pickerReducer(rows), {filter: '', focus: 0, ticked: initial, submitted: false});
	useInput((input, key) => {
		if (key.upArrow) dispatch({type: 'move', by: -1});
		else if (key.downArrow) dispatch({type: 'move', by: 1});
		else if (key.return) dispatch({type: 'submit'});
		else if (key.tab) onTypeInstead();
		else if (key.backspace || key.delete) dispatch({type: 'erase'});
		else if (input && !key.ctrl && !key.meta && !key.escape) {
			// Keys typed fast arrive as one text event (" \r" is Space then Enter): each character is its own key.
			for (const character of input) {
				if (character === ' ') dispatch({type: 'toggle'});
				else if (character === '\r' || character === '\n') dispatch({type: 'submit'});
				else dispatch({type: 'type', text: character});
			}
		}
	});
	// Submitted from an effect, so the answer is the state after every key already pressed; once only.
	const answered = useRef(false);
	useEffect(() => {
		if (!state.submitted || state.ticked.length === 0 || answered.current) return;
		answered.current = true;
		onSubmit(state.ticked);
	}, [state.submitted, state.ticked, onSubmit]);
	const shown = visibleRows(rows, state.filter);
	const start = Math.min(Math.max(0, state.focus - windowSize + 1), Math.max(0, shown.length - windowSize));
	const page = shown.slice(start, start + windowSize);
	return (
		<Box flexDirection="column">
			<Text>
				Filter: {state.filter === '' ? <Text color={theme.muted}>(type to filter)</Text> : state.filter}
				<Text color={theme.muted}>{`  ${state.ticked.length} ticked`}</Text>
			</Text>
			{start > 0 && <Text color={theme.muted}>{`  ↑ ${start} more above`}</Text>}
			{page.map((row, index) => {
				const focused = start + index === state.focus;
				return (
					<Text key={row.arn} color={focused ? theme.accent : undefined}>
						{`${focused ? '❯' : ' '} ${state.ticked.includes(row.arn) ? '☑' : '☐'} ${printable(row.label)}`}
					</Text>
				);
			})}
			{shown.length === 0 && <Text color={theme.muted}>{`  Nothing matches; Backspace to widen, or Tab to type ${typed}.`}</Text>}
			{start + windowSize < shown.length && <Text color={theme.muted}>{`  ↓ ${shown.length - start - windowSize} more below`}</Text>}
			{state.submitted && state.ticked.length === 0 && <Text color={theme.error}>{`Tick at least one with Space, or press Tab to type ${typed}.`}</Text>}
		</Box>
	);
}
