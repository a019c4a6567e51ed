/**
 * One line of text input. Replaces @inkjs/ui's TextInput, whose cursor and placeholder are drawn only
 * with colour: under NO_COLOR the cursor vanished and the placeholder read as typed text. A paste
 * arrives as one chunk such as "Finance\r", which Ink passes on as text, not as Enter: a line break in
 * the input submits what came before it, and blanks around a line are dropped.
 */
import {Text, useInput} from 'ink';
import {useRef, useState} from 'react';

export interface LineInputProps {
	defaultValue?: string;
	/** An example, shown while nothing is typed. */
	placeholder?: string;
	onChange?: (value: string) => void;
	onSubmit?: (value: string) => void;
}

/** Colour is off when NO_COLOR, --no-color or TERM=dumb set FORCE_COLOR=0 (cli.ts). */
const colourless = () => process.env.FORCE_COLOR === '0';

export function LineInput({defaultValue = '', placeholder, onChange, onSubmit}: LineInputProps) {
	// A ref, so keys that arrive together each see the edit before them.
	const line = useRef({value: defaultValue, cursor: defaultValue.length});
	const [, redraw] = useState(0);
	const edit = (value: string, cursor: number) => {
		line.current = {value, cursor};
		redraw(count => count + 1);
		onChange?.(value);
	};
	useInput((input, key) => {
		const {value, cursor} = line.current;
		if (key.upArrow || key.downArrow || key.tab || key.escape || (key.ctrl && input === 'c')) return;
		if (key.return) return onSubmit?.(value.trim());
		if (key.leftArrow) return edit(value, Math.max(0, cursor - 1));
		if (key.rightArrow) return edit(value, Math.min(value.length, cursor + 1));
		if (key.backspace || key.delete) {
			if (cursor > 0) edit(value.slice(0, cursor - 1) + value.slice(cursor), cursor - 1);
			return;
		}
		if (key.ctrl || key.meta || !input) return;
		const [text = '', ...rest] = input.split(/[\r\n]/);
		edit(value.slice(0, cursor) + text + value.slice(cursor), cursor + text.length);
		if (rest.length > 0) onSubmit?.(line.current.value.trim());
	});
	const {value, cursor} = line.current;
	if (colourless()) {
		const shown = `${value.slice(0, cursor)}${cursor === value.length ? '█' : '|'}${value.slice(cursor)}`;
		return <Text>{value === '' && placeholder ? `█  (e.g. ${placeholder})` : shown}</Text>;
	}
	if (value === '' && placeholder) {
		return (
			<Text>
				<Text inverse>{placeholder[0]}</Text>
				<Text dimColor>{placeholder.slice(1)}</Text>
			</Text>
		);
	}
	return (
		<Text>
			{value.slice(0, cursor)}
			<Text inverse>{value[cursor] ?? ' '}</Text>
			{value.slice(cursor + 1)}
		</Text>
	);
}
