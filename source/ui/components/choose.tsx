import {Select} from '@inkjs/ui';
import {Box, Text, useInput, useIsScreenReaderEnabled} from 'ink';
import {useState, type ComponentProps} from 'react';

type SelectProps = ComponentProps<typeof Select>;

/**
 * A list to choose from. With a screen reader, only the focused option is drawn, as "2 of 3: …", so each
 * arrow key changes one line and that line is what is announced; @inkjs/ui's Select redraws the whole list.
 */
export function Choose(props: SelectProps) {
	return useIsScreenReaderEnabled() ? <SpokenSelect {...props} /> : <Select {...props} />;
}

function SpokenSelect({options, defaultValue, onChange}: SelectProps) {
	const [focused, setFocused] = useState(() => Math.max(0, options.findIndex(option => option.value === defaultValue)));
	useInput((_input, key) => {
		if (key.upArrow) setFocused(index => Math.max(0, index - 1));
		if (key.downArrow) setFocused(index => Math.min(options.length - 1, index + 1));
		if (key.return) onChange?.(options[focused]!.value);
	});
	const option = options[focused]!;
	return (
		<Box aria-role="listbox">
			<Text aria-role="option" aria-state={{selected: true}}>
				{`${focused + 1} of ${options.length}: ${option.label}`}
			</Text>
		</Box>
	);
}
