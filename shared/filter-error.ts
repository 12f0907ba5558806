// The one error type of the filter language: a message and the [start, end) span of the
// expression it is about, so the CLI can draw a caret line and the app can underline the text.

/** A parse error or warning: message plus character offsets [start, end) into the expression. */
export interface FilterError {
  message: string;
  start: number;
  end: number;
}

/** Thrown inside the lexer, parser and term compiler; parseFilter turns it into a FilterError. */
export class FilterSyntaxError extends Error {
  constructor(
    message: string,
    readonly start: number,
    readonly end: number,
  ) {
    super(message);
  }
}
