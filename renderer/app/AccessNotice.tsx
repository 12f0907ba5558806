// What the window says when it cannot reach the engine for a reason the user must act on: the page
// was opened without the run's token (a bookmark), or the server refuses the tab's token (a
// mistyped or old address, or netmon restarted since the tab opened: the page cannot tell which). Never shows a token: the address netmon printed is
// in its terminal, and only there.
import type { LinkState } from './useLiveData';

/** The title and explanation for `state`, or null when the link needs no action from the user. */
export function accessProblem(state: LinkState | null): { title: string; detail: string } | null {
  if (state === 'no-token') {
    return {
      title: 'This page needs the address netmon printed',
      detail:
        'netmon serve prints an address with this run’s token when it starts (http://127.0.0.1:PORT/?token=…). ' +
        'This page was opened without it (a bookmark or a typed address), so it cannot show this machine’s connections. ' +
        'Open the address from the terminal where netmon serve runs.',
    };
  }
  if (state === 'refused') {
    return {
      title: 'netmon refused this page’s token',
      detail:
        'Each run of netmon serve has its own token, and the one in this page’s address is not the current run’s: ' +
        'the address was mistyped or cut short, it is from an earlier run (a bookmark, an old tab), or netmon serve was restarted since this tab opened. ' +
        'Open the address netmon printed this time, from the terminal where it runs.',
    };
  }
  return null;
}

export function AccessNotice({ state, onRetry }: { state: LinkState | null; onRetry(): void }) {
  const problem = accessProblem(state);
  if (!problem) return null;
  return (
    <section className="access-notice" role="alert" data-testid="access-notice" aria-labelledby="access-notice-title">
      <h2 id="access-notice-title">{problem.title}</h2>
      <p>{problem.detail}</p>
      {state === 'refused' && (
        <p>
          <button type="button" onClick={onRetry}>
            Try again
          </button>{' '}
          <span className="dim">(if netmon was restarted with the same token)</span>
        </p>
      )}
    </section>
  );
}
