/** The awkward arguments the elevated copy must receive intact (CommandLineToArgvW rules). */
export const ECHO_ARGS = ['--source=windows', 'with space', 'quote"inside', 'trail\\', 'C:\\Program Files\\netmon\\', '', '--elevated-from=1234'];
